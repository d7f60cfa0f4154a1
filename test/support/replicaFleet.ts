import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { ConfigProvider, Effect } from "effect"
import type { SpawnSyncReturns } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { Exchange } from "../../src/connectors/opera/sandbox/traffic.js"
import type { ClientPolicy } from "../../src/security/clients/ClientRecord.js"
import { ClientStore } from "../../src/security/clients/ClientStore.js"
import type { HttpServerProcess } from "../e2e/httpServerProcess.js"
import { freePort, runCli, startHttpServerProcess } from "../e2e/httpServerProcess.js"
import type { RedisServer } from "./redisServer.js"
import { startRedis } from "./redisServer.js"
import type { RoundRobinProxy } from "./roundRobinProxy.js"
import { startRoundRobinProxy } from "./roundRobinProxy.js"
import type { RunningSandbox } from "./sandboxProcess.js"
import { startSandbox } from "./sandboxProcess.js"
import type { V2Session } from "./v2Client.js"
import { connectV2Http } from "./v2Client.js"

/**
 * Several `serve --http` replicas of the built binary on one real
 * redis-server and one OPERA sandbox (in this process, over HTTP, so what the
 * sandbox counts is the replicas' combined traffic), behind a round-robin
 * proxy: what a hotel group runs behind its load balancer. Every replica has
 * its own audit db and shares the clients file, the state key and the
 * confirmation-round key, as an operator sets them up.
 */
export interface ReplicaFleet {
  readonly redis: RedisServer
  readonly opera: RunningSandbox
  readonly proxy: RoundRobinProxy
  /** `/mcp` through the proxy (round robin; 2025 sessions sticky by Mcp-Session-Id). */
  readonly url: string
  /** Each replica's own `/mcp`, to aim a request at one replica. */
  readonly replicaUrls: ReadonlyArray<string>
  /** Each replica's own base URL (`/readyz`, `/healthz`, `/metrics`). */
  readonly replicaBases: ReadonlyArray<string>
  /** The API key of every client added so far, by name. */
  readonly keys: Readonly<Record<string, string>>
  /** The settings of every replica (before its own overrides), e.g. for CLI commands against the same store. */
  readonly env: Readonly<Record<string, string>>
  readonly addClient: (name: string, policy?: ClientPolicy) => Promise<string>
  /** Runs a command of the built binary with the fleet's settings (`clients revoke NAME`, `lockouts list`). */
  readonly cli: (args: ReadonlyArray<string>, settings?: Record<string, string>) => SpawnSyncReturns<string>
  readonly replica: (index: number) => HttpServerProcess
  /** Stops every replica and starts it again on the same port (the proxy keeps its targets). */
  readonly restartReplicas: (settings?: Record<string, string>) => Promise<void>
  /** Every exchange the sandbox saw from all replicas together (the newest 1000), oldest first. */
  readonly operaTraffic: () => Promise<ReadonlyArray<Exchange>>
  /** Requests to OPERA's token endpoint from all replicas together, successful or not. */
  readonly tokenRequests: () => Promise<number>
  /** What every replica wrote to stderr, previous runs included. */
  readonly stderr: () => string
  /** Every secret a leak scan looks for: API keys, OPERA credentials and tokens, audit and state keys. */
  readonly secrets: () => Promise<ReadonlyArray<Needle>>
  readonly dispose: () => Promise<void>
}

export interface FleetOptions {
  readonly replicas?: number
  /** Settings of every replica. */
  readonly settings?: Record<string, string>
  /** Settings of one replica, by index, over `settings`. */
  readonly replicaSettings?: ReadonlyArray<Record<string, string>>
  /** Redis keeps its data over a restart (AOF, fsync always); default: no persistence. */
  readonly redisAppendOnly?: boolean
  /** Clients to add before the replicas start, with their policies (default: may read and write). */
  readonly clients?: Record<string, ClientPolicy>
}

const fullAccess: ClientPolicy = { readOnly: false }

export const startFleet = async (options: FleetOptions = {}): Promise<ReplicaFleet> => {
  const count = options.replicas ?? 3
  const dir = mkdtempSync(path.join(tmpdir(), "opera-fleet-"))
  const redis = await startRedis({ appendOnly: options.redisAppendOnly === true })
  const opera = await startSandbox()
  const clientsFile = path.join(dir, "clients.json")
  const stateKey = randomBytes(32).toString("base64url")
  const requestStateKey = randomBytes(32).toString("base64url")
  const env: Record<string, string> = {
    ...opera.env,
    OPERA_MCP_CLIENTS_FILE: clientsFile,
    OPERA_MCP_STATE_URL: redis.url,
    OPERA_MCP_STATE_KEY: stateKey,
    OPERA_MCP_STATE_TIMEOUT_MS: "300",
    OPERA_MCP_REQUEST_STATE_KEY: requestStateKey,
    ...options.settings
  }

  const keys: Record<string, string> = {}
  // Through the ClientStore the server reads (the same file format `clients add` writes), without a process per key.
  const clientStore = ConfigProvider.fromMap(new Map([["OPERA_MCP_CLIENTS_FILE", clientsFile]]))
  const addClient = async (name: string, policy: ClientPolicy = fullAccess) => {
    const issued = await Effect.runPromise(
      Effect.flatMap(ClientStore, (store) => store.add(name, policy)).pipe(
        Effect.provide(ClientStore.Default),
        Effect.withConfigProvider(clientStore)
      )
    )
    keys[name] = issued.apiKey
    return issued.apiKey
  }
  for (const [name, policy] of Object.entries(options.clients ?? {})) await addClient(name, policy)

  const ports: Array<number> = []
  for (let index = 0; index < count; index++) ports.push(await freePort())
  const settingsOf = (index: number, extra: Record<string, string>) => ({
    ...env,
    OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, `audit-${index}.db`),
    ...options.replicaSettings?.[index],
    ...extra
  })
  const replicas: Array<HttpServerProcess> = []
  const earlierStderr: Array<string> = []
  const startAll = async (extra: Record<string, string>) => {
    const started = await Promise.all(
      ports.map((port, index) => startHttpServerProcess(["--port", String(port)], settingsOf(index, extra)))
    )
    replicas.splice(0, replicas.length, ...started)
  }
  const stopAll = async () => {
    await Promise.all(replicas.map(async (replica) => {
      if (replica.child.exitCode === null) replica.child.kill("SIGTERM")
      await replica.exited
      earlierStderr.push(replica.stderr())
    }))
    replicas.splice(0, replicas.length)
  }

  const proxy = await startRoundRobinProxy(ports)
  try {
    await startAll({})
  } catch (error) {
    await stopAll()
    await Promise.all([proxy.stop(), redis.dispose(), opera.stop()])
    throw error
  }

  return {
    redis,
    opera,
    proxy,
    url: `${proxy.url}/mcp`,
    replicaUrls: ports.map((port) => `http://127.0.0.1:${port}/mcp`),
    replicaBases: ports.map((port) => `http://127.0.0.1:${port}`),
    keys,
    env,
    addClient,
    cli: (args, settings = {}) => runCli(args, { ...env, ...settings }),
    replica: (index) => {
      const replica = replicas[index]
      if (replica === undefined) throw new Error(`no replica ${index} is running`)
      return replica
    },
    restartReplicas: async (settings = {}) => {
      await stopAll()
      await startAll(settings)
    },
    operaTraffic: () => Effect.runPromise(opera.sandbox.traffic),
    tokenRequests: () => Effect.runPromise(opera.sandbox.tokenRequests),
    stderr: () => [...earlierStderr, ...replicas.map((replica) => replica.stderr())].join("\n"),
    secrets: async () => [
      ...Object.entries(keys).map(([name, value]) => ({ what: `the API key of ${name}`, value })),
      { what: "OPERA_MCP_STATE_KEY", value: stateKey },
      { what: "OPERA_MCP_REQUEST_STATE_KEY", value: requestStateKey },
      ...(await opera.secrets()).map((value, index) => ({ what: `OPERA secret or token #${index}`, value }))
    ],
    dispose: async () => {
      await stopAll()
      await proxy.stop()
      await redis.dispose()
      await opera.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A 2025 session with the 1.x SDK client over Streamable HTTP (one replica holds it). */
export interface LegacySession {
  readonly client: Client
  readonly sessionId: () => string | undefined
  readonly call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>
  readonly close: () => Promise<void>
}

export const connectLegacySession = async (url: string, key: string): Promise<LegacySession> => {
  const client = new Client({ name: "replica-test-2025", version: "1.0.0" })
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${key}` } }
  })
  await client.connect(transport)
  return {
    client,
    sessionId: () => transport.sessionId,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close()
  }
}

/** A 2026-07-28 client (stateless: every request stands alone, so the proxy spreads them over the replicas). */
export const connectModern = (url: string, key: string): Promise<V2Session> => connectV2Http(url, key, "modern")

/** What both eras' sessions share, for tests that run in either. */
export type AnySession = Pick<V2Session, "call" | "close">

export const textOf = (result: { readonly content: ReadonlyArray<{ readonly type: string; readonly text?: string }> }) =>
  result.content.map((part) => part.type === "text" ? part.text ?? "" : "").join("\n")

/** `/readyz` of one replica: its status and what it says. */
export const readinessOf = async (base: string): Promise<{ readonly status: number; readonly body: Record<string, unknown> }> => {
  const answer = await fetch(`${base}/readyz`)
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> }
}

/** Polls `check` every 100 ms until it holds, for at most `ms`. */
export const eventually = async (check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> => {
  const until = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Something a leak scan looks for, and what to call it when found (never the value: a report must not leak it). */
export interface Needle {
  readonly what: string
  readonly value: string
}

/** What of `needles` is in `haystack`, by name (a leak scan expects none). */
export const leaksIn = (haystack: string, needles: ReadonlyArray<Needle>): ReadonlyArray<string> =>
  needles.filter((needle) => needle.value.length > 0 && haystack.includes(needle.value)).map((needle) => needle.what)
