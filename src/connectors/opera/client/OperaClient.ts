import { Cause, Duration, Effect, Exit, Option, Random, Redacted, Schema } from "effect"
import { OperaConnection } from "./OperaConnection.js"
import { UpstreamThrottle } from "./UpstreamThrottle.js"
import { makeCircuitBreaker } from "./CircuitBreaker.js"
import { randomUUID } from "node:crypto"
import { noteUpstreamRequest } from "../../../security/audit/UpstreamRequests.js"
import type { NetworkFailure, OperaError } from "./errors.js"
import {
  networkFailureWords,
  OperaBadResponse,
  OperaForbidden,
  OperaNotFound,
  OperaRateLimited,
  OperaRejected,
  OperaUnauthorized,
  OperaUnavailable,
  retryAfterMs
} from "./errors.js"
import { describeOhipError } from "./ohipErrorBody.js"
import type { OperaRequest, QueryValue } from "./OperaRequest.js"
import { isIdempotent, requestPath } from "./OperaRequest.js"
import type { TransportAnswer } from "./OperaTransport.js"
import { OperaTransport } from "./OperaTransport.js"
import { logUpstreamFailure, makeOperaRequestMetrics, tracedOperaRequest } from "./requestTelemetry.js"
import { TokenCache } from "./TokenCache.js"

const maxAttempts = 4

const retryable = (error: OperaError) =>
  error._tag === "OperaUnavailable" && error.reason !== "circuit_open" || error._tag === "OperaRateLimited"

const countsAgainstBreaker = (error: OperaError) =>
  error._tag === "OperaUnavailable" && error.reason !== "circuit_open"

// A write whose answer was lost (timeout, broken connection) or unreadable may still have been applied by
// OPERA: the message says so, so neither the person nor an agent repeats it blindly (a double booking).
const outcomeUnknown = (error: OperaError) =>
  error._tag === "OperaBadResponse" ||
  error._tag === "OperaUnavailable" && (error.reason === "timeout" || error.reason === "connection")

const unreachable = (operationId: string, network: NetworkFailure | undefined) =>
  new OperaUnavailable({
    reason: "connection",
    ...(network !== undefined ? { network } : {}),
    message: `Could not reach OPERA for ${operationId}${network !== undefined ? ` (${networkFailureWords[network]})` : ""}.`
  })

const lookBeforeRetrying = " The change may have been made in OPERA: look it up before trying again."

const warnOfUnknownOutcome = (error: OperaError): OperaError =>
  error._tag === "OperaBadResponse"
    ? new OperaBadResponse({ message: error.message + lookBeforeRetrying })
    : error._tag === "OperaUnavailable"
    ? new OperaUnavailable({
      reason: error.reason,
      ...(error.network !== undefined ? { network: error.network } : {}),
      message: error.message + lookBeforeRetrying
    })
    : error

// The query as URLSearchParams encodes it (what the platform client sent): repeated names for arrays.
const withQuery = (url: URL, query: Readonly<Record<string, QueryValue>> | undefined): URL => {
  if (query === undefined) return url
  for (const name in query) {
    const value = query[name]
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, String(item))
    else url.searchParams.append(name, String(value))
  }
  return url
}

/**
 * Typed HTTP to OPERA Cloud: OHIP headers, per-request timeout, bounded
 * retries with jittered backoff for idempotent calls only, one token refresh on
 * 401, a circuit breaker, and every body decoded with Schema.
 */
export class OperaClient extends Effect.Service<OperaClient>()("opera/OperaClient", {
  scoped: Effect.gen(function*() {
    const connection = yield* OperaConnection
    const tokens = yield* TokenCache
    const throttle = yield* UpstreamThrottle
    // node:http through OperaTransport, not the platform HttpClient: its per-request bookkeeping (abort
    // controller, scoped request, body stream, a two-fiber race for the timeout) cost more CPU than the
    // loopback request itself. No client span with the URL either (ids, guest names in the query):
    // tracedOperaRequest makes a lean one (none while telemetry is off).
    const transport = yield* OperaTransport
    const metrics = yield* makeOperaRequestMetrics
    const breaker = yield* makeCircuitBreaker({ failureThreshold: 5, coolDownMs: 30_000 })
    const appKey = Redacted.value(connection.appKey)
    // The host only, for the request span: never the path or the query.
    const operaHost = new URL(connection.baseUrl).host

    const classify = (request: OperaRequest, answer: TransportAnswer): Effect.Effect<unknown, OperaError> => {
      const what = `${request.operationId}`
      const status = answer.status
      const text = answer.body
      if (status >= 200 && status < 300) {
        if (text === undefined) {
          return Effect.fail(
            new OperaUnavailable({ reason: "connection", message: `OPERA closed the connection while answering ${what}.` })
          )
        }
        if (text.trim() === "") return Effect.succeed({})
        return Effect.try({
          try: () => JSON.parse(text) as unknown,
          catch: () => new OperaBadResponse({ message: `OPERA answered ${what} with a body that is not JSON.` })
        })
      }
      const detail = text === undefined ? Option.none<string>() : describeOhipError(text)
      const because = Option.match(detail, { onNone: () => "", onSome: (explanation) => `: ${explanation}` })
      if (status === 401) return Effect.fail(new OperaUnauthorized({ message: `OPERA refused the access token for ${what}.` }))
      if (status === 403) {
        return Effect.fail(
          new OperaForbidden({ message: `OPERA does not allow ${what} for this application or hotel${because}.` })
        )
      }
      if (status === 404) return Effect.fail(new OperaNotFound({ message: `OPERA found no such record (${what})${because}.` }))
      if (status === 429) {
        const retryAfter = answer.headers["retry-after"]
        const wait = retryAfterMs(typeof retryAfter === "string" ? retryAfter : retryAfter?.[0])
        return Effect.fail(
          new OperaRateLimited({
            retryAfterMs: wait,
            message: `OPERA is throttling requests; retry after ${Math.ceil(wait / 1000)} s.`
          })
        )
      }
      if (status >= 500) {
        return Effect.fail(
          new OperaUnavailable({
            reason: "server_error",
            message: `OPERA failed to process ${what} (HTTP ${status}); try again shortly.`
          })
        )
      }
      return Effect.fail(new OperaRejected({ status, message: `OPERA rejected ${what}${because || ` (HTTP ${status})`}.` }))
    }

    // Each exchange has its own correlation id: sent as x-request-id (OHIP's request id header), noted for
    // the tool call's audit row and named in the stderr line when the exchange fails.
    const send = (request: OperaRequest, token: Redacted.Redacted<string>) =>
      Effect.gen(function*() {
        const requestId = randomUUID()
        yield* noteUpstreamRequest(requestId)
        const headers: Record<string, string> = {
          authorization: `Bearer ${Redacted.value(token)}`,
          "x-app-key": appKey,
          "x-hotelid": request.hotelId,
          "x-request-id": requestId,
          accept: "application/json"
        }
        let body: string | undefined
        if (request.body !== undefined) {
          body = JSON.stringify(request.body)
          headers["content-type"] = "application/json"
        }
        const url = withQuery(new URL(connection.baseUrl + requestPath(request)), request.query)
        let status: number | undefined
        return yield* tracedOperaRequest(metrics, request, operaHost, (answered) =>
          transport.request({ method: request.method, url, headers, body, timeoutMs: connection.timeoutMs }).pipe(
            Effect.catchTags({
              TransportTimeout: () =>
                Effect.fail(
                  new OperaUnavailable({
                    reason: "timeout",
                    message: `OPERA did not answer ${request.operationId} within ${connection.timeoutMs} ms.`
                  })
                ),
              TransportUnreachable: (error) => Effect.fail(unreachable(request.operationId, error.network))
            }),
            Effect.flatMap((answer) => {
              status = answer.status
              return Effect.zipRight(answered(answer.status), classify(request, answer))
            }),
            Effect.tapError((error) =>
              logUpstreamFailure({ host: operaHost, operation: request.operationId, requestId, error, status })
            )
          ))
      })

    // One attempt: breaker, upstream pacing, token, and one fresh token after a 401.
    const attempt = (request: OperaRequest) =>
      Effect.gen(function*() {
        if (!(yield* breaker.admit)) {
          return yield* new OperaUnavailable({
            reason: "circuit_open",
            message: "OPERA has been failing; calls are paused for a short while before trying again."
          })
        }
        return yield* Effect.gen(function*() {
          yield* throttle.take.pipe(
            Effect.catchTag("UpstreamThrottled", (refusal) =>
              Effect.fail(new OperaRateLimited({ retryAfterMs: refusal.retryAfterMs, message: refusal.message })))
          )
          const token = yield* tokens.get
          return yield* send(request, token).pipe(
            Effect.catchTag("OperaUnauthorized", () =>
              tokens.invalidate(token).pipe(
                Effect.zipRight(tokens.get),
                Effect.flatMap((fresh) => send(request, fresh))
              ))
          )
        }).pipe(Effect.onExit((exit) => {
          if (Exit.isSuccess(exit)) return breaker.succeeded
          if (Cause.isInterruptedOnly(exit.cause)) return breaker.abandoned
          return Option.match(Cause.failureOption(exit.cause), {
            onNone: () => breaker.failed,
            onSome: (error) => countsAgainstBreaker(error) ? breaker.failed : breaker.succeeded
          })
        }))
      })

    const withRetries = (request: OperaRequest, attemptNo: number): Effect.Effect<unknown, OperaError> =>
      attempt(request).pipe(
        Effect.catchIf(
          (error) => isIdempotent(request) && retryable(error) && attemptNo < maxAttempts,
          (error) =>
            Effect.gen(function*() {
              const backoff = error._tag === "OperaRateLimited"
                ? error.retryAfterMs
                : 100 * 2 ** (attemptNo - 1) + (yield* Random.nextIntBetween(0, 100))
              yield* Effect.sleep(Duration.millis(backoff))
              return yield* withRetries(request, attemptNo + 1)
            })
        )
      )

    /** Sends one OHIP request and decodes its body with `response`. */
    const execute = <A, I>(request: OperaRequest, response: Schema.Schema<A, I, never>) =>
      withRetries(request, 1).pipe(
        Effect.flatMap((body) =>
          Schema.decodeUnknown(response)(body).pipe(
            Effect.mapError(() =>
              new OperaBadResponse({
                message: `OPERA answered ${request.operationId} with a body this server does not understand.`
              })
            )
          )
        ),
        Effect.mapError((error) => !isIdempotent(request) && outcomeUnknown(error) ? warnOfUnknownOutcome(error) : error)
      )

    return { execute, breakerState: breaker.state } as const
  })
}) {}
