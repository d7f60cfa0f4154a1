import { Effect, Option, Redacted } from "effect"
import type { ThreatSettings } from "../threat/ThreatConfig.js"
import { AlertNotDelivered } from "./webhook.js"

export interface AlertEmail {
  readonly to: string
  readonly subject: string
  readonly text: string
}

export interface Mailer {
  /** One delivery attempt. 4xx answers and network errors are worth a retry, 5xx are not. */
  readonly send: (email: AlertEmail) => Effect.Effect<void, AlertNotDelivered>
}

const responseCode = (error: unknown): number | undefined =>
  typeof error === "object" && error !== null && "responseCode" in error && typeof error.responseCode === "number"
    ? error.responseCode
    : undefined

/**
 * An SMTP mailer on nodemailer, closed with the scope. TLS never goes below
 * `minTlsVersion`; the password stays Redacted until the transport is built.
 * Error messages name the SMTP code only, never the server's text (it can echo addresses).
 */
export const makeMailer = (
  settings: Pick<ThreatSettings, "smtpHost" | "smtpPort" | "smtpSecure" | "smtpUser" | "smtpPassword" | "smtpFrom">,
  minTlsVersion: "TLSv1.2" | "TLSv1.3"
) =>
  Option.match(settings.smtpHost, {
    onNone: () => Effect.succeed(Option.none<Mailer>()),
    onSome: (host) =>
      Effect.acquireRelease(
        // Loaded only when SMTP alerts are configured.
        Effect.promise(() => import("nodemailer")).pipe(Effect.map(({ default: nodemailer }) =>
          nodemailer.createTransport({
            host,
            port: settings.smtpPort,
            secure: settings.smtpSecure,
            tls: { minVersion: minTlsVersion },
            connectionTimeout: 10_000,
            greetingTimeout: 10_000,
            socketTimeout: 20_000,
            ...Option.match(settings.smtpUser, {
              onNone: () => ({}),
              onSome: (user) => ({
                auth: {
                  user,
                  pass: Option.match(settings.smtpPassword, { onNone: () => "", onSome: Redacted.value })
                }
              })
            })
          }))
        ),
        (transport) => Effect.sync(() => transport.close())
      ).pipe(
        Effect.map((transport) =>
          Option.some<Mailer>({
            send: (email) =>
              Effect.tryPromise({
                try: () => transport.sendMail({ from: settings.smtpFrom, ...email }),
                catch: (error) => {
                  const code = responseCode(error)
                  return new AlertNotDelivered({
                    channel: "email",
                    retriable: code === undefined || code < 500,
                    message: code === undefined ? "SMTP server unreachable" : `SMTP server answered ${code}`
                  })
                }
              }).pipe(Effect.asVoid)
          })
        )
      )
  })
