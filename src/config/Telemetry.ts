// Named imports from the module paths: the @effect/opentelemetry index would bundle the OpenTelemetry SDK.
import * as OtlpMetrics from "@effect/opentelemetry/OtlpMetrics"
import * as OtlpSerialization from "@effect/opentelemetry/OtlpSerialization"
import * as OtlpTracer from "@effect/opentelemetry/OtlpTracer"
import { layerWithoutAgent, makeAgentLayer } from "@effect/platform-node/NodeHttpClient"
import { Cause, Config, ConfigError, Effect, Either, Exit, Layer, Option, Redacted, Tracer } from "effect"

/** What the standard OTEL_* variables ask for; absent endpoint: telemetry off. */
export interface TelemetrySettings {
  readonly endpoint: string
  readonly serviceName: string
  readonly protocol: "http/protobuf" | "http/json"
  readonly headers: Redacted.Redacted<Readonly<Record<string, string>>>
}

const endpointUrl = Config.string("OTEL_EXPORTER_OTLP_ENDPOINT").pipe(
  Config.mapOrFail((text) => {
    const url = URL.canParse(text) ? new URL(text) : undefined
    return url !== undefined && (url.protocol === "http:" || url.protocol === "https:") && url.username === ""
      ? Either.right(text.replace(/\/+$/, ""))
      : Either.left(ConfigError.InvalidData(
        [],
        "must be an http:// or https:// URL of an OTLP/HTTP receiver (credentials go in OTEL_EXPORTER_OTLP_HEADERS)"
      ))
  })
)

// `key=value,key2=value2`, as the OpenTelemetry specification writes it (values URL-encoded).
const headerList = Config.redacted("OTEL_EXPORTER_OTLP_HEADERS").pipe(
  Config.mapOrFail((secret) => {
    const headers: Record<string, string> = {}
    for (const pair of Redacted.value(secret).split(",").map((part) => part.trim()).filter((part) => part !== "")) {
      const at = pair.indexOf("=")
      if (at <= 0) {
        return Either.left(ConfigError.InvalidData(["OTEL_EXPORTER_OTLP_HEADERS"], "must be key=value pairs separated by commas (the values are not shown)"))
      }
      headers[pair.slice(0, at).trim().toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim())
    }
    return Either.right(Redacted.make<Readonly<Record<string, string>>>(headers))
  }),
  Config.withDefault(Redacted.make<Readonly<Record<string, string>>>({}))
)

/** The telemetry settings, or none when OTEL_EXPORTER_OTLP_ENDPOINT is unset or OTEL_SDK_DISABLED is true. */
export const telemetrySettings: Config.Config<Option.Option<TelemetrySettings>> = Config.all({
  disabled: Config.boolean("OTEL_SDK_DISABLED").pipe(Config.withDefault(false)),
  endpoint: Config.option(endpointUrl),
  serviceName: Config.string("OTEL_SERVICE_NAME").pipe(Config.withDefault("opera-cloud-mcp")),
  protocol: Config.literal("http/protobuf", "http/json")("OTEL_EXPORTER_OTLP_PROTOCOL").pipe(
    Config.withDefault("http/protobuf" as const)
  ),
  headers: headerList
}).pipe(Config.map(({ disabled, endpoint, ...rest }) =>
  disabled ? Option.none() : Option.map(endpoint, (url) => ({ endpoint: url, ...rest }))
))

// A failed span is exported with its error's tag only: an error message can quote OPERA's explanation,
// which may name a guest, and a stack trace says nothing an operator needs.
class SpanFailure extends Error {
  constructor(tag: string) {
    super(tag)
    this.name = tag
    this.stack = tag
  }
}

const failureTag = (cause: Cause.Cause<unknown>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => Cause.isDie(cause) ? "Defect" : "Failure",
    onSome: (error) =>
      typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"
        ? error._tag
        : "Failure"
  })

const withoutFailureDetail = (exit: Exit.Exit<unknown, unknown>): Exit.Exit<unknown, unknown> =>
  Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause) ? exit : Exit.fail(new SpanFailure(failureTag(exit.cause)))

// Attributes a library's span may carry that hold secrets or guest data: request and response headers
// (x-app-key, cookies), URLs (ids in the path, names in the query) and bound SQL parameters.
const withheldAttribute = /^(http\.(request|response)\.header\.|url\.|db\.query\.parameter)/

const scrubbed = (tracer: Tracer.Tracer): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = tracer.span(name, parent, context, links, startTime, kind, options)
      const end = span.end.bind(span)
      const attribute = span.attribute.bind(span)
      return Object.assign(span, {
        end: (endTime: bigint, exit: Exit.Exit<unknown, unknown>) => end(endTime, withoutFailureDetail(exit)),
        attribute: (key: string, value: unknown) => {
          if (!withheldAttribute.test(key)) attribute(key, value)
        }
      })
    },
    context: tracer.context
  })

const exporting = (settings: TelemetrySettings) => {
  const resource = { serviceName: settings.serviceName }
  const headers = Redacted.value(settings.headers)
  const traces = Layer.unwrapScoped(
    OtlpTracer.make({ url: `${settings.endpoint}/v1/traces`, resource, headers }).pipe(
      Effect.map((tracer) => Layer.setTracer(scrubbed(tracer)))
    )
  )
  const metrics = OtlpMetrics.layer({ url: `${settings.endpoint}/v1/metrics`, resource, headers })
  return Layer.merge(traces, metrics).pipe(
    Layer.provide(settings.protocol === "http/json" ? OtlpSerialization.layerJson : OtlpSerialization.layerProtobuf),
    // The exporter's own client: no spans of its own, nothing shared with the OPERA connection.
    Layer.provide(layerWithoutAgent.pipe(Layer.provide(makeAgentLayer({ keepAlive: true }))))
  )
}

/**
 * OpenTelemetry over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set. Off (the default), spans are
 * not even built: the tracer is disabled, so `withSpan` costs a no-op span.
 */
export const TelemetryLive = Layer.unwrapEffect(
  telemetrySettings.pipe(Effect.map(Option.match({
    onNone: () => Layer.setTracerEnabled(false),
    onSome: exporting
  })))
)
