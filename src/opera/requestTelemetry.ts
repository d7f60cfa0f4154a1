import { Clock, Effect, Exit, Metric, MetricBoundaries, Option, Cause } from "effect"
import { traced } from "../config/traced.js"
import type { OperaRequest } from "./OperaRequest.js"

// One OPERA request as telemetry sees it: the operation, the method, the host and the answer's status.
// Never the path (it carries reservation and profile ids), the query (guest names), headers or bodies.

/** OPERA request latency in seconds, by operation and status (an HTTP status, or why there was none). */
export const operaRequestDuration = Metric.histogram(
  "opera.request.duration",
  MetricBoundaries.fromIterable([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
  "OPERA request duration in seconds, by operation and status"
)

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
 * Wraps one HTTP exchange with OPERA in a client span and its latency histogram.
 * `answered` receives the HTTP status once a response arrives.
 */
export const tracedOperaRequest = <A, E, R>(
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
        return Effect.annotateCurrentSpan("http.response.status_code", code)
      })
    return yield* exchange(answered).pipe(
      Effect.onExit((exit) =>
        Clock.currentTimeMillis.pipe(Effect.flatMap((finished) =>
          Metric.update(operaRequestDuration, (finished - started) / 1000).pipe(
            Effect.tagMetrics({ operation: request.operationId, status: statusOf(exit, status) })
          )
        ))
      )
    )
  }).pipe(traced("opera.request", {
    kind: "client",
    attributes: { "opera.operation_id": request.operationId, "http.request.method": request.method, "server.address": host }
  }))
