import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { businessDayStart, hourMs } from "../../../scripts/workloads/frontDeskDay.js"
import { scrapingAttack } from "../../../scripts/workloads/scrapingAttack.js"
import { IncidentResponder } from "../../../src/security/IncidentResponder.js"
import { replay, withMonitor } from "../threat/harness.js"
import { settle, smtpReceiver } from "./receivers.js"

describe("incident email", () => {
  it.scoped("a loopback SMTP receiver gets one email for the incident, with no guest data and no secret", () =>
    Effect.gen(function*() {
      const smtp = yield* smtpReceiver
      yield* withMonitor(
        Effect.gen(function*() {
          yield* replay(scrapingAttack({ start: businessDayStart + 10 * hourMs, pages: 15 }))
          const responder = yield* IncidentResponder
          const delivered = responder.recentIncidents.pipe(
            Effect.map((incidents) => incidents[0]?.alerts.email === "delivered")
          )
          expect(yield* settle(delivered)).toBe(true)
          yield* settle(Effect.succeed(false), 1_000, 5)
          expect(smtp.received).toHaveLength(1)
          const [mail] = smtp.received
          const [incident] = yield* responder.recentIncidents
          expect(mail!.from).toBe("<alerts@hotel.test>")
          expect(mail!.to).toEqual(["<security@hotel.test>"])
          expect(mail!.data).toContain(`Subject: [opera-cloud-mcp] Security incident ${incident!.id}: client blocked`)
          expect(mail!.data).toContain("Client: rogue-agent")
          expect(incident!.threats.length).toBeGreaterThan(0)
          for (const threat of incident!.threats) expect(mail!.data).toContain(`${threat.detector}/${threat.name}`)
          expect(mail!.data).not.toMatch(/P9000\d\d/)
          expect(mail!.data).not.toContain("whsec")
          // No webhook configured: its state says so rather than pretending.
          expect(incident!.alerts.webhook).toBe("not_configured")
        }),
        {
          OPERA_SECURITY_SECURITY_NOTIFICATION_EMAIL: "security@hotel.test",
          OPERA_SECURITY_SMTP_HOST: "127.0.0.1",
          OPERA_SECURITY_SMTP_PORT: smtp.port,
          OPERA_SECURITY_SMTP_FROM: "alerts@hotel.test",
          OPERA_SECURITY_WEBHOOK_SECRET: "whsec-should-never-appear"
        }
      )
    }))

  it.scoped("retries when the SMTP server is unreachable, then gives up", () =>
    Effect.gen(function*() {
      const smtp = yield* smtpReceiver
      const port = smtp.port
      smtp.close()
      yield* withMonitor(
        Effect.gen(function*() {
          const responder = yield* IncidentResponder
          yield* responder.open({ clientId: "c", tool: "search_guests", score: 2, threats: [] })
          const failed = responder.recentIncidents.pipe(Effect.map((incidents) => incidents[0]?.alerts.email === "failed"))
          expect(yield* settle(failed, 2_000)).toBe(true)
        }),
        {
          OPERA_SECURITY_SECURITY_NOTIFICATION_EMAIL: "security@hotel.test",
          OPERA_SECURITY_SMTP_HOST: "127.0.0.1",
          OPERA_SECURITY_SMTP_PORT: port
        }
      )
    }))
})
