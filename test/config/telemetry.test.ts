import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option, Redacted } from "effect"
import { TelemetryLive, telemetrySettings } from "../../src/config/Telemetry.js"

const read = (settings: Record<string, string>) =>
  Effect.withConfigProvider(telemetrySettings, ConfigProvider.fromMap(new Map(Object.entries(settings))))

describe("telemetry settings (the standard OTEL_* variables)", () => {
  it.effect("are off without an endpoint, and with OTEL_SDK_DISABLED=true", () =>
    Effect.gen(function*() {
      expect(Option.isNone(yield* read({}))).toBe(true)
      expect(Option.isNone(yield* read({ OTEL_SERVICE_NAME: "x" }))).toBe(true)
      expect(Option.isNone(yield* read({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" })))
        .toBe(true)
    }))

  it.effect("read the endpoint, protocol, service name and headers, the headers kept redacted", () =>
    Effect.gen(function*() {
      const settings = Option.getOrThrow(yield* read({
        OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example:4318/",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer%20s3cret, x-tenant = hotel",
        OTEL_SERVICE_NAME: "front-office"
      }))
      expect(settings.endpoint).toBe("https://collector.example:4318")
      expect(settings.protocol).toBe("http/json")
      expect(settings.serviceName).toBe("front-office")
      expect(Redacted.value(settings.headers)).toEqual({ authorization: "Bearer s3cret", "x-tenant": "hotel" })
      expect(String(settings.headers)).not.toContain("s3cret")
      const defaults = Option.getOrThrow(yield* read({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }))
      expect(defaults.protocol).toBe("http/protobuf")
      expect(defaults.serviceName).toBe("opera-cloud-mcp")
    }))

  it.effect("refuse a bad endpoint, protocol or header list with a message that names the variable and hides values", () =>
    Effect.gen(function*() {
      const errorOf = (settings: Record<string, string>) => read(settings).pipe(Effect.flip, Effect.map(String))
      expect(yield* errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT.*http/)
      const withCredentials = yield* errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:pw-9f1@collector.example" })
      expect(withCredentials).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/)
      expect(withCredentials).not.toContain("pw-9f1")
      expect(yield* errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }))
        .toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL/)
      const badHeaders = yield* errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_HEADERS: "tok-77a1" })
      expect(badHeaders).toMatch(/OTEL_EXPORTER_OTLP_HEADERS.*key=value/)
      expect(badHeaders).not.toContain("tok-77a1")
    }))

  it.effect("off, spans are not built: the tracer is disabled, so a span is an unsampled no-op", () =>
    Effect.gen(function*() {
      const span = yield* Effect.currentSpan.pipe(Effect.withSpan("mcp.tool.call"), Effect.orDie)
      expect(span.sampled).toBe(false)
    }).pipe(Effect.provide(TelemetryLive.pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))))))
})
