import type { CacheHint, ServerCapabilities } from "@modelcontextprotocol/server"

/**
 * The revisions this server speaks: 2026-07-28 (per-request envelope, chosen
 * through `server/discover`) and the 2025 ones (the initialize handshake,
 * which counter-offers the first 2025 entry to a client asking for another).
 */
export const supportedProtocolVersions: Array<string> = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"]

/**
 * Tools, resources (with subscriptions: a change made through this server
 * announces the resources it touched), prompts and completions; the lists are
 * fixed for the life of the process. `logging` so 2025 clients may set a level
 * (`logging/setLevel`); the server logs to stderr and sends no log notifications.
 */
export const capabilities: ServerCapabilities = {
  tools: { listChanged: false },
  resources: { subscribe: true, listChanged: false },
  prompts: { listChanged: false },
  completions: {},
  logging: {}
}

/**
 * Cache hints for the 2026-07-28 cacheable results. `tools/list` depends on
 * who asks (read-only keys, per-client tool and hotel allow-lists), so it is
 * `private`: only the client that asked may reuse it, for five minutes (an
 * operator who narrows a key's policy sees it applied to that key's next
 * listing within that time; calls are always checked against the current
 * policy). The prompt and resource lists follow the same policy.
 * `server/discover` is the same for every client, but it is answered
 * only to authenticated clients over HTTP, so it is kept out of shared caches
 * as well.
 */
export const cacheHints: Partial<Record<"tools/list" | "prompts/list" | "resources/list" | "resources/templates/list" | "server/discover", CacheHint>> = {
  "tools/list": { ttlMs: 300_000, cacheScope: "private" },
  "prompts/list": { ttlMs: 300_000, cacheScope: "private" },
  "resources/list": { ttlMs: 300_000, cacheScope: "private" },
  "resources/templates/list": { ttlMs: 300_000, cacheScope: "private" },
  "server/discover": { ttlMs: 3_600_000, cacheScope: "private" }
}
