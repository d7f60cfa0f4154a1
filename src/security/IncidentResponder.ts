import { HttpClient } from "@effect/platform"
import { Clock, Effect, Option, Ref } from "effect"
import { randomUUID } from "node:crypto"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { isoInstant } from "./errors.js"
import { makeMailer } from "./incident/email.js"
import type { AlertState, BlockedClient, Incident, IncidentReport } from "./incident/model.js"
import { alertBody, alertText } from "./incident/model.js"
import type { AlertNotDelivered } from "./incident/webhook.js"
import { alertRetrySchedule, checkWebhookUrl, postAlert } from "./incident/webhook.js"
import { InProcessStateStoreDefault } from "./state/InProcessStateStore.js"
import { StateStore } from "./state/StateStore.js"
import { ThreatConfig } from "./threat/ThreatConfig.js"

const keptIncidents = 50

/**
 * Acts on high-risk incidents: blocks the client for
 * `OPERA_SECURITY_INCIDENT_BLOCK_MINUTES`, sends one signed webhook alert and
 * one email per incident (retried with backoff in a fiber of the responder's
 * scope, so the caller never waits), and keeps recent incidents and blocks
 * for the health check. A client already blocked gets no second incident:
 * one alert per incident, not per call.
 *
 * With `OPERA_SECURITY_ENABLE_AUTOMATIC_INCIDENT_RESPONSE=false` incidents are
 * recorded but nothing is blocked and no alert is sent. Building the layer fails
 * with `AlertChannelInvalid` when the webhook URL is unusable (see `checkWebhookUrl`).
 */
export class IncidentResponder extends Effect.Service<IncidentResponder>()("opera/IncidentResponder", {
  scoped: Effect.gen(function*() {
    const security = yield* SecurityConfig
    const settings = yield* ThreatConfig
    const http = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerPropagation(false))
    const scope = yield* Effect.scope
    const mailer = yield* makeMailer(settings, security.minTlsVersion)
    const webhookUrl = yield* Option.match(security.securityNotificationWebhook, {
      onNone: () => Effect.succeed(Option.none<string>()),
      onSome: (raw) => checkWebhookUrl(raw, security.requireHttps).pipe(Effect.map(Option.some))
    })
    const emailTo = security.securityNotificationEmail
    const blockMs = settings.incidentBlockMinutes * 60_000
    const automatic = security.enableAutomaticIncidentResponse

    if (automatic && Option.isSome(webhookUrl) && Option.isNone(settings.webhookSecret)) {
      yield* Effect.logWarning("incident webhook alerts are unsigned: set OPERA_SECURITY_WEBHOOK_SECRET")
    }
    if (automatic && Option.isSome(emailTo) && Option.isNone(mailer)) {
      yield* Effect.logWarning("incident email is set but OPERA_SECURITY_SMTP_HOST is not: no email will be sent")
    }

    const store = yield* StateStore
    const incidents = yield* Ref.make<ReadonlyArray<Incident>>([])

    const setAlert = (id: string, channel: "webhook" | "email", state: AlertState) =>
      Ref.update(incidents, (all) =>
        all.map((incident) =>
          incident.id === id ? { ...incident, alerts: { ...incident.alerts, [channel]: state } } : incident
        ))

    const deliver = (
      incident: Incident,
      channel: "webhook" | "email",
      attempt: Effect.Effect<void, AlertNotDelivered>
    ) =>
      attempt.pipe(
        Effect.retry({ schedule: alertRetrySchedule, while: (error) => error.retriable }),
        Effect.matchEffect({
          onSuccess: () => setAlert(incident.id, channel, "delivered"),
          onFailure: (error) =>
            setAlert(incident.id, channel, "failed").pipe(
              Effect.zipRight(Effect.logError("incident alert not delivered").pipe(
                Effect.annotateLogs({ incidentId: incident.id, channel, reason: error.message })
              ))
            )
        })
      )

    const alert = (incident: Incident) => {
      const body = JSON.stringify(alertBody(incident, isoInstant))
      const webhook = Option.match(webhookUrl, {
        onNone: () => Effect.void,
        onSome: (url) => deliver(incident, "webhook", postAlert(http, url, settings.webhookSecret, incident.id, body))
      })
      const email = Option.match(Option.all([emailTo, mailer]), {
        onNone: () => Effect.void,
        onSome: ([to, sender]) =>
          deliver(incident, "email", sender.send({
            to,
            subject: `[opera-cloud-mcp] Security incident ${incident.id}: client blocked`,
            text: alertText(incident, isoInstant)
          }))
      })
      return Effect.all([webhook, email], { concurrency: 2, discard: true })
    }

    // Blocks live in the StateStore: every replica refuses a blocked client, and a restart keeps the block.
    const activeBlock = (clientId: string, now: number) =>
      store.blockOf(clientId, now).pipe(Effect.map(Option.map((block): BlockedClient => ({ ...block, clientId }))))

    /**
     * Open an incident for a high-risk call, or return the one already open for
     * this client (no second alert while the block lasts).
     */
    const open = Effect.fn("IncidentResponder.open")(function*(report: IncidentReport) {
      const now = yield* Clock.currentTimeMillis
      // Unreachable store: open a fresh incident (its alert still goes out); every call is refused meanwhile anyway.
      const existing = yield* activeBlock(report.clientId, now).pipe(
        Effect.catchTag("StateUnavailable", () => Effect.succeed(Option.none<BlockedClient>()))
      )
      if (Option.isSome(existing)) {
        const known = (yield* Ref.get(incidents)).find((incident) => incident.id === existing.value.incidentId)
        if (known !== undefined) return known
      }
      const initial = (configured: boolean): AlertState => !automatic ? "disabled" : configured ? "sending" : "not_configured"
      const incident: Incident = {
        ...report,
        id: `INC-${randomUUID().slice(0, 8).toUpperCase()}`,
        openedAt: now,
        blockedUntil: automatic ? now + blockMs : now,
        alerts: {
          webhook: initial(Option.isSome(webhookUrl)),
          email: initial(Option.isSome(emailTo) && Option.isSome(mailer))
        }
      }
      yield* Ref.update(incidents, (all) => [incident, ...all].slice(0, keptIncidents))
      yield* Effect.logWarning("security incident opened").pipe(
        Effect.annotateLogs({ incidentId: incident.id, clientId: report.clientId, tool: report.tool, score: report.score })
      )
      if (!automatic) return incident
      yield* store.setBlock(report.clientId, {
        clientId: report.clientId,
        until: incident.blockedUntil,
        incidentId: incident.id
      }, now).pipe(
        Effect.catchTag("StateUnavailable", () => Effect.logError("incident block not stored: the shared security state is unreachable"))
      )
      yield* alert(incident).pipe(Effect.forkIn(scope))
      return incident
    })

    /** The block on `clientId` now in force, if any; fails with `StateUnavailable` while the store is unreachable. */
    const blockOf = Effect.fn("IncidentResponder.blockOf")(function*(clientId: string) {
      return yield* activeBlock(clientId, yield* Clock.currentTimeMillis)
    })

    /** Most recent first, at most 50. */
    const recentIncidents = Ref.get(incidents)

    /** Clients blocked right now, for the health check (empty while the store is unreachable). */
    const blockedClients: Effect.Effect<ReadonlyArray<BlockedClient>> = Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) => store.blocks(now)),
      Effect.catchTag("StateUnavailable", () => Effect.succeed([]))
    )

    return { open, blockOf, recentIncidents, blockedClients } as const
  }),
  dependencies: [SecurityConfig.Default, ThreatConfig.Default, InProcessStateStoreDefault]
}) {}
