import { Clock, Effect, HashMap, Metric, MetricState, Option, Ref } from "effect"
import type { MetricPair } from "effect"
import { Redacted } from "effect"
import { createHash, timingSafeEqual } from "node:crypto"
import { AuditLog } from "../../security/AuditLog.js"
import type { ToolCallOutcome } from "../../tools/ToolCallOutcome.js"
import { Connector } from "../../tools/Connector.js"
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

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest()

/**
 * Whether `authorization` carries the metrics-only scrape credential (OPERA_MCP_METRICS_TOKEN). Compared as
 * SHA-256 digests in constant time, so neither the token's length nor its content leaks through timing.
 */
export const scrapeTokenMatches = (
  configured: Option.Option<Redacted.Redacted<string>>,
  authorization: string | undefined
): boolean => {
  if (Option.isNone(configured) || authorization === undefined) return false
  const match = /^Bearer (\S+)$/i.exec(authorization.trim())
  if (match === null) return false
  return timingSafeEqual(digest(match[1]!), digest(Redacted.value(configured.value)))
}

/** What the server knows about OPERA, the audit log and its sessions at the moment of a scrape. */
export interface OperationalState {
  /** 0 closed, 1 half-open, 2 open; undefined for a connector without a circuit breaker. */
  readonly breaker: number | undefined
  readonly auditDegraded: boolean
  /** Unresolved write intents; undefined when the audit log cannot count them (then it is degraded). */
  readonly pendingIntents: number | undefined
  /** Open 2025-era (stateful) MCP sessions. */
  readonly sessions: number
  /** Effect's metric registry: the OPERA request and token metrics (see requestTelemetry.ts). */
  readonly registry: ReadonlyArray<MetricPair.MetricPair.Untyped>
}

// Labels in name order, so a series always renders the same way.
const tagsOf = (pair: MetricPair.MetricPair.Untyped) =>
  [...pair.metricKey.tags].sort((a, b) => a.key.localeCompare(b.key))
    .map((tag) => `${label(tag.key)}="${label(tag.value)}"`).join(",")

const named = (registry: ReadonlyArray<MetricPair.MetricPair.Untyped>, name: string) =>
  registry.filter((pair) => pair.metricKey.name === name)
    .sort((a, b) => tagsOf(a).localeCompare(tagsOf(b)))

const counterLines = (registry: ReadonlyArray<MetricPair.MetricPair.Untyped>, name: string, as: string) =>
  named(registry, name).flatMap((pair) => {
    const state = pair.metricState
    return MetricState.isCounterState(state) ? [`${as}{${tagsOf(pair)}} ${Number(state.count)}`] : []
  })

const histogramLines = (registry: ReadonlyArray<MetricPair.MetricPair.Untyped>, name: string, as: string) =>
  named(registry, name).flatMap((pair) => {
    const state = pair.metricState
    if (!MetricState.isHistogramState(state)) return []
    const tags = tagsOf(pair)
    return [
      ...state.buckets.filter(([bound]) => Number.isFinite(bound))
        .map(([bound, count]) => `${as}_bucket{${tags},le="${bound}"} ${count}`),
      `${as}_bucket{${tags},le="+Inf"} ${state.count}`,
      `${as}_sum{${tags}} ${state.sum}`,
      `${as}_count{${tags}} ${state.count}`
    ]
  })

/**
 * OPERA, audit and session series. Labels are OHIP operation ids, HTTP status classes and cause
 * classes: never a path, a guest, a client or a request id.
 */
export const renderOperational = (state: OperationalState): string => [
  "# HELP opera_mcp_opera_request_duration_seconds OPERA request latency, by OHIP operation and status.",
  "# TYPE opera_mcp_opera_request_duration_seconds histogram",
  ...histogramLines(state.registry, "opera.request.duration", "opera_mcp_opera_request_duration_seconds"),
  "# HELP opera_mcp_opera_requests_total OPERA requests by status class (2xx, 4xx, 5xx, none) and cause class.",
  "# TYPE opera_mcp_opera_requests_total counter",
  ...counterLines(state.registry, "opera.request.total", "opera_mcp_opera_requests_total"),
  "# HELP opera_mcp_opera_token_failures_total Failed OPERA token requests, by cause class.",
  "# TYPE opera_mcp_opera_token_failures_total counter",
  ...counterLines(state.registry, "opera.token.failures", "opera_mcp_opera_token_failures_total"),
  "# HELP opera_mcp_opera_circuit_breaker_state The OPERA circuit breaker: 0 closed, 1 half-open, 2 open.",
  "# TYPE opera_mcp_opera_circuit_breaker_state gauge",
  ...(state.breaker === undefined ? [] : [`opera_mcp_opera_circuit_breaker_state ${state.breaker}`]),
  "# HELP opera_mcp_audit_degraded 1 while the audit log cannot record (writes are refused), else 0.",
  "# TYPE opera_mcp_audit_degraded gauge",
  `opera_mcp_audit_degraded ${state.auditDegraded ? 1 : 0}`,
  "# HELP opera_mcp_audit_pending_intents Write intents with no outcome row yet (in flight or unresolved).",
  "# TYPE opera_mcp_audit_pending_intents gauge",
  ...(state.pendingIntents === undefined ? [] : [`opera_mcp_audit_pending_intents ${state.pendingIntents}`]),
  "# HELP opera_mcp_http_sessions Open MCP sessions of the 2025 protocol revisions.",
  "# TYPE opera_mcp_http_sessions gauge",
  `opera_mcp_http_sessions ${state.sessions}`,
  ""
].join("\n")

/**
 * Counters of the HTTP transport's tool calls, for `/metrics`. State lives in
 * one Ref made when the layer is built; a tool name that is not in the
 * registry is counted as `unknown`, so a caller's text never becomes a label.
 */
export class HttpMetrics extends Effect.Service<HttpMetrics>()("opera/HttpMetrics", {
  effect: Effect.gen(function*() {
    const state = yield* Ref.make(emptyState)
    const connector = yield* Connector
    const audit = yield* AuditLog

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

    /** Every series, with the sessions count the transport knows. */
    const render = (sessions: number) =>
      Effect.gen(function*() {
        const breaker = yield* connector.circuitBreaker
        const status = yield* audit.status
        const pendingIntents = status.mode === "disabled"
          ? undefined
          : yield* Effect.orElseSucceed(audit.pendingIntents, () => undefined)
        const operational = renderOperational({
          breaker: Option.getOrUndefined(Option.map(breaker, (state) => state === "closed" ? 0 : state === "half-open" ? 1 : 2)),
          auditDegraded: status.mode === "degraded" || (status.mode === "ok" && pendingIntents === undefined),
          pendingIntents,
          sessions,
          registry: yield* Metric.snapshot
        })
        return renderMetrics(yield* Ref.get(state)) + operational
      })

    return { record, instrument, render } as const
  })
}) {}
