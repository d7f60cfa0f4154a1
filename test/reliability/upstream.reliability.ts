/**
 * Upstream faults (issue 8): 5xx storms, 429 with Retry-After, connection
 * resets, malformed bodies and timeouts over stdio against the built server,
 * and the token endpoint down for 10 minutes of TestClock time in-process.
 * 0 hangs, the breaker opens and recovers, writes are never retried blindly,
 * every failure is audited, and nothing secret or personal leaks.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { tmpdir } from "node:os"
import path from "node:path"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"
import { operaLayers } from "../connectors/opera/client/harness.js"
import type { LeakHit } from "./support.js"
import { scaled, scanForLeaks, stackTrace, writeSummary } from "./support.js"
import { circuitOpen, warnsChangeMayHaveHappened } from "./upstream/calls.js"
import type { FaultKind } from "./upstream/perCallFaults.js"
import { faultKinds, maxAttempts, retriedOnReads, runFaultKind, timeoutMs } from "./upstream/perCallFaults.js"
import type { CallRecord, StdioScenario } from "./upstream/stdioScenario.js"
import { startStdioScenario } from "./upstream/stdioScenario.js"
import { runStorm } from "./upstream/storm.js"
import { callDeadlineSeconds, outageFrom, outageUntil, tokenOutage } from "./upstream/tokenOutage.js"

// Capped: RELIABILITY_SCALE=50 (the fuzz suite's 100,000 cases) would otherwise spend an hour on timeouts.
const stormCalls = scaled(30, 6, 200)
const failedTrials = scaled(1, 0, 3)
const perKindCases = scaled(10, 2, 40)

const summaries: Record<string, Record<string, unknown>> = {}
const leaks: Array<LeakHit> = []
let placesScanned = 0

const summarize = (scenario: string, figures: Record<string, unknown>) => {
  summaries[scenario] = figures
  // One line per scenario for the README (tests may log).
  console.log(`upstream ${scenario}: ${JSON.stringify(figures)}`)
}

/** Every answer is a clear isError message or a result: no hang, no stack, no unrecognised text. */
const expectClearAnswers = (calls: ReadonlyArray<CallRecord>) => {
  for (const call of calls) {
    expect(call.hang, `${call.tool} hung`).toBe(false)
    expect(stackTrace.test(call.text), call.text).toBe(false)
    if (call.isError) expect(call.tag, call.text).not.toBe("unclear")
  }
}

/** Closes the scenario, checks its audit trail against what the client saw, and scans it for leaks. */
const finishScenario = async (scenario: StdioScenario, options: { readonly abortsRequests?: boolean } = {}) => {
  const { audit, places } = await scenario.finish()
  for (const [where, text] of Object.entries(places)) expect(stackTrace.test(text), where).toBe(false)
  leaks.push(...(await scanForLeaks(scenario.opera, places)))
  placesScanned += Object.keys(places).length
  await scenario.opera.stop()
  expect(audit.verified).toBe(true)
  expect(audit.inTrail).toEqual(audit.seenByClient)
  expect(audit.failuresNotMarkedFailure).toBe(0)
  expect(audit.writeIntents).toBe(scenario.calls.filter((call) => call.write).length)
  expect(audit.intentsWithoutOutcome).toBe(0)
  // The proxy's count is the sandbox's own, except where the client gave up (the sandbox records answered requests only).
  if (options.abortsRequests === true) expect(audit.sandboxRecorded).toBeLessThan(audit.proxyCounted)
  else expect(audit.sandboxRecorded).toBe(audit.proxyCounted)
  return audit
}

const figuresOf = (calls: ReadonlyArray<CallRecord>) => ({
  calls: calls.length,
  failures: calls.filter((call) => call.isError).length,
  hangs: calls.filter((call) => call.hang).length,
  upstreamRequests: calls.reduce((total, call) => total + call.upstream, 0),
  writes: calls.filter((call) => call.write).length,
  writesRetried: calls.filter((call) => call.write && call.attempts > 1).length
})

const checkFaultKind = (kind: FaultKind, figures: Awaited<ReturnType<typeof runFaultKind>>) => {
  const tag = { status5xx: "OperaUnavailable", rateLimited: "OperaRateLimited", connectionReset: "OperaUnavailable", malformedJson: "OperaBadResponse", timeout: "OperaUnavailable" }[kind]
  // Every clean call between faults went through at once: the breaker never opened.
  for (const control of figures.controls) {
    expect(control.isError, `${kind}: ${control.text}`).toBe(false)
    expect(control.attempts).toBe(1)
  }
  expect(figures.breakerAtEnd).toBe("closed")
  // A read that meets the fault every time gives up after the bounded attempts, with a clear typed message.
  expect(figures.exhausted.isError).toBe(true)
  expect(figures.exhausted.tag).toBe(tag)
  expect(figures.exhausted.attempts).toBe(retriedOnReads(kind) ? maxAttempts : 1)
  for (const read of figures.reads) {
    if (retriedOnReads(kind)) {
      expect(read.record.isError, `${kind}: ${read.record.text}`).toBe(false)
      expect(read.record.attempts).toBe(read.faults + 1)
    } else {
      expect(read.record.tag).toBe(tag)
      expect(read.record.attempts).toBe(1)
    }
    // 429: the next attempt waits for Retry-After (1 s), not the short backoff.
    if (kind === "rateLimited") for (const gap of read.gapsMs) expect(gap).toBeGreaterThanOrEqual(950)
  }
  for (const write of figures.writes) {
    expect(write.isError).toBe(true)
    expect(write.tag, write.text).toBe(tag)
    // Never retried blindly: one attempt, whatever the fault.
    expect(write.attempts).toBe(1)
    // When OPERA may have applied it, the person is told to look before trying again.
    if (kind === "timeout" || kind === "connectionReset" || kind === "malformedJson") {
      expect(warnsChangeMayHaveHappened(write.text), write.text).toBe(true)
    }
  }
}

const logs: Array<string> = []
const capture = Logger.add(Logger.map(Logger.logfmtLogger, (line) => {
  logs.push(line)
}))

const tokenOutageChecked = Effect.gen(function*() {
  const sandbox = yield* Sandbox
  const outage = yield* tokenOutage
  const during = outage.calls.filter((call) => call.startedAt >= outageFrom && call.startedAt < outageUntil)
  const failures = outage.calls.filter((call) => call.outcome === "failure")
  expect(outage.calls.filter((call) => call.outcome === "hang")).toEqual([])
  for (const call of outage.calls) expect(call.seconds).toBeLessThan(callDeadlineSeconds)
  // Until the cached token's hard margin the outage costs nothing; after it, calls fail typed.
  expect(during.filter((call) => call.startedAt < 59 * 60 + 30).every((call) => call.outcome === "success")).toBe(true)
  expect(failures.length).toBeGreaterThan(0)
  for (const failure of failures) {
    expect(failure.tag).toBe("OperaUnavailable")
    expect(failure.message).toMatch(/token endpoint answered HTTP 503; try again shortly|calls are paused/)
  }
  // Bounded: 3 requests per refresh check (every 15 s) and at most 3 per admitted call attempt.
  const callsDuring = during.length
  expect(outage.tokenRequestsDuringOutage).toBeLessThanOrEqual(3 * ((outageUntil - outageFrom) / 15 + 1) + 3 * maxAttempts * callsDuring)
  expect(outage.refusedAtSandbox).toBe(outage.tokenRequestsDuringOutage)
  // The fiber kept trying on its own while calls were served from the cache …
  expect(outage.fiberRequestsBeforeExpiry).toBeGreaterThanOrEqual(30)
  // … and had a token again after the outage before any call asked for one.
  expect(outage.restoredByFiber).toBe(true)
  expect(outage.firstSuccessAfterRecovery).toBeDefined()
  expect(outage.firstSuccessAfterRecovery).toBeLessThanOrEqual(45)
  const afterFirst = outage.calls.filter((call) =>
    call.startedAt >= outageUntil + (outage.firstSuccessAfterRecovery ?? 0))
  expect(afterFirst.every((call) => call.outcome === "success")).toBe(true)
  expect(outage.authFailuresAudited).toBeGreaterThan(0)
  expect(outage.authFailureTags).toEqual(["OperaUnavailable"])
  // The breaker opened during the outage and is closed again at the end.
  expect(outage.breakerTransitions).toContain("Open")
  expect(outage.breakerTransitions[outage.breakerTransitions.length - 1]).toBe("Closed")

  const places = { "token outage errors": JSON.stringify(failures), "token outage logs": logs.join("\n") }
  const shim = { sandbox, env: {}, auditDbPath: path.join(tmpdir(), "upstream-no-audit-db"), secrets: async () => outage.secrets, stop: async () => {} }
  leaks.push(...(yield* Effect.promise(() => scanForLeaks(shim, places))))
  placesScanned += 2
  summarize("token endpoint down 10 min", {
    calls: outage.calls.length,
    failures: failures.length,
    hangs: outage.calls.filter((call) => call.outcome === "hang").length,
    tokenRequestsDuringOutage: outage.tokenRequestsDuringOutage,
    dataRequestsDuringOutage: outage.dataRequestsDuringOutage,
    // Sampled once per TestClock second: a trial that fails within the second shows as Open throughout.
    breakerStates: outage.breakerTransitions.join("→"),
    fiberRequestsBeforeExpiry: outage.fiberRequestsBeforeExpiry,
    longestCallSeconds: Math.max(...outage.calls.map((call) => call.seconds)),
    firstSuccessAfterRecoverySeconds: outage.firstSuccessAfterRecovery,
    authFailuresAudited: outage.authFailuresAudited
  })
}).pipe(
  Effect.provide(operaLayers(
    { OPERA_SECURITY_TOKEN_REFRESH_THRESHOLD_MINUTES: "5" },
    { trafficCapacity: 20_000 },
    // Far beyond the outage's steps: a socket that is slow in real time never times out on the TestClock.
    { timeoutMs: 300_000 }
  )),
  Effect.provide(capture)
)

// The storm waits out real 30 s cool-downs; the other scenarios run meanwhile (each has its own sandbox and server).
describe.concurrent("upstream faults", () => {
  it.concurrent(`5xx storm: the breaker opens, refuses without reaching OPERA, and recovers (${failedTrials} failed trials)`, async () => {
    const started = Date.now()
    const scenario = await startStdioScenario("storm")
    const storm = await runStorm(scenario, { stormCalls, failedTrials, recoveryCalls: scaled(10, 4, 50), refusalEveryMs: 1500 })
    expectClearAnswers(scenario.calls)

    // Before it opens: the first read is tried 4 times, the write once; the fifth failure opens the breaker.
    const reachedOpera = storm.stormCalls.filter((call) => call.upstream > 0)
    expect(reachedOpera.map((call) => [call.tool, call.attempts])).toEqual([["get_reservation", maxAttempts], ["create_reservation", 1]])
    expect(storm.requestsBeforeOpen).toBe(5)
    // Open: every later call is refused at once with the breaker's message and sends nothing to OPERA.
    const refused = [...storm.stormCalls.slice(reachedOpera.length), ...storm.refusedWhileOpen]
    for (const call of refused) {
      expect(call.upstream).toBe(0)
      expect(call.text).toMatch(circuitOpen)
    }
    const refusalMs = refused.map((call) => call.ms).sort((a, b) => a - b)
    expect(refusalMs[Math.floor(refusalMs.length / 2)]).toBeLessThan(500)
    // One trial per cool-down: each failed trial reaches OPERA once and re-opens; the last one closes it.
    expect(storm.trials.map((trial) => [trial.attempts, trial.isError])).toEqual([
      ...Array.from({ length: failedTrials }, () => [1, true]),
      [1, false]
    ])
    expect(storm.transitions).toEqual(["closed", "open", ...Array.from({ length: failedTrials }, () => "open"), "closed", "closed"])
    for (const call of storm.recovery) {
      expect(call.isError, call.text).toBe(false)
      expect(call.attempts).toBe(1)
    }
    const audit = await finishScenario(scenario)
    summarize("5xx storm", {
      ...figuresOf(scenario.calls),
      refusedFast: refused.length,
      medianRefusalMs: refusalMs[Math.floor(refusalMs.length / 2)],
      requestsBeforeOpen: storm.requestsBeforeOpen,
      breakerTransitions: storm.transitions.join("→"),
      trials: storm.trials.length,
      auditedOutcomes: audit.inTrail.length,
      seconds: Math.round((Date.now() - started) / 1000)
    })
  })

  it.effect("token endpoint down for 10 minutes of TestClock time: calls fail typed and fast, token requests stay bounded, " +
    "the refresh fiber keeps going, calls recover without a restart", () => tokenOutageChecked, 300_000)

  // One scenario per fault kind, each with its own sandbox, server and audit log.
  for (const kind of faultKinds) {
    it.concurrent(`${kind} on single calls: bounded retries for reads, exactly one attempt per write, all audited`, async () => {
      const started = Date.now()
      const scenario = await startStdioScenario(kind, { OPERA_TIMEOUT_MS: String(timeoutMs) })
      const figures = await runFaultKind(scenario, kind, perKindCases)
      expectClearAnswers(scenario.calls)
      checkFaultKind(kind, figures)
      const audit = await finishScenario(scenario, { abortsRequests: kind === "timeout" })
      summarize(kind, {
        ...figuresOf(scenario.calls),
        readsRecovered: figures.reads.filter((read) => !read.record.isError).length,
        exhaustedAttempts: figures.exhausted.attempts,
        breakerAtEnd: figures.breakerAtEnd,
        auditedOutcomes: audit.inTrail.length,
        seconds: Math.round((Date.now() - started) / 1000)
      })
    })
  }
})

describe("leak scan over everything the upstream suite saw", () => {
  it("0 hits: no token, secret, key or seeded guest's e-mail or phone anywhere", async () => {
    await writeSummary("upstream", { scenarios: summaries, leaks: leaks.length, placesScanned })
    expect(placesScanned).toBeGreaterThan(0)
    expect(leaks).toEqual([])
  })
})
