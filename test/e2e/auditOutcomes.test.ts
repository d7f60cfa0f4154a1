import { afterEach, describe, expect, it } from "vitest"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { Fault } from "../../src/connectors/opera/sandbox/faults.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import type { ServerSession } from "../support/serverProcess.js"
import { builtBinary, startServer } from "../support/serverProcess.js"

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

interface Totals {
  readonly toolCalls: number
  readonly pending: number
  readonly cancelled: number
  readonly unknownOutcome: number
  readonly unresolvedIntents: number
}
interface Report {
  readonly totals: Totals
  readonly errorsByTag: Record<string, number>
}

const report = (env: Record<string, string>): Report => {
  const run = spawnSync(process.execPath, [builtBinary, "audit", "report", "--hours", "1", "--json"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000
  })
  if (run.status !== 0) throw new Error(`audit report exited ${run.status}: ${run.stderr}`)
  return JSON.parse(run.stdout) as Report
}

const until = async (what: string, env: Record<string, string>, holds: (report: Report) => boolean): Promise<Report> => {
  let last: Report | undefined
  for (let attempt = 0; attempt < 60; attempt++) {
    last = report(env)
    if (holds(last)) return last
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what}: not reached; last report ${JSON.stringify(last?.totals)}`)
}

// Every OPERA answer of this kind is held for a minute: long enough to cut the call while it waits.
const hold = (opera: RunningSandbox, method: "GET" | "POST") =>
  Effect.runPromise(opera.sandbox.faults.inject({ target: { method, pathPrefix: "/rsv/" }, fault: Fault.latency(60_000) }))

const booking = {
  guest: { givenName: "Grace", surname: "Hopper" },
  arrivalDate: inDays(40),
  departureDate: inDays(41),
  roomType: "KING",
  ratePlanCode: "BAR",
  adults: 1
}

const exited = (session: ServerSession, signal: NodeJS.Signals) => {
  const pid = session.pid()
  if (pid === null) throw new Error("no server process")
  process.kill(pid, signal)
  return new Promise<void>((resolve) => {
    const poll = () => {
      try {
        process.kill(pid, 0)
        setTimeout(poll, 50)
      } catch {
        resolve()
      }
    }
    poll()
  })
}

describe("every tool call ends with an outcome row", () => {
  let opera: RunningSandbox | undefined
  let session: ServerSession | undefined

  const start = async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "false", OPERA_TIMEOUT_MS: "120000" })
    session = await startServer({ args: ["serve"], env: opera.env })
    return { opera, session }
  }
  afterEach(async () => {
    await session?.close().catch(() => undefined)
    await opera?.stop()
    session = undefined
    opera = undefined
  })

  it("a read the client cancels (notifications/cancelled) is recorded as cancelled", async () => {
    const { opera, session } = await start()
    await hold(opera, "GET")
    const abort = new AbortController()
    const call = session.client.callTool(
      { name: "search_reservations", arguments: { arrivalFrom: inDays(0), arrivalTo: inDays(3), limit: 3 } },
      undefined,
      { signal: abort.signal }
    )
    await new Promise((resolve) => setTimeout(resolve, 1000))
    abort.abort("the user stopped it")
    await expect(call).rejects.toThrow()
    const after = await until("cancelled row", opera.env, (r) => r.totals.cancelled === 1)
    expect(after.errorsByTag["Cancelled"]).toBe(1)
    expect(after.totals.unknownOutcome).toBe(0)
  }, 60_000)

  it("a write cancelled while OPERA holds its answer is recorded as unknown_outcome, its intent resolved", async () => {
    const { opera, session } = await start()
    await hold(opera, "POST")
    const abort = new AbortController()
    const call = session.client.callTool({ name: "create_reservation", arguments: booking }, undefined, {
      signal: abort.signal
    })
    await until("intent row", opera.env, (r) => r.totals.pending === 1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    abort.abort("the user stopped it")
    await expect(call).rejects.toThrow()
    const after = await until("unknown_outcome row", opera.env, (r) => r.totals.unknownOutcome === 1)
    expect(after.totals.unresolvedIntents).toBe(0)
    expect(after.totals.cancelled).toBe(0)
  }, 60_000)

  it("a write left by a killed process is resolved at the next start-up and shown by audit report", async () => {
    const { opera, session } = await start()
    await hold(opera, "POST")
    const call = session.client.callTool({ name: "create_reservation", arguments: booking }).catch(() => undefined)
    const held = await until("intent row", opera.env, (r) => r.totals.pending === 1)
    expect(held.totals.unresolvedIntents).toBe(1)
    await exited(session, "SIGKILL")
    await call
    const killed = report(opera.env)
    expect(killed.totals.unresolvedIntents).toBe(1)
    expect(killed.totals.unknownOutcome).toBe(0)

    const next = await startServer({ args: ["serve"], env: opera.env })
    try {
      const health = await next.call("security_health_check")
      expect((health.structuredContent as { audit: { unresolvedIntents?: number } }).audit.unresolvedIntents).toBe(0)
    } finally {
      await next.close()
    }
    const resolved = report(opera.env)
    expect(resolved.totals.unresolvedIntents).toBe(0)
    expect(resolved.totals.unknownOutcome).toBe(1)
    expect(resolved.errorsByTag["ProcessEnded"]).toBe(1)
  }, 90_000)

  it("SIGTERM during a held call lets its outcome row be written before the log closes", async () => {
    const { opera, session } = await start()
    await hold(opera, "GET")
    const call = session.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(3), limit: 3 })
      .catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await exited(session, "SIGTERM")
    await call
    const after = report(opera.env)
    expect(after.totals.cancelled).toBe(1)
    expect(after.totals.unresolvedIntents).toBe(0)
  }, 60_000)
})
