import { Clock, Effect, HashMap, Option, Ref } from "effect"
import type { ToolCallOutcome } from "../../tools/ToolCallOutcome.js"
import { ToolRegistry } from "../../tools/ToolRegistry.js"

/** Latency buckets, seconds (Prometheus convention). */
export const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

interface Histogram {
  readonly counts: ReadonlyArray<number>
  readonly sum: number
  readonly count: number
}

interface MetricsState {
  /** `tool|outcome` → calls. */
  readonly calls: HashMap.HashMap<string, number>
  /** error tag → calls that ended with it. */
  readonly errors: HashMap.HashMap<string, number>
  /** `tool|limiter` → calls refused by the per-client limiter (`client`) or the OPERA throttle (`upstream`). */
  readonly rateLimited: HashMap.HashMap<string, number>
  /** tool → latency histogram. */
  readonly latency: HashMap.HashMap<string, Histogram>
}

const emptyState: MetricsState = {
  calls: HashMap.empty(),
  errors: HashMap.empty(),
  rateLimited: HashMap.empty(),
  latency: HashMap.empty()
}

const increment = (map: HashMap.HashMap<string, number>, key: string) =>
  HashMap.set(map, key, Option.getOrElse(HashMap.get(map, key), () => 0) + 1)

const observe = (histogram: Histogram | undefined, seconds: number): Histogram => ({
  counts: latencyBuckets.map((bound, index) => (histogram?.counts[index] ?? 0) + (seconds <= bound ? 1 : 0)),
  sum: (histogram?.sum ?? 0) + seconds,
  count: (histogram?.count ?? 0) + 1
})

/** A label value is one of our own identifiers; anything else is never written. */
const label = (value: string) => /^[A-Za-z0-9_.-]{1,80}$/.test(value) ? value : "other"

/**
 * The error tag of an outcome: the pipeline's own tag when it kept one, else
 * the limiter's refusal (recognised by the message the limiter writes), else
 * `unclassified`.
 */
export const errorTagOf = (outcome: ToolCallOutcome): string | undefined => {
  if (!outcome.isError) return undefined
  const tag = (outcome as { readonly errorTag?: unknown }).errorTag
  if (typeof tag === "string") return tag
  if (outcome.text.startsWith("Rate limit reached for ")) return "RateLimited"
  return outcome.text.startsWith("Too many OPERA requests from this server") ? "UpstreamThrottled" : "unclassified"
}

const sorted = <A>(map: HashMap.HashMap<string, A>) =>
  Array.from(HashMap.entries(map)).sort(([a], [b]) => a.localeCompare(b))

/** The counters in Prometheus text exposition format (0.0.4). Labels carry tool names and error tags only. */
export const renderMetrics = (state: MetricsState): string => {
  const lines: Array<string> = [
    "# HELP opera_mcp_tool_calls_total Tool calls by tool and outcome.",
    "# TYPE opera_mcp_tool_calls_total counter",
    ...sorted(state.calls).map(([key, value]) => {
      const [tool, outcome] = key.split("|")
      return `opera_mcp_tool_calls_total{tool="${tool}",outcome="${outcome}"} ${value}`
    }),
    "# HELP opera_mcp_tool_errors_total Tool calls that failed, by error tag.",
    "# TYPE opera_mcp_tool_errors_total counter",
    ...sorted(state.errors).map(([tag, value]) => `opera_mcp_tool_errors_total{error="${tag}"} ${value}`),
    "# HELP opera_mcp_rate_limited_total Tool calls refused by a rate limiter (client: per-client limit; upstream: OPERA throttle).",
    "# TYPE opera_mcp_rate_limited_total counter",
    ...sorted(state.rateLimited).map(([key, value]) => {
      const [tool, limiter] = key.split("|")
      return `opera_mcp_rate_limited_total{tool="${tool}",limiter="${limiter}"} ${value}`
    }),
    "# HELP opera_mcp_tool_call_duration_seconds Tool call latency.",
    "# TYPE opera_mcp_tool_call_duration_seconds histogram"
  ]
  for (const [tool, histogram] of sorted(state.latency)) {
    latencyBuckets.forEach((bound, index) =>
      lines.push(`opera_mcp_tool_call_duration_seconds_bucket{tool="${tool}",le="${bound}"} ${histogram.counts[index]}`)
    )
    lines.push(`opera_mcp_tool_call_duration_seconds_bucket{tool="${tool}",le="+Inf"} ${histogram.count}`)
    lines.push(`opera_mcp_tool_call_duration_seconds_sum{tool="${tool}"} ${histogram.sum}`)
    lines.push(`opera_mcp_tool_call_duration_seconds_count{tool="${tool}"} ${histogram.count}`)
  }
  return `${lines.join("\n")}\n`
}

/**
 * Counters of the HTTP transport's tool calls, for `/metrics`. State lives in
 * one Ref made when the layer is built; a tool name that is not in the
 * registry is counted as `unknown`, so a caller's text never becomes a label.
 */
export class HttpMetrics extends Effect.Service<HttpMetrics>()("opera/HttpMetrics", {
  effect: Effect.gen(function*() {
    const state = yield* Ref.make(emptyState)

    const record = (tool: string, outcome: ToolCallOutcome, durationMs: number) => {
      const errorTag = errorTagOf(outcome)
      const name = label(tool)
      return Ref.update(state, (current) => ({
        calls: increment(current.calls, `${name}|${errorTag === undefined ? "success" : "error"}`),
        errors: errorTag === undefined ? current.errors : increment(current.errors, label(errorTag)),
        rateLimited: errorTag === "RateLimited"
          ? increment(current.rateLimited, `${name}|client`)
          : errorTag === "UpstreamThrottled"
          ? increment(current.rateLimited, `${name}|upstream`)
          : current.rateLimited,
        latency: HashMap.set(current.latency, name, observe(Option.getOrUndefined(HashMap.get(current.latency, name)), durationMs / 1000))
      }))
    }

    /** The registry with every dispatch timed (Clock) and counted. */
    const instrument = (registry: ToolRegistry): ToolRegistry => {
      const known = new Set(registry.tools.map((tool) => tool.name))
      return ToolRegistry.make({
        ...registry,
        dispatch: (name, args) =>
          Effect.gen(function*() {
            const started = yield* Clock.currentTimeMillis
            const outcome = yield* registry.dispatch(name, args)
            const finished = yield* Clock.currentTimeMillis
            yield* record(known.has(name) ? name : "unknown", outcome, finished - started)
            return outcome
          })
      })
    }

    const render = Effect.map(Ref.get(state), renderMetrics)

    return { record, instrument, render } as const
  })
}) {}
