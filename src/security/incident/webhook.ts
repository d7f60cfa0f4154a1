import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Clock, Duration, Effect, Option, Redacted, Schedule, Schema } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"

export const signatureHeader = "X-Opera-Mcp-Signature"
export const incidentHeader = "X-Opera-Mcp-Incident"

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Binding the
 * timestamp into the MAC lets a receiver refuse replays older than a few minutes.
 */
export const signWebhook = (secret: string, timestampSeconds: number, body: string): string =>
  `t=${timestampSeconds},v1=${createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex")}`

/** What a receiver does: check the MAC in constant time and the timestamp's age. */
export const verifyWebhookSignature = (
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300
): boolean => {
  const fields = new Map(header.split(",").map((part) => {
    const at = part.indexOf("=")
    return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const
  }))
  const timestamp = Number(fields.get("t"))
  const given = Buffer.from(fields.get("v1") ?? "", "hex")
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false
  const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest()
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** A notification setting that cannot be used; raised at start-up. Names the setting, never its value. */
export class AlertChannelInvalid extends Schema.TaggedError<AlertChannelInvalid>()("AlertChannelInvalid", {
  setting: Schema.String,
  message: Schema.String
}) {}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"])
const webhookSetting = "OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK"

/**
 * The webhook URL must be http(s) without credentials in it; with
 * `OPERA_SECURITY_REQUIRE_HTTPS` only loopback may use plain http (alerts name
 * clients and incidents, which must not cross a network in clear text).
 */
export const checkWebhookUrl = (raw: string, requireHttps: boolean): Effect.Effect<string, AlertChannelInvalid> => {
  const url = URL.canParse(raw.trim()) ? new URL(raw.trim()) : undefined
  const invalid = (problem: string) =>
    Effect.fail(new AlertChannelInvalid({ setting: webhookSetting, message: `${webhookSetting} ${problem}` }))
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) return invalid("must be an http(s) URL")
  if (url.username !== "" || url.password !== "") return invalid("must not carry credentials in the URL")
  if (requireHttps && url.protocol === "http:" && !loopbackHosts.has(url.hostname)) {
    return invalid("must use https (OPERA_SECURITY_REQUIRE_HTTPS is on); plain http is allowed only to loopback")
  }
  return Effect.succeed(url.href)
}

export class AlertNotDelivered extends Schema.TaggedError<AlertNotDelivered>()("AlertNotDelivered", {
  channel: Schema.Literal("webhook", "email"),
  retriable: Schema.Boolean,
  message: Schema.String
}) {}

/**
 * Retries for one alert: 1 s, 2 s, 4 s … capped at 1 minute between tries,
 * at most 7 retries (about 3 minutes in all), then give up.
 */
export const alertRetrySchedule = Schedule.exponential("1 second").pipe(
  Schedule.either(Schedule.spaced("1 minute")),
  Schedule.intersect(Schedule.recurs(7))
)

const attemptTimeout = Duration.seconds(10)

/** One delivery attempt of a signed JSON alert. 5xx, 429, 408 and network errors are worth a retry. */
export const postAlert = (
  http: HttpClient.HttpClient,
  url: string,
  secret: Option.Option<Redacted.Redacted<string>>,
  incidentId: string,
  body: string
) =>
  Effect.gen(function*() {
    const seconds = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const signature = Option.map(secret, (key) => signWebhook(Redacted.value(key), seconds, body))
    const request = HttpClientRequest.post(url).pipe(
      HttpClientRequest.setHeaders({
        [incidentHeader]: incidentId,
        ...Option.match(signature, { onNone: () => ({}), onSome: (value) => ({ [signatureHeader]: value }) })
      }),
      HttpClientRequest.bodyText(body, "application/json")
    )
    const response = yield* http.execute(request).pipe(
      Effect.timeoutFail({
        duration: attemptTimeout,
        onTimeout: () =>
          new AlertNotDelivered({ channel: "webhook", retriable: true, message: "webhook did not answer in 10 seconds" })
      }),
      Effect.catchTag("RequestError", "ResponseError", (error) =>
        Effect.fail(
          new AlertNotDelivered({ channel: "webhook", retriable: true, message: `webhook unreachable (${error.reason})` })
        )),
      Effect.scoped
    )
    if (response.status >= 200 && response.status < 300) return
    return yield* new AlertNotDelivered({
      channel: "webhook",
      retriable: response.status >= 500 || response.status === 429 || response.status === 408,
      message: `webhook answered HTTP ${response.status}`
    })
  })
