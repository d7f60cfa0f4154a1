import { Effect } from "effect"
import { AuditLog } from "../../security/AuditLog.js"
import { RateLimiter } from "../../security/RateLimiter.js"
import { Connector } from "../../tools/Connector.js"

export interface Readiness {
  readonly ready: boolean
  /** The connector in service ("opera", "oipa"). */
  readonly connector: string
  /** Whether the system behind the connector answers its probe. */
  readonly upstream: "reachable" | "unreachable"
  readonly audit: "ok" | "degraded" | "disabled"
  /** The security state store (in-process, or Redis shared by the replicas). */
  readonly securityState: "ok" | "unreachable"
  /** Why the audit log refuses writes, when it is a state an operator must resolve (`audit accept-rollback`). */
  readonly auditAlarm?: "rollback"
}

/**
 * `/readyz`: the connector's system answers its probe (OPERA its reservation status ping) and the audit log
 * accepts writes, and the security state store answers. The answer is cached for a few seconds, so an
 * unauthenticated prober cannot turn readiness checks into OPERA traffic.
 * Only states, never a reason that could carry internals.
 */
export const makeReadiness = Effect.gen(function*() {
  const connector = yield* Connector
  const audit = yield* AuditLog
  const limiter = yield* RateLimiter

  const check = Effect.gen(function*() {
    const probe = yield* connector.health.pipe(Effect.timeout("5 seconds"), Effect.option)
    const reachable = probe._tag === "Some" && probe.value.reachable
    const status = yield* audit.status
    const state = yield* limiter.state
    const readiness: Readiness = {
      ready: reachable && status.mode !== "degraded" && state.available,
      connector: connector.name,
      upstream: reachable ? "reachable" : "unreachable",
      audit: status.mode,
      securityState: state.available ? "ok" : "unreachable",
      ...(status.alarm === undefined ? {} : { auditAlarm: status.alarm })
    }
    return readiness
  }).pipe(Effect.withSpan("Readiness.check"))

  return yield* Effect.cachedWithTTL(check, "5 seconds")
})
