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
import type { StoredBlock } from "./state/StateStore.js"
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

    // A block the store refused (unreachable, or a full Redis) is never just logged: this replica holds it
    // and refuses the client itself (`heldBlockOf`), retries storing it every few seconds, and the health
    // check counts it, so the block fails closed here even when the other replicas cannot see it yet.
    const held = yield* Ref.make<ReadonlyMap<string, StoredBlock>>(new Map())
    const hold = (block: StoredBlock) =>
      Ref.update(held, (all) => {
        const before = all.get(block.clientId)
        return before !== undefined && before.until >= block.until ? all : new Map(all).set(block.clientId, block)
      }).pipe(
        Effect.zipRight(Ref.getAndSet(retrying, true)),
        Effect.flatMap((running) => running ? Effect.void : Effect.asVoid(Effect.forkIn(retryUntilStored, scope)))
      )
    const storeHeld = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      for (const block of (yield* Ref.get(held)).values()) {
        const stored = block.until <= now ? true : yield* store.setBlock(block.clientId, block, now).pipe(
          Effect.as(true),
          Effect.catchTag("StateUnavailable", () => Effect.succeed(false))
        )
        if (stored) {
          yield* Ref.update(held, (all) => {
            if (all.get(block.clientId) !== block) return all
            const rest = new Map(all)
            rest.delete(block.clientId)
            return rest
          })
        }
      }
    })
    // The retry runs only while a block is held, so a server with none pays nothing for it.
    const retrying = yield* Ref.make(false)
    const retryUntilStored = Effect.sleep("5 seconds").pipe(
      Effect.zipRight(storeHeld),
      Effect.zipRight(Ref.get(held)),
      Effect.repeat({ until: (all) => all.size === 0 }),
      Effect.ensuring(Ref.set(retrying, false))
    )

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
      const block: StoredBlock = { clientId: report.clientId, until: incident.blockedUntil, incidentId: incident.id }
      yield* store.setBlock(report.clientId, block, now).pipe(
        Effect.catchTag("StateUnavailable", () =>
          hold(block).pipe(Effect.zipRight(Effect.logError(
            "incident block not stored in the shared security state: this replica holds it, refuses the client, " +
              "and stores it when the state store accepts it"
          ).pipe(Effect.annotateLogs({ incidentId: incident.id })))))
      )
      yield* alert(incident).pipe(Effect.forkIn(scope))
      return incident
    })

    /** The block on `clientId` now in force, if any; fails with `StateUnavailable` while the store is unreachable. */
    const blockOf = Effect.fn("IncidentResponder.blockOf")(function*(clientId: string) {
      return yield* activeBlock(clientId, yield* Clock.currentTimeMillis)
    })

    /**
     * A block this replica holds because the store refused it (see `hold`):
     * checked on every call beside the store's own blocks, without a round trip.
     */
    const heldBlockOf = (clientId: string): Effect.Effect<Option.Option<BlockedClient>> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const block = (yield* Ref.get(held)).get(clientId)
        return block !== undefined && block.until > now ? Option.some({ ...block, clientId }) : Option.none()
      })

    /** How many blocks this replica holds that the store has not accepted yet (for the health check). */
    const unstoredBlocks: Effect.Effect<number> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      return Array.from((yield* Ref.get(held)).values()).filter((block) => block.until > now).length
    })

    /** Most recent first, at most 50. */
    const recentIncidents = Ref.get(incidents)

    /** Clients blocked right now, for the health check (only the held ones while the store is unreachable). */
    const blockedClients: Effect.Effect<ReadonlyArray<BlockedClient>> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const stored = yield* store.blocks(now).pipe(Effect.catchTag("StateUnavailable", () => Effect.succeed([])))
      const seen = new Set(stored.map((block) => block.clientId))
      const own = Array.from((yield* Ref.get(held)).values()).filter((block) => block.until > now && !seen.has(block.clientId))
      return [...stored, ...own]
    })

    return { open, blockOf, heldBlockOf, unstoredBlocks, recentIncidents, blockedClients } as const
  }),
  dependencies: [SecurityConfig.Default, ThreatConfig.Default, InProcessStateStoreDefault]
}) {}
