import { Effect, Metric, MetricBoundaries } from "effect"
import { annotateSpan, traced } from "../config/traced.js"

// What a tool call tells telemetry: the tool, the transport, the outcome and the error tag, never the
// arguments, the result, the client or any id (those stay in the sealed audit log).

/** Tool calls by tool, outcome and error tag (exported over OTLP when telemetry is on). */
export const toolCalls = Metric.counter("mcp.tool.calls", {
  description: "Tool calls by tool, audited outcome and error tag",
  incremental: true
})

/** Tool call duration, seconds. */
export const toolCallDuration = Metric.histogram(
  "mcp.tool.duration",
  MetricBoundaries.fromIterable([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
  "Tool call duration in seconds, by tool and audited outcome"
)

/** One step of the pipeline (ARCHITECTURE.md's numbering) as a child span of the call. */
export const pipelineStep = (step: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  traced(`pipeline.${step}`)(effect)

/** Counts a finished call and annotates its span. */
export const noteToolCall = (tool: string, outcome: string, errorTag: string | undefined, durationMs: number) =>
  Effect.gen(function*() {
    yield* annotateSpan({ "mcp.tool.outcome": outcome, "mcp.tool.error_tag": errorTag ?? "none" })
    yield* Metric.increment(toolCalls).pipe(Effect.tagMetrics({ tool, outcome, error_tag: errorTag ?? "none" }))
    yield* Metric.update(toolCallDuration, durationMs / 1000).pipe(Effect.tagMetrics({ tool, outcome }))
  })
