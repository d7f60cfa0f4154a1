/**
 * The processes a benchmark talks to: the OPERA sandbox in this process, and a
 * server (the real one, or the bare SDK baseline) spawned over stdio with the
 * SDK client, as an MCP client would.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { ManagedRuntime, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"

const here = path.dirname(fileURLToPath(import.meta.url))
/** The bundled CLI (dist/opera-cloud-mcp.mjs), as users run it. */
export const serverBinary = path.resolve(here, "../../opera-cloud-mcp.mjs")
export const bareBinary = path.resolve(here, "bareServer.js")

export interface BenchSandbox {
  readonly baseUrl: string
  readonly hotelId: string
  /** A seeded reservation id every call reads. */
  readonly reservationId: string
  /** OPERA_* settings pointing a server at this sandbox, with a fresh audit db on disk. */
  readonly env: Record<string, string>
  readonly tokenRequests: () => Promise<number>
  readonly stop: () => Promise<void>
}

/**
 * Limits raised so a benchmark measures the pipeline, not its refusals. The
 * threat detectors still run on every call; at sensitivity 0 a benchmark's
 * burst scores below "high" instead of being blocked as scraping.
 */
export const benchSettings: Record<string, string> = {
  OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY: "0",
  OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "1000000",
  OPERA_UPSTREAM_MAX_RPS: "10000",
  OPERA_MCP_REQUIRE_CONFIRMATION: "false"
}

export const startBenchSandbox = async (): Promise<BenchSandbox> => {
  const runtime = ManagedRuntime.make(Sandbox.layer())
  const sandbox = await runtime.runPromise(Sandbox)
  const snapshot = await runtime.runPromise(sandbox.snapshot)
  const reservation = [...snapshot.reservations.values()].find((r) => r.hotelId === sandbox.hotelId)
  if (reservation === undefined) throw new Error("the sandbox seeded no reservation")
  const dir = mkdtempSync(path.join(tmpdir(), "opera-bench-"))
  const { credentials } = sandbox
  return {
    baseUrl: sandbox.baseUrl,
    hotelId: sandbox.hotelId,
    reservationId: reservation.reservationId,
    env: {
      OPERA_BASE_URL: sandbox.baseUrl,
      OPERA_CLIENT_ID: credentials.clientId,
      OPERA_CLIENT_SECRET: Redacted.value(credentials.clientSecret),
      OPERA_APP_KEY: Redacted.value(credentials.appKey),
      OPERA_ENTERPRISE_ID: credentials.enterpriseId,
      OPERA_HOTEL_ID: sandbox.hotelId,
      OPERA_SCOPE: credentials.scope,
      OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "audit.db"),
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ...benchSettings
    },
    tokenRequests: () => runtime.runPromise(sandbox.tokenRequests),
    stop: async () => {
      await runtime.dispose()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export interface BenchSession {
  readonly call: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>
  /** Resident set size of the server process in bytes (Linux /proc), or undefined elsewhere. */
  readonly rss: () => number | undefined
  /** CPU time (user + system) the server process has used, in ms (Linux /proc), or undefined elsewhere. */
  readonly cpuMs: () => number | undefined
  readonly close: () => Promise<void>
}

// Clock ticks per second of /proc/<pid>/stat: 100 on Linux.
const ticksPerSecond = 100

const cpuOf = (pid: number | null): number | undefined => {
  if (pid === null) return undefined
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? []
    const ticks = Number(fields[11]) + Number(fields[12])
    return Number.isFinite(ticks) ? ticks * 1000 / ticksPerSecond : undefined
  } catch {
    return undefined
  }
}

const rssOf = (pid: number | null): number | undefined => {
  if (pid === null) return undefined
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8")
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}

/** Spawns `node <binary> ...args` and connects the SDK client; resolves once `initialize` is answered. */
export const connect = async (
  binary: string,
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  nodeOptions: ReadonlyArray<string> = []
): Promise<BenchSession> => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...nodeOptions, binary, ...args],
    env: { PATH: process.env.PATH ?? "", ...env },
    stderr: "ignore"
  })
  const client = new Client({ name: "opera-bench", version: "1.0.0" })
  await client.connect(transport)
  return {
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    rss: () => rssOf(transport.pid),
    cpuMs: () => cpuOf(transport.pid),
    close: () => client.close()
  }
}

export const textOf = (result: CallToolResult): string =>
  result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n")

/** A benchmark of failures measures nothing: stop loudly when a call errors. */
export const expectSuccess = (result: CallToolResult, what: string): void => {
  if (result.isError === true) throw new Error(`${what} failed: ${textOf(result).slice(0, 200)}`)
}
