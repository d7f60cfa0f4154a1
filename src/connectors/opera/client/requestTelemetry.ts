import { Clock, Effect, Exit, Metric, MetricBoundaries, Option, Cause } from "effect"
import { annotateSpan, traced } from "../../../config/traced.js"
import type { OperaError } from "./errors.js"
import { upstreamFailureClass } from "./errors.js"
import type { OperaRequest } from "./OperaRequest.js"

// One OPERA request as telemetry sees it: the operation, the method, the host and the answer's status.
// Never the path (it carries reservation and profile ids), the query (guest names), headers or bodies.

/** OPERA request latency in seconds, by operation and status (an HTTP status, or why there was none). */
export const operaRequestDuration = Metric.histogram(
  "opera.request.duration",
  MetricBoundaries.fromIterable([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
  "OPERA request duration in seconds, by operation and status"
)

/** OPERA requests by status class (2xx, 4xx, 5xx, or none when no answer came) and cause class. */
export const operaRequestsTotal = Metric.counter("opera.request.total", {
  description: "OPERA requests by status class and cause class",
  incremental: true
})

/** Failed token requests to OPERA's OAuth endpoint, by cause class. */
export const operaTokenFailures = Metric.counter("opera.token.failures", {
  description: "Failed OPERA token requests by cause class",
  incremental: true
})

const statusClassOf = (status: number | undefined) => status === undefined ? "none" : `${Math.floor(status / 100)}xx`

const failureOf = (exit: Exit.Exit<unknown, unknown>): string => {
  if (Exit.isSuccess(exit)) return "none"
  return Option.match(Cause.failureOption(exit.cause), {
    onNone: () => Cause.isInterruptedOnly(exit.cause) ? "cancelled" : "defect",
    onSome: (error) =>
      typeof error === "object" && error !== null && "_tag" in error
        ? upstreamFailureClass(error as OperaError) ?? "rejected"
        : "failed"
  })
}

const statusOf = (exit: Exit.Exit<unknown, unknown>, status: number | undefined): string => {
  if (status !== undefined) return String(status)
  if (Exit.isSuccess(exit)) return "ok"
  return Option.match(Cause.failureOption(exit.cause), {
    onNone: () => Cause.isInterruptedOnly(exit.cause) ? "cancelled" : "defect",
    onSome: (error) =>
      typeof error === "object" && error !== null && "reason" in error && typeof error.reason === "string"
        ? error.reason
        : "failed"
  })
}

/**
 * The request metrics with their tags, made once per (operation, status) and (status class, failure) and
 * kept for the life of the client: tagging per request (`Effect.tagMetrics`) sets a FiberRef locally, an
 * acquire/use/release around every exchange. The keys are bounded (operation ids, HTTP statuses, reasons).
 */
export const makeOperaRequestMetrics = Effect.sync(() => {
  // One tagged metric per pair of tag values, made on first use.
  const taggedOnce = <Type, In, Out>(base: Metric.Metric<Type, In, Out>, first: string, second: string) => {
    const made = new Map<string, Metric.Metric<Type, In, Out>>()
    return (firstValue: string, secondValue: string): Metric.Metric<Type, In, Out> => {
      const key = `${firstValue} ${secondValue}`
      let metric = made.get(key)
      if (metric === undefined) {
        metric = base.pipe(Metric.tagged(first, firstValue), Metric.tagged(second, secondValue))
        made.set(key, metric)
      }
      return metric
    }
  }
  const durationOf = taggedOnce(operaRequestDuration, "operation", "status")
  const totalOf = taggedOnce(operaRequestsTotal, "status_class", "failure")
  /** Records one finished exchange: its latency by operation and status, and its count by class and failure. */
  const record = (operation: string, seconds: number, exit: Exit.Exit<unknown, unknown>, status: number | undefined) =>
    Metric.update(durationOf(operation, statusOf(exit, status)), seconds).pipe(
      Effect.zipRight(Metric.increment(totalOf(statusClassOf(status), failureOf(exit))))
    )
  return { record } as const
})

export type OperaRequestMetrics = Effect.Effect.Success<typeof makeOperaRequestMetrics>

/**
 * Wraps one HTTP exchange with OPERA in a client span and its latency histogram.
 * `answered` receives the HTTP status once a response arrives.
 */
export const tracedOperaRequest = <A, E, R>(
  metrics: OperaRequestMetrics,
  request: OperaRequest,
  host: string,
  exchange: (answered: (status: number) => Effect.Effect<void>) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const started = yield* Clock.currentTimeMillis
    let status: number | undefined
    const answered = (code: number) =>
      Effect.suspend(() => {
        status = code
        return annotateSpan({ "http.response.status_code": code })
      })
    return yield* exchange(answered).pipe(
      Effect.onExit((exit) =>
        Clock.currentTimeMillis.pipe(Effect.flatMap((finished) =>
          metrics.record(request.operationId, (finished - started) / 1000, exit, status)
        ))
      )
    )
  }).pipe(traced("opera.request", {
    kind: "client",
    attributes: { "opera.operation_id": request.operationId, "http.request.method": request.method, "server.address": host }
  }))

/** The operation name of a token request in logs and metrics (oauth.json has no operation id for it). */
export const tokenOperation = "getOAuthToken"

/**
 * One stderr line per failed request to OPERA, for the operator: the host, the operation, the cause
 * class and the request's correlation id (sent as x-request-id and kept in the tool call's audit row).
 * Never the path, query, headers or body: they carry ids, names and the token.
 */
export const logUpstreamFailure = (options: {
  readonly host: string
  readonly operation: string
  readonly requestId: string
  readonly error: OperaError
  readonly status?: number | undefined
}) => {
  const failure = upstreamFailureClass(options.error)
  if (failure === undefined) return Effect.void
  const counted = options.operation === tokenOperation
    ? Metric.increment(operaTokenFailures).pipe(Effect.tagMetrics({ failure }))
    : Effect.void
  return Effect.logWarning("OPERA request failed").pipe(Effect.zipLeft(counted), Effect.annotateLogs({
    "opera.host": options.host,
    "opera.operation": options.operation,
    "opera.request_id": options.requestId,
    failure,
    ...(options.status !== undefined ? { "http.status": options.status } : {})
  }))
}
