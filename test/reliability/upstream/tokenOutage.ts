/**
 * The token endpoint down for 10 minutes of TestClock time, in-process
 * (TokenCache and OperaClient against the sandbox, as test/connectors/opera/client/harness.ts).
 * Timeline on a 60-minute token refreshed 5 minutes ahead: the outage runs
 * from 54:00 to 64:00, so refreshes fail from 55:00, the cached token is
 * still handed out until 59:30 (30 s hard margin), and calls fail after that.
 * One read every 30 s during the outage, one every 10 s after it.
 */
import { Clock, Duration, Effect, Either, Fiber, Option, Redacted, TestClock } from "effect"
import type { OperaError } from "../../../src/connectors/opera/client/errors.js"
import { OperaClient } from "../../../src/connectors/opera/client/OperaClient.js"
import { pingReservationService, PingReservationServiceResponse } from "../../../src/connectors/opera/client/reservations.js"
import { TokenCache } from "../../../src/connectors/opera/client/TokenCache.js"
import { Fault } from "../../../src/connectors/opera/sandbox/faults.js"
import { Sandbox } from "../../../src/connectors/opera/sandbox/Sandbox.js"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { breathe } from "../../connectors/opera/client/harness.js"

export const outageFrom = 54 * 60
export const outageUntil = 64 * 60
const expiresUnusableAt = 59 * 60 + 30
const runUntil = 66 * 60
/** A call still unsettled after this much TestClock time counts as a hang. */
export const callDeadlineSeconds = 120

export interface OutageCall {
  readonly startedAt: number
  readonly seconds: number
  readonly outcome: "success" | "failure" | "hang"
  readonly tag?: string
  readonly reason?: string
  readonly message?: string
}

export interface OutageFigures {
  readonly calls: ReadonlyArray<OutageCall>
  /** Token requests TokenCache sent during the outage, and those the sandbox saw (refused with 503). */
  readonly tokenRequestsDuringOutage: number
  readonly refusedAtSandbox: number
  /** Token requests while the cached token was still handed out: the refresh-ahead fiber's alone. */
  readonly fiberRequestsBeforeExpiry: number
  /** The fiber had a valid token again 16 s after the endpoint came back, with no call in flight. */
  readonly restoredByFiber: boolean
  readonly firstSuccessAfterRecovery: number | undefined
  readonly authFailuresAudited: number
  readonly authFailureTags: ReadonlyArray<string>
  /** Data requests that reached the sandbox during the outage (breaker trials and calls it let through). */
  readonly dataRequestsDuringOutage: number
  /** Breaker states seen once per TestClock second, as changes: "Closed→Open→HalfOpen→…". */
  readonly breakerTransitions: ReadonlyArray<string>
  readonly secrets: ReadonlyArray<string>
}

const isPing = (at: number) =>
  at >= outageFrom && at <= outageUntil - 60
    ? (at - outageFrom) % 30 === 0
    : at >= outageUntil + 20 && at < runUntil && at % 10 === 0

export const tokenOutage = Effect.gen(function*() {
  const sandbox = yield* Sandbox
  const client = yield* OperaClient
  const cache = yield* TokenCache
  const audit = yield* AuditLog
  const ping = client.execute(pingReservationService(sandbox.hotelId), PingReservationServiceResponse)
  const origin = yield* Clock.currentTimeMillis
  const now = Effect.map(Clock.currentTimeMillis, (millis) => Math.round((millis - origin) / 1000))

  yield* ping
  yield* TestClock.adjust(Duration.seconds(outageFrom))
  yield* breathe(20)

  const calls: Array<OutageCall> = []
  const pending: Array<{ readonly startedAt: number; readonly fiber: Fiber.RuntimeFiber<Either.Either<unknown, OperaError>> }> = []
  let requestsAtStart = 0
  let requestsAtExpiry = 0
  let requestsAtEnd = 0
  let restoredByFiber = false
  const breakerTransitions: Array<string> = [(yield* client.breakerState)._tag]

  // One TestClock second per step, with a little real time for the sockets; until every call has settled.
  for (let at = outageFrom; at <= runUntil || pending.length > 0; at = yield* now) {
    if (at === outageFrom) {
      yield* sandbox.faults.inject({ target: { operationId: "getToken" }, fault: Fault.status(503) })
      requestsAtStart = yield* cache.tokenRequests
    }
    if (at === expiresUnusableAt - 30) requestsAtExpiry = yield* cache.tokenRequests
    if (at === outageUntil) {
      yield* sandbox.faults.clear
      requestsAtEnd = yield* cache.tokenRequests
    }
    if (at === outageUntil + 16) restoredByFiber = pending.length === 0 && (yield* cache.state).status === "valid"
    if (isPing(at)) pending.push({ startedAt: at, fiber: yield* Effect.fork(Effect.either(ping)) })

    for (const entry of [...pending]) {
      const done = yield* Fiber.poll(entry.fiber)
      const overdue = at - entry.startedAt > callDeadlineSeconds
      if (Option.isNone(done) && !overdue) continue
      pending.splice(pending.indexOf(entry), 1)
      if (Option.isNone(done)) {
        yield* Fiber.interrupt(entry.fiber)
        calls.push({ startedAt: entry.startedAt, seconds: at - entry.startedAt, outcome: "hang" })
        continue
      }
      const result = done.value._tag === "Success" ? done.value.value : undefined
      calls.push(
        result === undefined || Either.isLeft(result)
          ? {
            startedAt: entry.startedAt,
            seconds: at - entry.startedAt,
            outcome: "failure",
            ...(result !== undefined && Either.isLeft(result)
              ? {
                tag: result.left._tag,
                message: result.left.message,
                ...(result.left._tag === "OperaUnavailable" ? { reason: result.left.reason } : {})
              }
              : { tag: "defect" })
          }
          : { startedAt: entry.startedAt, seconds: at - entry.startedAt, outcome: "success" }
      )
    }
    const breaker = (yield* client.breakerState)._tag
    if (breaker !== breakerTransitions[breakerTransitions.length - 1]) breakerTransitions.push(breaker)
    yield* TestClock.adjust(Duration.seconds(1))
    yield* breathe(4)
  }

  const traffic = yield* sandbox.traffic
  const inOutage = traffic.filter((exchange) =>
    exchange.atMillis >= origin + outageFrom * 1000 && exchange.atMillis < origin + (outageUntil + 1) * 1000
  )
  const refusedAtSandbox = inOutage.filter((exchange) => exchange.route?.operationId === "getToken" && exchange.fault === "Status")
    .length
  const authFailures = (yield* audit.trail(24, ["auth"], 10_000)).filter((event) => event.outcome === "failure")
  const recovered = calls.filter((call) => call.startedAt >= outageUntil && call.outcome === "success")
  const tokens = yield* sandbox.issuedTokens
  return {
    calls: calls.sort((a, b) => a.startedAt - b.startedAt),
    tokenRequestsDuringOutage: requestsAtEnd - requestsAtStart,
    refusedAtSandbox,
    fiberRequestsBeforeExpiry: requestsAtExpiry - requestsAtStart,
    restoredByFiber,
    firstSuccessAfterRecovery: recovered[0] === undefined ? undefined : recovered[0].startedAt + recovered[0].seconds - outageUntil,
    authFailuresAudited: authFailures.length,
    authFailureTags: [...new Set(authFailures.map((event) => event.errorTag ?? "none"))],
    dataRequestsDuringOutage: inOutage.filter((exchange) => exchange.route?.operationId !== "getToken").length,
    breakerTransitions,
    secrets: [Redacted.value(sandbox.credentials.clientSecret), Redacted.value(sandbox.credentials.appKey), ...tokens]
  } satisfies OutageFigures
})
