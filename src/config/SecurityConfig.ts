import { Config, Effect, Option } from "effect"
import { flag, fraction, list, oneOf, optionalSecret, optionalText, wholeNumber } from "./settings.js"

const S = (name: string) => `OPERA_SECURITY_${name}`
const on = (name: string) => flag(S(name)).pipe(Config.withDefault(true))
const off = (name: string) => flag(S(name)).pipe(Config.withDefault(false))

export const toolProfiles = [
  "full",
  "minimal",
  "front-desk",
  "housekeeping",
  "revenue",
  "reservations",
  "read-only"
] as const
export type ToolProfile = typeof toolProfiles[number]

export const securityConfig = Config.all({
  enableSecurityMonitoring: on("ENABLE_SECURITY_MONITORING"),
  enableAuditLogging: on("ENABLE_AUDIT_LOGGING"),
  enableRateLimiting: on("ENABLE_RATE_LIMITING"),
  enableTokenBinding: off("ENABLE_TOKEN_BINDING"),
  authRateLimitRequests: wholeNumber(S("AUTH_RATE_LIMIT_REQUESTS"), { min: 1, max: 1_000_000 }).pipe(
    Config.withDefault(120)
  ),
  authRateLimitWindowMinutes: wholeNumber(S("AUTH_RATE_LIMIT_WINDOW_MINUTES"), { min: 1, max: 1440 }).pipe(
    Config.withDefault(1)
  ),
  maxFailedAttempts: wholeNumber(S("MAX_FAILED_ATTEMPTS"), { min: 1, max: 1000 }).pipe(Config.withDefault(5)),
  clientLockoutDurationMinutes: wholeNumber(S("CLIENT_LOCKOUT_DURATION_MINUTES"), { min: 1, max: 10_080 }).pipe(
    Config.withDefault(15)
  ),
  tokenMaxLifetimeHours: wholeNumber(S("TOKEN_MAX_LIFETIME_HOURS"), { min: 1, max: 168 }).pipe(
    Config.withDefault(24)
  ),
  tokenRefreshThresholdMinutes: wholeNumber(S("TOKEN_REFRESH_THRESHOLD_MINUTES"), { min: 1, max: 120 }).pipe(
    Config.withDefault(5)
  ),
  tokenBindingLifetimeHours: wholeNumber(S("TOKEN_BINDING_LIFETIME_HOURS"), { min: 1, max: 168 }).pipe(
    Config.withDefault(8)
  ),
  tokenCachePath: optionalText(S("TOKEN_CACHE_PATH")),
  allowedIpAddresses: list(S("ALLOWED_IP_ADDRESSES")).pipe(Config.withDefault([] as ReadonlyArray<string>)),
  requireHttps: on("REQUIRE_HTTPS"),
  minTlsVersion: oneOf(S("MIN_TLS_VERSION"), ["TLSv1.2", "TLSv1.3"] as const).pipe(Config.withDefault("TLSv1.2")),
  auditDbEncryptionKey: optionalSecret(S("AUDIT_DB_ENCRYPTION_KEY")),
  auditDbPath: optionalText(S("AUDIT_DB_PATH")),
  securityEventRetentionDays: wholeNumber(S("SECURITY_EVENT_RETENTION_DAYS"), { min: 1, max: 3650 }).pipe(
    Config.withDefault(90)
  ),
  auditDbMaxSizeMb: wholeNumber(S("AUDIT_DB_MAX_SIZE_MB"), { min: 1, max: 1_000_000 }).pipe(Config.withDefault(512)),
  enableAnomalyDetection: on("ENABLE_ANOMALY_DETECTION"),
  anomalyDetectionSensitivity: fraction(S("ANOMALY_DETECTION_SENSITIVITY")).pipe(Config.withDefault(0.7)),
  enableIpReputationCheck: off("ENABLE_IP_REPUTATION_CHECK"),
  enableAutomaticIncidentResponse: on("ENABLE_AUTOMATIC_INCIDENT_RESPONSE"),
  securityNotificationWebhook: optionalText(S("SECURITY_NOTIFICATION_WEBHOOK")),
  securityNotificationEmail: optionalText(S("SECURITY_NOTIFICATION_EMAIL")),
  enableGdprMode: off("ENABLE_GDPR_MODE"),
  enablePiiAnonymization: off("ENABLE_PII_ANONYMIZATION"),
  dataRetentionPolicyDays: wholeNumber(S("DATA_RETENTION_POLICY_DAYS"), { min: 1, max: 3650 }).pipe(
    Config.withDefault(365)
  ),
  enableSecurityDebugLogs: off("ENABLE_SECURITY_DEBUG_LOGS"),
  readOnly: flag("OPERA_MCP_READ_ONLY").pipe(Config.withDefault(false)),
  toolAllowList: Config.option(list("OPERA_MCP_TOOLS")).pipe(Config.map(Option.filter((tools) => tools.length > 0))),
  hotelAllowList: Config.option(list("OPERA_MCP_HOTELS")).pipe(
    Config.map(Option.filter((hotels) => hotels.length > 0))
  ),
  toolProfile: oneOf("OPERA_MCP_TOOL_PROFILE", toolProfiles).pipe(Config.withDefault("full" as ToolProfile))
})

export type SecuritySettings = Config.Config.Success<typeof securityConfig>

/** All OPERA_SECURITY_* and OPERA_MCP_* settings, read once at start-up. */
export class SecurityConfig extends Effect.Service<SecurityConfig>()("opera/SecurityConfig", {
  effect: securityConfig
}) {}

