import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option, Redacted } from "effect"
import { operaConnectionConfig } from "../../src/connectors/opera/client/OperaConnection.js"
import { SecurityConfig } from "../../src/config/SecurityConfig.js"
import { describeConfigError } from "../../src/config/settings.js"

const property = {
  OPERA_BASE_URL: "https://mtu1-uat.hospitality-api.example.com/",
  OPERA_CLIENT_ID: "hotel-client",
  OPERA_CLIENT_SECRET: "s3cr3t-value-never-shown",
  OPERA_APP_KEY: "6b3c8a1e-0000-4000-8000-000000000000",
  OPERA_HOTEL_ID: "HOTEL1"
}

const readConnection = (env: Record<string, string>) =>
  operaConnectionConfig.pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    Effect.flip,
    Effect.map(describeConfigError)
  )

describe("configuration", () => {
  it.effect("reads a complete property configuration with secrets redacted", () =>
    Effect.gen(function*() {
      const connection = yield* operaConnectionConfig.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(property))))
      )
      expect(connection.baseUrl).toBe("https://mtu1-uat.hospitality-api.example.com")
      expect(Redacted.value(connection.clientSecret)).toBe(property.OPERA_CLIENT_SECRET)
      expect(String(connection.clientSecret)).not.toContain(property.OPERA_CLIENT_SECRET)
      expect(connection.timeoutMs).toBe(30_000)
      expect(Option.isNone(connection.enterpriseId)).toBe(true)
    }))

  it.effect("names a missing variable in one line", () =>
    Effect.gen(function*() {
      const { OPERA_CLIENT_ID: _, ...rest } = property
      expect(yield* readConnection(rest)).toEqual(["OPERA_CLIENT_ID: is not set"])
    }))

  it.effect("says what is wrong with a malformed value without echoing it", () =>
    Effect.gen(function*() {
      const lines = yield* readConnection({ ...property, OPERA_TIMEOUT_MS: "soon-s3cr3t", OPERA_BASE_URL: "ftp://x" })
      expect(lines).toContain("OPERA_TIMEOUT_MS: must be a whole number")
      expect(lines).toContain("OPERA_BASE_URL: must be an http(s) URL")
      expect(lines.join("\n")).not.toContain("soon-s3cr3t")
    }))

  it.effect("refuses credentials embedded in the base URL", () =>
    Effect.gen(function*() {
      const lines = yield* readConnection({ ...property, OPERA_BASE_URL: "https://user:pw@example.com" })
      expect(lines).toEqual(["OPERA_BASE_URL: must not carry credentials in the URL"])
    }))

  it.effect("security settings have safe defaults and validate ranges", () =>
    Effect.gen(function*() {
      const defaults = yield* SecurityConfig.pipe(
        Effect.provide(SecurityConfig.Default),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))
      )
      expect(defaults.enableRateLimiting).toBe(true)
      expect(defaults.enableAuditLogging).toBe(true)
      expect(defaults.minTlsVersion).toBe("TLSv1.2")
      const error = yield* SecurityConfig.pipe(
        Effect.provide(SecurityConfig.Default),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
          ["OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY", "2"],
          ["OPERA_SECURITY_ENABLE_RATE_LIMITING", "maybe"]
        ]))),
        Effect.flip
      )
      expect(describeConfigError(error)).toEqual(expect.arrayContaining([
        "OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY: must be a number from 0 to 1",
        "OPERA_SECURITY_ENABLE_RATE_LIMITING: must be true or false"
      ]))
    }))
})
