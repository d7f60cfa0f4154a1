import { Config, ConfigError, Effect, Either } from "effect"
import { flag, optionalSecret, optionalText, text, wholeNumber } from "../../config/settings.js"

const S = (name: string) => `OPERA_SECURITY_${name}`

const timeZone = text(S("HOTEL_TIME_ZONE")).pipe(
  Config.withDefault("UTC"),
  Config.mapOrFail((zone) => {
    const trimmed = zone.trim()
    // UTC first: Intl's list of zones is not needed for the default (see ThreatMonitor's zone).
    return trimmed === "UTC" || Intl.supportedValuesOf("timeZone").includes(trimmed)
      ? Either.right(trimmed)
      : Either.left(ConfigError.InvalidData([], "must be an IANA time zone such as Europe/Paris"))
  })
)

export const threatConfig = Config.all({
  /** How long an incident blocks the client (`OPERA_SECURITY_INCIDENT_BLOCK_MINUTES`, default 60). */
  incidentBlockMinutes: wholeNumber(S("INCIDENT_BLOCK_MINUTES"), { min: 1, max: 10_080 }).pipe(Config.withDefault(60)),
  /** How long a medium assessment raises monitoring (`OPERA_SECURITY_RAISED_MONITORING_MINUTES`, default 30). */
  raisedMonitoringMinutes: wholeNumber(S("RAISED_MONITORING_MINUTES"), { min: 1, max: 1440 }).pipe(
    Config.withDefault(30)
  ),
  /** Off-hours window in the hotel's time zone, start inclusive, end exclusive (default 1–5). */
  offHoursStart: wholeNumber(S("OFF_HOURS_START"), { min: 0, max: 23 }).pipe(Config.withDefault(1)),
  offHoursEnd: wholeNumber(S("OFF_HOURS_END"), { min: 0, max: 23 }).pipe(Config.withDefault(5)),
  hotelTimeZone: timeZone,
  /** Shared secret for the webhook signature (redacted). */
  webhookSecret: optionalSecret(S("WEBHOOK_SECRET")),
  smtpHost: optionalText(S("SMTP_HOST")),
  smtpPort: wholeNumber(S("SMTP_PORT"), { min: 1, max: 65_535 }).pipe(Config.withDefault(587)),
  /** true: implicit TLS (port 465); false: STARTTLS when the server offers it. */
  smtpSecure: flag(S("SMTP_SECURE")).pipe(Config.withDefault(false)),
  smtpUser: optionalText(S("SMTP_USER")),
  smtpPassword: optionalSecret(S("SMTP_PASSWORD")),
  smtpFrom: text(S("SMTP_FROM")).pipe(Config.withDefault("opera-cloud-mcp@localhost"))
})

export type ThreatSettings = Config.Config.Success<typeof threatConfig>

/** Settings of the ThreatMonitor and IncidentResponder beyond SecurityConfig. */
export class ThreatConfig extends Effect.Service<ThreatConfig>()("opera/ThreatConfig", {
  effect: threatConfig
}) {}

/** Whether `hour` lies in the off-hours window; a window may wrap past midnight (22–6). */
export const inOffHours = (settings: Pick<ThreatSettings, "offHoursStart" | "offHoursEnd">, hour: number): boolean =>
  settings.offHoursStart === settings.offHoursEnd
    ? false
    : settings.offHoursStart < settings.offHoursEnd
    ? hour >= settings.offHoursStart && hour < settings.offHoursEnd
    : hour >= settings.offHoursStart || hour < settings.offHoursEnd
