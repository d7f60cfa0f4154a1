/**
 * What the storage-fault scenarios share: a stdio server session on a chosen
 * audit db, the `audit` CLI against the same db, OPERA traffic counts, and
 * one write and one read call a hotel would make.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { spawnSync } from "node:child_process"
import { Effect } from "effect"
import { expect } from "vitest"
import type { RunningSandbox } from "../../support/sandboxProcess.js"
import type { ServerSession } from "../../support/serverProcess.js"
import { builtBinary, repoRoot, startServer, textOf } from "../../support/serverProcess.js"
import { bookingArguments, inDays } from "../bookings.js"

export interface Transcript {
  readonly places: Record<string, string>
  /** Every audit db a scenario used: the leak scan reads each with its WAL. */
  readonly dbPaths: Array<string>
  /** Keeps a session's stdout and stderr (and any extra text) for the leak and stack-trace scans. */
  readonly keep: (name: string, text: string) => void
}

export const makeTranscript = (): Transcript => {
  const places: Record<string, string> = {}
  return {
    places,
    dbPaths: [],
    keep: (name, text) => {
      places[name] = (places[name] ?? "") + text
    }
  }
}

export const auditEnv = (opera: RunningSandbox, dbPath: string, settings: Record<string, string> = {}) => ({
  ...opera.env,
  OPERA_SECURITY_AUDIT_DB_PATH: dbPath,
  OPERA_MCP_REQUIRE_CONFIRMATION: "false",
  OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "1000000",
  OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "1000",
  // Many bookings in a burst are this suite's load, not an attack.
  OPERA_SECURITY_ENABLE_ANOMALY_DETECTION: "false",
  OPERA_UPSTREAM_MAX_RPS: "10000",
  ...settings
})

export const serve = (env: Record<string, string>) =>
  startServer({ args: ["serve"], env, clientName: "storage-faults" })

/** Closes the session and keeps everything it printed. */
export const finish = async (session: ServerSession, transcript: Transcript, name: string) => {
  await session.close().catch(() => undefined)
  transcript.keep(`${name} stdout`, session.stdout())
  transcript.keep(`${name} stderr`, session.stderr())
}

export interface CliRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

export const auditCli = (args: ReadonlyArray<string>, env: Record<string, string>): CliRun => {
  const run = spawnSync(process.execPath, [builtBinary, "audit", ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** `serve` expected not to start: it exits on its own (stdin is closed at once in any case). */
export const serveRefused = (env: Record<string, string>): CliRun => {
  const run = spawnSync(process.execPath, [builtBinary, "serve"], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
    cwd: repoRoot,
    encoding: "utf8",
    input: "",
    timeout: 60_000
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

export interface VerifyVerdict extends CliRun {
  readonly ok: boolean | undefined
  readonly rowsChecked: number
}

export const verify = (env: Record<string, string>): VerifyVerdict => {
  const run = auditCli(["verify", "--json"], env)
  const parsed = (() => {
    try {
      return JSON.parse(run.stdout) as { ok?: boolean; rowsChecked?: number }
    } catch {
      return {}
    }
  })()
  return { ...run, ok: parsed.ok, rowsChecked: parsed.rowsChecked ?? 0 }
}

export interface ReportTotals {
  readonly events: number
  readonly toolCalls: number
  readonly succeeded: number
  readonly refused: number
  readonly pending: number
}

export const reportTotals = (env: Record<string, string>): ReportTotals => {
  const run = auditCli(["report", "--hours", "1", "--json"], env)
  if (run.status !== 0) throw new Error(`audit report failed (${run.status}): ${run.stderr.slice(0, 300)}`)
  return (JSON.parse(run.stdout) as { totals: ReportTotals }).totals
}

/** Data calls OPERA received (the token endpoint is not a route), since the last `clearTraffic`. */
export const operaCalls = async (opera: RunningSandbox) => {
  const traffic = await Effect.runPromise(opera.sandbox.traffic)
  return {
    writes: traffic.filter((exchange) => exchange.route !== undefined && exchange.method !== "GET").length,
    reads: traffic.filter((exchange) => exchange.route !== undefined && exchange.method === "GET").length
  }
}
export const clearTraffic = (opera: RunningSandbox) => Effect.runPromise(opera.sandbox.clearTraffic)

/** A booking: a write tool, so its intent must be on the record before OPERA sees it. */
export const book = (session: ServerSession, n: number) =>
  session.call("create_reservation", bookingArguments(n, { givenName: "Storage", surname: "Fault" }, 30))

/** Books `count` times from booking `from`, each acknowledged; returns `count`. */
export const bookAcknowledged = async (session: ServerSession, count: number, from: number) => {
  for (let n = 0; n < count; n++) {
    const result = await book(session, from + n)
    expect(succeeded(result), textOf(result)).toBe(true)
  }
  return count
}

/** A search: a read tool, which follows the degraded mode. */
export const search = (session: ServerSession) =>
  session.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(3), limit: 2 })

export const auditMode = async (session: ServerSession) => {
  const health = await session.call("security_health_check")
  const audit = (health.structuredContent as { audit?: { mode?: string; problem?: string } } | undefined)?.audit
  return { isError: health.isError === true, mode: audit?.mode, problem: audit?.problem, text: textOf(health) }
}

export const succeeded = (result: CallToolResult) => result.isError !== true
export { textOf }
