import { HttpClient } from "@effect/platform"
import { Cause, Effect, Layer, Option, Schema } from "effect"
import { OperaConnection, OperaConnectionFromEnv } from "../connectors/opera/client/OperaConnection.js"
import { SecurityConfig } from "../config/SecurityConfig.js"
import type { OperaError, UpstreamFailureClass } from "../connectors/opera/client/errors.js"
import { upstreamFailureClass } from "../connectors/opera/client/errors.js"
import { requestToken } from "../connectors/opera/client/OAuth.js"
import { OperaClient } from "../connectors/opera/client/OperaClient.js"
import { pingReservationService, PingReservationServiceResponse } from "../connectors/opera/client/reservations.js"
import { HttpClientLive, OperaLive } from "../Runtime.js"
import { AuditLog } from "../security/AuditLog.js"

/** `config validate --check-connection` found OPERA or the audit store unusable; the steps were printed already. */
export class ConnectionCheckFailed extends Schema.TaggedError<ConnectionCheckFailed>()("ConnectionCheckFailed", {
  /** The cause class of the first failed step, e.g. "refused", "dns", "unauthorized", "audit". */
  failure: Schema.String,
  message: Schema.String
}) {}

export interface ConnectionStep {
  readonly step: "token" | "read" | "audit"
  readonly ok: boolean
  /** The cause class when the step failed. */
  readonly failure?: string
  readonly detail: string
}

const isOperaError = (error: unknown): error is OperaError =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string" &&
  error._tag.startsWith("Opera") && "message" in error

// Every message below is one of this server's own (written for a person, never a body, token or secret).
const failedStep = (step: ConnectionStep["step"], cause: Cause.Cause<unknown>): ConnectionStep =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => ({ step, ok: false, failure: "unexpected", detail: "an unexpected internal failure (see the log)" }),
    onSome: (error): ConnectionStep => {
      const failure: UpstreamFailureClass | string | undefined = isOperaError(error)
        ? upstreamFailureClass(error) ?? "rejected"
        : typeof error === "object" && error !== null && "_tag" in error
        ? String(error._tag)
        : "configuration"
      const detail = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
      return { step, ok: false, failure: failure ?? "failed", detail }
    }
  })

const runStep = <E, R>(step: ConnectionStep["step"], check: Effect.Effect<string, E, R>) =>
  check.pipe(
    Effect.map((detail): ConnectionStep => ({ step, ok: true, detail })),
    Effect.catchAllCause((cause) => Effect.succeed(failedStep(step, cause)))
  )

const PropertyConnection = Layer.mergeAll(OperaConnectionFromEnv, SecurityConfig.Default)

// A fresh token request with the configured credentials (not one from the token cache): it proves them now.
const tokenStep = Effect.gen(function*() {
  const connection = yield* OperaConnection
  const http = yield* HttpClient.HttpClient
  const issued = yield* requestToken(http, connection, { clientId: connection.clientId, clientSecret: connection.clientSecret })
  return `OPERA issued an access token (valid ${Math.round(issued.lifetimeMs / 60_000)} min)`
}).pipe(Effect.provide(HttpClientLive.pipe(Layer.provideMerge(PropertyConnection))))

// The read the health check makes, through the client serve uses (token cache, breaker, retries).
const readStep = Effect.gen(function*() {
  const connection = yield* OperaConnection
  const client = yield* OperaClient
  yield* client.execute(pingReservationService(connection.hotelId), PingReservationServiceResponse)
  return `OPERA answered the reservation ping for hotel ${connection.hotelId}`
}).pipe(Effect.provide(OperaLive.pipe(Layer.provideMerge(PropertyConnection))))

const auditStep = Effect.gen(function*() {
  const audit = yield* AuditLog
  const failure = yield* audit.openFailure
  if (Option.isSome(failure)) {
    return yield* Effect.fail({ _tag: "audit", message: failure.value.message })
  }
  const status = yield* audit.status
  if (status.mode === "disabled") return yield* Effect.fail({ _tag: "audit", message: "audit logging is disabled" })
  return `audit store opened (${status.mode}, ${status.lastSequence} rows)`
}).pipe(Effect.provide(AuditLog.Maintenance))

export interface ConnectionCheck {
  readonly host: string
  readonly ok: boolean
  readonly steps: ReadonlyArray<ConnectionStep>
}

/** Token, one read and the audit store, each tried and reported (a failed step does not stop the next). */
export const runConnectionCheck: Effect.Effect<ConnectionCheck> = Effect.gen(function*() {
  const steps = [yield* runStep("token", tokenStep), yield* runStep("read", readStep), yield* runStep("audit", auditStep)]
  const host = yield* Effect.orElseSucceed(
    Effect.map(Effect.provide(OperaConnection, OperaConnectionFromEnv), (connection) => new URL(connection.baseUrl).host),
    () => "(OPERA_BASE_URL not set)"
  )
  return { host, ok: steps.every((step) => step.ok), steps }
})

export const formatConnectionCheck = (check: ConnectionCheck): string =>
  [
    `Connection check against ${check.host}:`,
    ...check.steps.map((step) =>
      `  ${step.ok ? "ok    " : "FAILED"}  ${step.step.padEnd(5)}  ${step.ok ? "" : `${step.failure}: `}${step.detail}`
    )
  ].join("\n")

/** Fails with the first failed step's cause class (exit status 9). */
export const connectionCheckVerdict = (check: ConnectionCheck): Effect.Effect<void, ConnectionCheckFailed> => {
  const failed = check.steps.find((step) => !step.ok)
  if (failed === undefined) return Effect.void
  const failure = failed.failure ?? "failed"
  return new ConnectionCheckFailed({ failure, message: `connection check failed at ${failed.step}: ${failure}` })
}
