import { Effect } from "effect"
import { OperaConnection } from "../../connectors/opera/client/OperaConnection.js"
import { OperaClient } from "../../connectors/opera/client/OperaClient.js"
import { pingReservationService, PingReservationServiceResponse } from "../../connectors/opera/client/reservations.js"
import { AuditLog } from "../../security/AuditLog.js"
import { RateLimiter } from "../../security/RateLimiter.js"

export interface Readiness {
  readonly ready: boolean
  readonly opera: "reachable" | "unreachable"
  readonly audit: "ok" | "degraded" | "disabled"
  /** The security state store (in-process, or Redis shared by the replicas). */
  readonly securityState: "ok" | "unreachable"
  /** Why the audit log refuses writes, when it is a state an operator must resolve (`audit accept-rollback`). */
  readonly auditAlarm?: "rollback"
}

/**
 * `/readyz`: OPERA answers its reservation status ping and the audit log
 * accepts writes, and the security state store answers. The answer is cached for a few seconds, so an
 * unauthenticated prober cannot turn readiness checks into OPERA traffic.
 * Only states, never a reason that could carry internals.
 */
export const makeReadiness = Effect.gen(function*() {
  const client = yield* OperaClient
  const connection = yield* OperaConnection
  const audit = yield* AuditLog
  const limiter = yield* RateLimiter

  const check = Effect.gen(function*() {
    const ping = yield* client.execute(pingReservationService(connection.hotelId), PingReservationServiceResponse).pipe(
      Effect.timeout("5 seconds"),
      Effect.either
    )
    const status = yield* audit.status
    const state = yield* limiter.state
    const readiness: Readiness = {
      ready: ping._tag === "Right" && status.mode !== "degraded" && state.available,
      opera: ping._tag === "Right" ? "reachable" : "unreachable",
      audit: status.mode,
      securityState: state.available ? "ok" : "unreachable",
      ...(status.alarm === undefined ? {} : { auditAlarm: status.alarm })
    }
    return readiness
  }).pipe(Effect.withSpan("Readiness.check"))

  return yield* Effect.cachedWithTTL(check, "5 seconds")
})
