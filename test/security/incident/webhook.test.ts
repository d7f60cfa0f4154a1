import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Layer } from "effect"
import { createHmac } from "node:crypto"
import { businessDayStart, hourMs } from "../../../scripts/workloads/frontDeskDay.js"
import { scrapingAttack } from "../../../scripts/workloads/scrapingAttack.js"
import { IncidentResponder } from "../../../src/security/IncidentResponder.js"
import type { IncidentReport } from "../../../src/security/incident/model.js"
import { signatureHeader, verifyWebhookSignature } from "../../../src/security/incident/webhook.js"
import { replay, withMonitor, withSettings } from "../threat/harness.js"
import { settle, webhookReceiver } from "./receivers.js"

const secret = "whsec-test-0123456789abcdef0123456789abcdef"

const report: IncidentReport = {
  clientId: "rogue-agent",
  tool: "get_guest_profile",
  score: 1.4,
  threats: [{ detector: "burst_rate", name: "call_burst", score: 1.4, reason: "30 calls in the last 10 seconds" }]
}

const responderOnly = <A, E>(program: Effect.Effect<A, E, IncidentResponder>, url: string) =>
  program.pipe(
    Effect.provide(IncidentResponder.Default.pipe(Layer.provide(FetchHttpClient.layer))),
    withSettings({ OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK: url, OPERA_SECURITY_WEBHOOK_SECRET: secret })
  )

const stateOf = (responder: IncidentResponder) =>
  responder.recentIncidents.pipe(Effect.map((incidents) => incidents[0]?.alerts.webhook))

describe("incident webhook", () => {
  it.scoped("a scraping attack sends exactly one signed alert, whose HMAC the receiver verifies", () =>
    Effect.gen(function*() {
      const receiver = yield* webhookReceiver()
      yield* withMonitor(
        Effect.gen(function*() {
          const results = yield* replay(scrapingAttack({ start: businessDayStart + 10 * hourMs, pages: 15 }))
          expect(results.filter((result) => result.verdict._tag === "Left").length).toBeGreaterThan(50)
          const responder = yield* IncidentResponder
          expect(yield* settle(stateOf(responder).pipe(Effect.map((state) => state === "delivered")))).toBe(true)
          // Let any stray second alert arrive before counting.
          yield* settle(Effect.succeed(false), 1_000, 5)
          expect(receiver.received).toHaveLength(1)
          const [alert] = receiver.received
          const header = String(alert!.headers[signatureHeader.toLowerCase()])
          const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)
          expect(match).not.toBeNull()
          const expected = createHmac("sha256", secret).update(`${match![1]}.${alert!.body}`).digest("hex")
          expect(match![2]).toBe(expected)
          const nowSeconds = Math.floor((yield* Clock.currentTimeMillis) / 1000)
          expect(verifyWebhookSignature(secret, header, alert!.body, nowSeconds)).toBe(true)
          expect(verifyWebhookSignature(secret, header, alert!.body.replace("rogue", "rogua"), nowSeconds)).toBe(false)
          expect(verifyWebhookSignature("other-secret", header, alert!.body, nowSeconds)).toBe(false)
          expect(verifyWebhookSignature(secret, header, alert!.body, nowSeconds + 3600)).toBe(false)
          const body = JSON.parse(alert!.body)
          const [incident] = yield* responder.recentIncidents
          expect(body).toMatchObject({
            type: "opera-cloud-mcp.security_incident",
            incidentId: incident!.id,
            clientId: "rogue-agent",
            level: "high"
          })
          expect(alert!.headers["x-opera-mcp-incident"]).toBe(incident!.id)
          // Profile ids the attacker read never reach the alert.
          expect(alert!.body).not.toMatch(/P9000\d\d/)
        }),
        { OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK: receiver.url, OPERA_SECURITY_WEBHOOK_SECRET: secret }
      )
    }))

  it.scoped("retries on HTTP 500 with backoff, then delivers; the caller never waits", () =>
    Effect.gen(function*() {
      const receiver = yield* webhookReceiver([500, 500, 200])
      yield* responderOnly(
        Effect.gen(function*() {
          const responder = yield* IncidentResponder
          const incident = yield* responder.open(report)
          expect(incident.alerts.webhook).toBe("sending")
          // A second high call from the same client joins the open incident: no second alert.
          expect((yield* responder.open(report)).id).toBe(incident.id)
          expect(yield* settle(stateOf(responder).pipe(Effect.map((state) => state === "delivered")))).toBe(true)
          expect(receiver.received).toHaveLength(3)
          expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1)
          expect(receiver.received.every((request) => request.headers["x-opera-mcp-incident"] === incident.id)).toBe(true)
        }),
        receiver.url
      )
    }))

  it.scoped("gives up after bounded retries when the receiver keeps failing, and at once on a 4xx", () =>
    Effect.gen(function*() {
      const failing = yield* webhookReceiver([503])
      yield* responderOnly(
        Effect.gen(function*() {
          const responder = yield* IncidentResponder
          const started = yield* Clock.currentTimeMillis
          yield* responder.open(report)
          expect(yield* settle(stateOf(responder).pipe(Effect.map((state) => state === "failed")))).toBe(true)
          expect(failing.received).toHaveLength(8)
          expect((yield* Clock.currentTimeMillis) - started).toBeLessThan(5 * 60_000)
        }),
        failing.url
      )
      const refusing = yield* webhookReceiver([403])
      yield* responderOnly(
        Effect.gen(function*() {
          const responder = yield* IncidentResponder
          yield* responder.open(report)
          expect(yield* settle(stateOf(responder).pipe(Effect.map((state) => state === "failed")))).toBe(true)
          expect(refusing.received).toHaveLength(1)
        }),
        refusing.url
      )
    }))
})

describe("webhook setting", () => {
  it.effect("refuses plain http to another host when HTTPS is required, without echoing the URL", () =>
    Effect.gen(function*() {
      const url = "http://hooks.example.test/T0KEN-in-path"
      const refused = yield* Effect.flip(responderOnly(IncidentResponder, url))
      expect(refused._tag).toBe("AlertChannelInvalid")
      expect(refused.message).toContain("OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK must use https")
      expect(refused.message).not.toContain("T0KEN")
      expect((yield* Effect.flip(responderOnly(IncidentResponder, "https://user:pw@hooks.example.test/")))._tag)
        .toBe("AlertChannelInvalid")
      // Loopback (a local relay, or a test receiver) may use plain http.
      yield* responderOnly(IncidentResponder, "http://127.0.0.1:9/hook")
    }))
})
