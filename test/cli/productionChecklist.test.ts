import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { configCommand } from "../../src/cli/configCommands.js"
import {
  auditKeyProblem,
  enforceProductionChecklist,
  runProductionChecklist,
  validateConfiguration
} from "../../src/cli/productionChecklist.js"

const secrets = {
  OPERA_CLIENT_SECRET: "s3cr3t-Client-Value-9f8e7d",
  OPERA_APP_KEY: "app-key-1b2c3d4e5f",
  OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: "q5bZg1m9b2a7Yv0W+3cX8kQeLr4tN6uJ/hD1sP0oIfA="
}

const production: Record<string, string> = {
  NODE_ENV: "production",
  OPERA_BASE_URL: "https://ohip.hotelgroup.test",
  OPERA_CLIENT_ID: "mcp-client",
  OPERA_HOTEL_ID: "HOTEL1",
  ...secrets,
  OPERA_SECURITY_ALLOWED_IP_ADDRESSES: "10.0.0.0/8",
  OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK: "https://alerts.hotelgroup.test/opera-mcp",
  OPERA_SECURITY_SECURITY_NOTIFICATION_EMAIL: "soc@hotelgroup.test",
  OPERA_SECURITY_WEBHOOK_SECRET: "a-long-random-webhook-signing-secret-0001",
  OPERA_SECURITY_SMTP_HOST: "smtp.hotelgroup.test"
}

const withEnv = (settings: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))

const variables = (findings: ReadonlyArray<{ readonly variable: string }>) => findings.map((finding) => finding.variable)

describe("production checklist", () => {
  it.effect("a hardened configuration passes without errors or warnings", () =>
    Effect.gen(function*() {
      const result = yield* runProductionChecklist().pipe(withEnv(production))
      expect(result).toEqual({ production: true, ok: true, errors: [], warnings: [] })
    }))

  it.effect("each checklist item fails on its own variable, and no value is ever echoed", () =>
    Effect.gen(function*() {
      const result = yield* runProductionChecklist().pipe(withEnv({
        ...production,
        NODE_ENV: "staging",
        OPERA_BASE_URL: "http://127.0.0.1:8080",
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: "your_base64_key_here",
        OPERA_SECURITY_ALLOWED_IP_ADDRESSES: "",
        OPERA_SECURITY_REQUIRE_HTTPS: "false",
        OPERA_SECURITY_ENABLE_RATE_LIMITING: "false",
        OPERA_SECURITY_ENABLE_AUDIT_LOGGING: "false",
        OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK: "",
        OPERA_SECURITY_SECURITY_NOTIFICATION_EMAIL: "",
        OPERA_SECURITY_TOKEN_MAX_LIFETIME_HOURS: "48",
        OPERA_SECURITY_ENABLE_SECURITY_DEBUG_LOGS: "true",
        OPERA_SECURITY_SECURITY_TESTING_MODE: "true",
        OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "10",
        OPERA_CLIENT_SECRET: "your_client_secret_here"
      }))
      expect(result.ok).toBe(false)
      expect(new Set(variables(result.errors))).toEqual(new Set([
        "OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY",
        "OPERA_CLIENT_SECRET",
        "OPERA_SECURITY_REQUIRE_HTTPS",
        "OPERA_BASE_URL",
        "OPERA_SECURITY_ENABLE_RATE_LIMITING",
        "OPERA_SECURITY_ENABLE_AUDIT_LOGGING",
        "OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK",
        "OPERA_SECURITY_TOKEN_MAX_LIFETIME_HOURS",
        "OPERA_SECURITY_ENABLE_SECURITY_DEBUG_LOGS",
        "OPERA_SECURITY_SECURITY_TESTING_MODE"
      ]))
      expect(new Set(variables(result.warnings))).toEqual(new Set([
        "OPERA_SECURITY_ALLOWED_IP_ADDRESSES",
        "OPERA_SECURITY_MAX_FAILED_ATTEMPTS",
        "NODE_ENV"
      ]))
      const text = JSON.stringify(result)
      for (const value of ["your_base64_key_here", "your_client_secret_here", secrets.OPERA_APP_KEY, "127.0.0.1"]) {
        expect(text).not.toContain(value)
      }
      for (const finding of [...result.errors, ...result.warnings]) expect(finding.message.startsWith(finding.variable)).toBe(true)
    }))

  it("audit keys must be 32 random bytes in base64", () => {
    expect(auditKeyProblem(secrets.OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY)).toBeUndefined()
    expect(auditKeyProblem("your_base64_key_here")).toContain("example value")
    expect(auditKeyProblem(Buffer.alloc(16, 1).toString("base64"))).toContain("exactly 32 bytes")
    expect(auditKeyProblem(Buffer.alloc(32, 0).toString("base64"))).toContain("not random")
    expect(auditKeyProblem(Buffer.from("0123456789abcdef0123456789abcdef").toString("base64"))).toContain("not random")
  })

  it.effect("malformed settings are errors in every mode; production items only with --production", () =>
    Effect.gen(function*() {
      const result = yield* validateConfiguration({ production: false }).pipe(withEnv({
        ...production,
        OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "many",
        OPERA_UPSTREAM_MAX_RPS: "0",
        OPERA_SECURITY_ENABLE_SECURITY_DEBUG_LOGS: "true"
      }))
      expect(variables(result.errors)).toEqual(["OPERA_UPSTREAM_MAX_RPS", "OPERA_SECURITY_MAX_FAILED_ATTEMPTS"])
      expect(result.errors[1]?.message).toBe("OPERA_SECURITY_MAX_FAILED_ATTEMPTS: must be a whole number")
      const ip = yield* validateConfiguration({ production: false }).pipe(withEnv({
        ...production,
        OPERA_SECURITY_ALLOWED_IP_ADDRESSES: "10.0.0.0/8, 10.0.0.7/8",
        OPERA_BASE_URL: "http://ohip.hotelgroup.test"
      }))
      expect(ip.errors.map((error) => error.message)).toEqual([
        "OPERA_SECURITY_ALLOWED_IP_ADDRESSES: the entry \"10.0.0.7/8\" has host bits set: write 10.0.0.0/8 for the network, or the address alone",
        "OPERA_BASE_URL: uses http:// for a non-loopback host; use https:// (OPERA_SECURITY_REQUIRE_HTTPS is on)"
      ])
    }))

  it.effect("serve's start-up gate runs only when NODE_ENV is production, and refuses on errors", () =>
    Effect.gen(function*() {
      const unsafe = { ...production, OPERA_SECURITY_ENABLE_RATE_LIMITING: "false" }
      yield* enforceProductionChecklist().pipe(withEnv({ ...unsafe, NODE_ENV: "development" }))
      yield* enforceProductionChecklist().pipe(withEnv(production))
      const refused = yield* Effect.flip(enforceProductionChecklist().pipe(withEnv(unsafe)))
      expect(refused._tag).toBe("ProductionChecklistFailed")
      expect(refused.errors).toEqual(["OPERA_SECURITY_ENABLE_RATE_LIMITING: must be true in production"])
      expect(refused.message).toContain("OPERA_SECURITY_ENABLE_RATE_LIMITING")
    }))
})

describe("config validate", () => {
  const run = (args: ReadonlyArray<string>, settings: Record<string, string>) =>
    Effect.gen(function*() {
      const printed: Array<string> = []
      const console = yield* Effect.console
      const capture = { ...console, log: (...parts: ReadonlyArray<unknown>) => Effect.sync(() => void printed.push(parts.join(" "))) }
      const exit = yield* Command.run(configCommand, { name: "opera-cloud-mcp", version: "test" })(["node", "opera-cloud-mcp", ...args]).pipe(
        Effect.withConsole(capture),
        Effect.provide(NodeContext.layer),
        withEnv(settings),
        Effect.exit
      )
      return { exit, printed: printed.join("\n") }
    })

  it.effect("prints the findings and exits non-zero on errors", () =>
    Effect.gen(function*() {
      const { exit, printed } = yield* run(["validate", "--production"], { ...production, OPERA_SECURITY_REQUIRE_HTTPS: "false" })
      expect(exit._tag).toBe("Failure")
      expect(printed).toContain("Configuration check (production): 1 error(s), 0 warning(s)")
      expect(printed).toContain("  error    OPERA_SECURITY_REQUIRE_HTTPS: must be true in production")
      for (const value of Object.values(secrets)) expect(printed).not.toContain(value)
    }))

  it.effect("--json prints the result; a clean configuration exits zero", () =>
    Effect.gen(function*() {
      const { exit, printed } = yield* run(["validate", "--production", "--json"], production)
      expect(exit._tag).toBe("Success")
      expect(JSON.parse(printed)).toEqual({ production: true, ok: true, errors: [], warnings: [] })
    }))
})
