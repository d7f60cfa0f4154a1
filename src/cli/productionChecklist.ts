import { Config, Effect, Either, Option, Redacted, Schema } from "effect"
import type { ConfigError } from "effect"
import { confirmationConfig } from "../security/Confirmation.js"
import { parseCidr } from "../security/ipAllowList.js"
import { failedAttemptsWindowMinutes } from "../security/RateLimiter.js"
import { piiHashKeyConfig, redactionPolicyConfig } from "../security/redaction/policy.js"
import { upstreamThrottleConfig } from "../connectors/opera/client/UpstreamThrottle.js"
import { operaConnectionConfig } from "../connectors/opera/client/OperaConnection.js"
import { oipaDatabaseSettings } from "../connectors/oipa/database/settings.js"
import { securityConfig } from "../config/SecurityConfig.js"
import type { SecuritySettings } from "../config/SecurityConfig.js"
import { describeConfigError, flag, optionalText, wholeNumber } from "../config/settings.js"

/**
 * The production checklist of the OPERA MCP security guide, as checks:
 * encryption keys, IP restrictions, HTTPS and TLS, rate limiting, audit,
 * incident response, rotation, no testing or debug mode. A finding names the
 * variable and what is wrong, never the value.
 */
export interface ChecklistFinding {
  readonly variable: string
  readonly message: string
}

export interface ChecklistResult {
  readonly production: boolean
  readonly ok: boolean
  readonly errors: ReadonlyArray<ChecklistFinding>
  readonly warnings: ReadonlyArray<ChecklistFinding>
}

export class ProductionChecklistFailed extends Schema.TaggedError<ProductionChecklistFailed>()(
  "ProductionChecklistFailed",
  { errors: Schema.Array(Schema.String), message: Schema.String }
) {}

const finding = (variable: string, problem: string): ChecklistFinding => ({
  variable,
  message: `${variable}: ${problem}`
})

const fromConfigError = (error: ConfigError.ConfigError): Array<ChecklistFinding> =>
  describeConfigError(error).map((line) => ({ variable: line.split(":")[0] ?? "configuration", message: line }))

/** Obvious placeholders from guides and .env templates. */
const placeholderStart = /^(your[-_ ]|<.*>$|\$\{|change[-_ ]?me|replace[-_ ]?me|example|placeholder|dummy|sample|x+$|todo$)/i
const placeholderPart = /(_here|example\.(com|org|net)|yourcompany|your-webhook)/i
const looksLikeExample = (value: string): boolean => placeholderStart.test(value.trim()) || placeholderPart.test(value)

/** Why a value cannot serve as a 32-byte AES key, if it cannot. */
export const auditKeyProblem = (raw: string): string | undefined => {
  const text = raw.trim()
  const bytes = Buffer.from(text, "base64")
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.length !== 32) {
    return looksLikeExample(text)
      ? "is an example value from the documentation; generate a real key"
      : "must be base64 of exactly 32 bytes"
  }
  if (new Set(bytes).size < 20 || bytes.every((byte) => byte >= 0x20 && byte < 0x7f)) {
    return "is not random (text or a repeated pattern encoded as base64); generate a real key"
  }
  return undefined
}

const keyHint = "generate one with: opera-cloud-mcp keys generate"
const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i
const parsedUrl = (raw: string) => URL.canParse(raw.trim()) ? new URL(raw.trim()) : undefined

const productionEnvironment = Config.all({
  nodeEnv: Config.string("NODE_ENV").pipe(Config.withDefault("development")),
  testingMode: flag("OPERA_SECURITY_SECURITY_TESTING_MODE").pipe(Config.withDefault(false)),
  rotationDays: wholeNumber("OPERA_SECURITY_CREDENTIAL_ROTATION_INTERVAL_DAYS", { min: 1, max: 3650 }).pipe(
    Config.withDefault(90)
  ),
  piiHashKey: optionalText("OPERA_SECURITY_PII_HASH_KEY"),
  webhookSecret: Config.option(Config.redacted("OPERA_SECURITY_WEBHOOK_SECRET")),
  smtpHost: optionalText("OPERA_SECURITY_SMTP_HOST"),
  baseUrl: optionalText("OPERA_BASE_URL"),
  clientSecret: Config.option(Config.redacted("OPERA_CLIENT_SECRET")),
  appKey: Config.option(Config.redacted("OPERA_APP_KEY"))
})
type ProductionEnvironment = Config.Config.Success<typeof productionEnvironment>

interface Flagged extends ChecklistFinding {
  readonly severity: "error" | "warning"
}
const error = (variable: string, problem: string): Flagged => ({ severity: "error", ...finding(variable, problem) })
const warning = (variable: string, problem: string): Flagged => ({ severity: "warning", ...finding(variable, problem) })
const when = (condition: boolean, flagged: () => Flagged): Array<Flagged> => condition ? [flagged()] : []

type Check = (s: SecuritySettings, env: ProductionEnvironment) => Array<Flagged>

const keysAreReal: Check = (s, env) => [
  ...Option.match(s.auditDbEncryptionKey, {
    onNone: () => [error("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", `is not set; ${keyHint}`)],
    onSome: (key) => {
      const problem = auditKeyProblem(Redacted.value(key))
      return problem === undefined ? [] : [error("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", `${problem} (${keyHint})`)]
    }
  }),
  ...when(Option.exists(env.clientSecret, (v) => looksLikeExample(Redacted.value(v))), () =>
    error("OPERA_CLIENT_SECRET", "is an example value; use the secret issued for this property")),
  ...when(Option.exists(env.appKey, (v) => looksLikeExample(Redacted.value(v))), () =>
    error("OPERA_APP_KEY", "is an example value; use the application key issued by Oracle"))
]

const networkIsRestricted: Check = (s, env) => {
  const url = Option.getOrUndefined(Option.flatMapNullable(env.baseUrl, parsedUrl))
  return [
    ...when(s.allowedIpAddresses.length === 0, () =>
      warning("OPERA_SECURITY_ALLOWED_IP_ADDRESSES", "is empty: no IP restriction. It has no effect on stdio, " +
        "but set it before exposing a network transport")),
    ...when(!s.requireHttps, () => error("OPERA_SECURITY_REQUIRE_HTTPS", "must be true in production")),
    ...when(url?.protocol === "http:", () => error("OPERA_BASE_URL", "must use https:// in production")),
    ...when(url !== undefined && loopback.test(url.hostname), () =>
      error("OPERA_BASE_URL", "points at a loopback address (the sandbox); use your OHIP gateway"))
  ]
}

const protectionsAreOn: Check = (s) => [
  ...when(!s.enableRateLimiting, () => error("OPERA_SECURITY_ENABLE_RATE_LIMITING", "must be true in production")),
  ...when(s.maxFailedAttempts > 5, () =>
    warning("OPERA_SECURITY_MAX_FAILED_ATTEMPTS", "is above 5; the guide recommends 5 or fewer")),
  ...when(!s.enableAuditLogging, () => error("OPERA_SECURITY_ENABLE_AUDIT_LOGGING", "must be true in production")),
  ...when(!s.enableSecurityMonitoring, () =>
    error("OPERA_SECURITY_ENABLE_SECURITY_MONITORING", "must be true in production")),
  ...when(!s.enableAnomalyDetection, () =>
    warning("OPERA_SECURITY_ENABLE_ANOMALY_DETECTION", "is off: threats are not scored"))
]

const incidentsReachAPerson: Check = (s, env) => {
  const webhook = Option.getOrUndefined(s.securityNotificationWebhook)
  const email = Option.getOrUndefined(s.securityNotificationEmail)
  const hook = webhook === undefined ? undefined : parsedUrl(webhook)
  return [
    ...when(webhook === undefined && email === undefined, () =>
      error("OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK", "and OPERA_SECURITY_SECURITY_NOTIFICATION_EMAIL are " +
        "both unset: set at least one so incidents reach a person")),
    ...when(webhook !== undefined && hook?.protocol !== "https:", () =>
      error("OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK", "must be an https:// URL")),
    ...when(hook?.protocol === "https:" && looksLikeExample(webhook ?? ""), () =>
      error("OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK", "is the example value from the guide")),
    ...when(email !== undefined && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || looksLikeExample(email)), () =>
      error("OPERA_SECURITY_SECURITY_NOTIFICATION_EMAIL", "must be a real address (not the guide's example)")),
    ...when(webhook !== undefined && Option.isNone(env.webhookSecret), () =>
      error("OPERA_SECURITY_WEBHOOK_SECRET", "is not set: incident alerts would go out unsigned")),
    ...when(email !== undefined && Option.isNone(env.smtpHost), () =>
      error("OPERA_SECURITY_SMTP_HOST", "is not set: incident emails cannot be sent")),
    ...when(!s.enableAutomaticIncidentResponse, () =>
      warning("OPERA_SECURITY_ENABLE_AUTOMATIC_INCIDENT_RESPONSE", "is off: high-risk clients are not blocked"))
  ]
}

const rotationIsPlanned: Check = (s, env) => [
  ...when(s.tokenMaxLifetimeHours > 24, () =>
    error("OPERA_SECURITY_TOKEN_MAX_LIFETIME_HOURS", "must be 24 or less in production")),
  ...when(s.tokenRefreshThresholdMinutes >= 60, () =>
    warning("OPERA_SECURITY_TOKEN_REFRESH_THRESHOLD_MINUTES", "is 60 or more: OHIP tokens last about 60 minutes, " +
      "so every call would refresh")),
  ...when(env.rotationDays > 180, () =>
    warning("OPERA_SECURITY_CREDENTIAL_ROTATION_INTERVAL_DAYS", "is above 180; rotate the client secret at least " +
      "twice a year (opera-cloud-mcp credentials rotate)"))
]

const noTestingOrDebug: Check = (s, env) => [
  ...when(env.testingMode, () => error("OPERA_SECURITY_SECURITY_TESTING_MODE", "must be false in production")),
  ...when(s.enableSecurityDebugLogs, () =>
    error("OPERA_SECURITY_ENABLE_SECURITY_DEBUG_LOGS", "must be false in production")),
  ...when(env.nodeEnv !== "production", () =>
    warning("NODE_ENV", "is not \"production\"; serve runs this checklist at start-up only when it is")),
  ...when((s.enableGdprMode || s.enablePiiAnonymization) && Option.isNone(env.piiHashKey), () =>
    warning("OPERA_SECURITY_PII_HASH_KEY", "is not set: anonymised IPs and user agents will not correlate across " +
      `restarts; ${keyHint}`))
]

const checklist: ReadonlyArray<Check> = [
  keysAreReal,
  networkIsRestricted,
  protectionsAreOn,
  incidentsReachAPerson,
  rotationIsPlanned,
  noTestingOrDebug
]

const productionFindings = (s: SecuritySettings) =>
  Effect.either(productionEnvironment).pipe(
    Effect.map(Either.match({
      onLeft: (configError) => fromConfigError(configError).map((found): Flagged => ({ severity: "error", ...found })),
      onRight: (env) => checklist.flatMap((check) => check(s, env))
    }))
  )

/**
 * Check the configuration. Always: every setting parses, the IP allow-list is
 * strict CIDR, an http:// OPERA_BASE_URL is loopback unless HTTPS is not
 * required. With `production`: the guide's checklist too.
 */
export const validateConfiguration = (options: {
  readonly production: boolean
  /** The connector whose connection settings are checked (default OPERA). */
  readonly connector?: "opera" | "oipa"
}): Effect.Effect<ChecklistResult> =>
  Effect.gen(function*() {
    const errors: Array<ChecklistFinding> = []
    const warnings: Array<ChecklistFinding> = []
    const opera = options.connector !== "oipa"
    const parsed = yield* Effect.either(securityConfig)
    const others = yield* Effect.either(Config.all([
      redactionPolicyConfig,
      piiHashKeyConfig,
      failedAttemptsWindowMinutes,
      confirmationConfig
    ]))
    const connection = yield* Effect.either(
      opera ? Effect.asVoid(Config.all([operaConnectionConfig, upstreamThrottleConfig])) : Effect.asVoid(oipaDatabaseSettings)
    )
    if (Either.isLeft(connection)) errors.push(...fromConfigError(connection.left))
    if (Either.isLeft(others)) errors.push(...fromConfigError(others.left))
    if (Either.isLeft(parsed)) {
      errors.push(...fromConfigError(parsed.left))
    } else {
      const settings = parsed.right
      for (const entry of settings.allowedIpAddresses) {
        const cidr = parseCidr(entry)
        if (Either.isLeft(cidr)) {
          const named = JSON.stringify(entry.slice(0, 60))
          errors.push(finding("OPERA_SECURITY_ALLOWED_IP_ADDRESSES", `the entry ${named} ${cidr.left}`))
        }
      }
      const baseUrl = opera
        ? Option.getOrUndefined(yield* Effect.orElseSucceed(optionalText("OPERA_BASE_URL"), Option.none))
        : undefined
      const url = baseUrl === undefined ? undefined : parsedUrl(baseUrl)
      if (settings.requireHttps && url?.protocol === "http:" && !loopback.test(url.hostname)) {
        errors.push(finding("OPERA_BASE_URL", "uses http:// for a non-loopback host; use https:// " +
          "(OPERA_SECURITY_REQUIRE_HTTPS is on)"))
      }
      if (options.production) {
        for (const { severity, ...found } of yield* productionFindings(settings)) {
          if (severity === "error") errors.push(found)
          else warnings.push(found)
        }
      }
    }
    return { production: options.production, ok: errors.length === 0, errors, warnings }
  }).pipe(Effect.withSpan("productionChecklist.validate"))

/** The `--production` checklist, as `serve` runs it at start-up. */
export const runProductionChecklist = (connector: "opera" | "oipa" = "opera"): Effect.Effect<ChecklistResult> =>
  validateConfiguration({ production: true, connector })

/**
 * For `serve`: when NODE_ENV is "production", run the checklist, log its
 * warnings to the (stderr) logger, and refuse to start on any error.
 */
export const enforceProductionChecklist = (
  connector: "opera" | "oipa" = "opera"
): Effect.Effect<void, ProductionChecklistFailed> => Effect.gen(function*() {
  const nodeEnv = yield* Effect.orElseSucceed(Config.string("NODE_ENV"), () => "development")
  if (nodeEnv !== "production") return
  const result = yield* runProductionChecklist(connector)
  for (const warning of result.warnings) yield* Effect.logWarning(warning.message)
  if (result.ok) return
  return yield* new ProductionChecklistFailed({
    errors: result.errors.map((error) => error.message),
    message: `The production checklist found ${result.errors.length} error(s); fix them before serving:\n` +
      result.errors.map((error) => `  - ${error.message}`).join("\n")
  })
})
