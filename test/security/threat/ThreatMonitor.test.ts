import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { businessDayStart, hourMs, tools } from "../../../scripts/workloads/frontDeskDay.js"
import { IncidentResponder } from "../../../src/security/IncidentResponder.js"
import { CollectedSecurityEvents } from "../../../src/security/threat/SecurityEventSink.js"
import type { ThreatDetector } from "../../../src/security/threat/ThreatDetector.js"
import { ThreatDetectors } from "../../../src/security/threat/ThreatDetector.js"
import { ThreatMonitor } from "../../../src/security/ThreatMonitor.js"
import { withMonitor } from "./harness.js"

const ctx = { clientId: "agent-7", transport: "stdio" as const }
const payload = "guest@example.com' OR '1'='1"
const sqlShaped = { surname: payload }
const clean = { surname: "O'Brien" }

describe("ThreatMonitor scoring", () => {
  it.effect("scales the summed score by the sensitivity setting", () =>
    Effect.gen(function*() {
      const outcomes = yield* Effect.forEach([0, 0.3, 0.7, 1], (sensitivity) =>
        withMonitor(
          ThreatMonitor.pipe(Effect.flatMap((monitor) => monitor.assess(ctx, tools.searchGuests, sqlShaped))),
          { OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY: sensitivity }
        ))
      expect(outcomes.map((assessment) => [assessment.score, assessment.level])).toEqual([
        [0.21, "low"],
        [0.42, "low"],
        [0.7, "medium"],
        [0.91, "medium"]
      ])
      expect(outcomes[2]!.threats).toEqual([{
        detector: "injection_arguments",
        name: "injection_shaped_arguments",
        score: 0.7,
        reason: "arguments shaped like SQL injection in field surname"
      }])
    }))

  it.effect("off-hours adds to what the other detectors see, in the hotel's time zone", () =>
    withMonitor(
      Effect.gen(function*() {
        const monitor = yield* ThreatMonitor
        // 03:00 UTC is 04:00 in Paris (winter time): inside the default 1–5 window.
        const assessment = yield* monitor.assess(ctx, tools.getGuestProfile, { profileId: "P1" })
        expect(assessment.threats.map((threat) => threat.reason)).toEqual([
          "a guest-data read at 4:00, inside the off-hours window"
        ])
        yield* TestClock.adjust(2 * hourMs)
        expect((yield* monitor.assess(ctx, tools.getGuestProfile, { profileId: "P1" })).threats).toEqual([])
      }),
      { OPERA_SECURITY_HOTEL_TIME_ZONE: "Europe/Paris" },
      { startAt: businessDayStart + 3 * hourMs }
    ))

  it.effect("the hotel's hour turns at its own minute: in Kathmandu (UTC+5:45) off-hours start at 19:15 UTC, not 19:00", () =>
    withMonitor(
      Effect.gen(function*() {
        const monitor = yield* ThreatMonitor
        const reasons = () =>
          monitor.assess(ctx, tools.getGuestProfile, { profileId: "P1" }).pipe(
            Effect.map((assessment) => assessment.threats.map((threat) => threat.reason))
          )
        // 19:14 UTC is 00:59 in Kathmandu; a minute later it is 01:00, inside the default 1–5 window.
        expect(yield* reasons()).toEqual([])
        yield* TestClock.adjust(60_000)
        expect(yield* reasons()).toEqual(["a guest-data read at 1:00, inside the off-hours window"])
        // 23:14 UTC is 04:59 there, still inside; 23:15 is 05:00, outside.
        yield* TestClock.adjust(4 * hourMs - 60_000)
        expect(yield* reasons()).toEqual(["a guest-data read at 4:00, inside the off-hours window"])
        yield* TestClock.adjust(60_000)
        expect(yield* reasons()).toEqual([])
      }),
      // Node's own zone list spells it Asia/Katmandu (the setting accepts only names from that list).
      { OPERA_SECURITY_HOTEL_TIME_ZONE: "Asia/Katmandu" },
      { startAt: businessDayStart + 19 * hourMs + 14 * 60_000 }
    ))

  it.effect("a UTC hotel (the default) gets its hour without Intl: the first Intl.DateTimeFormat loads ICU's data for good", () =>
    Effect.gen(function*() {
      const native = Intl.DateTimeFormat
      let made = 0
      const counting = new Proxy(native, {
        construct: (target, args: Array<never>, newTarget) => {
          made++
          return Reflect.construct(target, args, newTarget) as object
        }
      })
      const reasons = yield* Effect.acquireUseRelease(
        Effect.sync(() => {
          Intl.DateTimeFormat = counting
        }),
        () =>
          withMonitor(
            ThreatMonitor.pipe(
              Effect.flatMap((monitor) => monitor.assess(ctx, tools.getGuestProfile, { profileId: "P1" })),
              Effect.map((assessment) => assessment.threats.map((threat) => threat.reason))
            ),
            {},
            { startAt: businessDayStart + 3 * hourMs }
          ),
        () =>
          Effect.sync(() => {
            Intl.DateTimeFormat = native
          })
      )
      expect(reasons).toEqual(["a guest-data read at 3:00, inside the off-hours window"])
      expect(made).toBe(0)
    }))
})

describe("ThreatMonitor responses", () => {
  it.effect("medium raises monitoring; the same again is high: refused, incident opened, client blocked until the block ends", () =>
    withMonitor(
      Effect.gen(function*() {
        const monitor = yield* ThreatMonitor
        const events = yield* CollectedSecurityEvents
        const first = yield* monitor.guard(ctx, tools.searchGuests, sqlShaped)
        expect(first.level).toBe("medium")
        const watched = yield* monitor.snapshot
        expect(watched.threatLevel).toBe("medium")
        expect(watched.clients.map((client) => [client.clientId, client.level])).toEqual([["agent-7", "medium"]])

        yield* TestClock.adjust(60_000)
        const refused = yield* Effect.flip(monitor.guard(ctx, tools.searchGuests, sqlShaped))
        expect(refused._tag).toBe("ThreatBlocked")
        expect(refused.message).toContain("injection_shaped_arguments")
        expect(refused.message).not.toContain("example.com")

        const blocked = yield* Effect.flip(monitor.guard(ctx, tools.searchGuests, clean))
        expect(blocked._tag).toBe("ClientBlocked")
        const snapshot = yield* monitor.snapshot
        expect(snapshot.threatLevel).toBe("high")
        expect(snapshot.recentIncidents).toHaveLength(1)
        expect(snapshot.recentIncidents[0]!.alerts).toEqual({ webhook: "not_configured", email: "not_configured" })
        expect(snapshot.blockedClients).toEqual([{
          clientId: "agent-7",
          until: businessDayStart + 61 * 60_000,
          incidentId: snapshot.recentIncidents[0]!.id
        }])
        // Other clients are not affected.
        expect((yield* monitor.guard({ ...ctx, clientId: "desk-2" }, tools.searchGuests, clean)).level).toBe("low")

        yield* TestClock.adjust(60 * 60_000 - 1)
        expect((yield* Effect.flip(monitor.guard(ctx, tools.searchGuests, clean)))._tag).toBe("ClientBlocked")
        yield* TestClock.adjust(1)
        expect((yield* monitor.guard(ctx, tools.searchGuests, clean)).level).toBe("low")
        expect((yield* monitor.snapshot).blockedClients).toEqual([])

        const emitted = yield* events.all
        expect(emitted.map((event) => [event.kind, event.level, event.blocked])).toEqual([
          ["threat_assessed", "medium", false],
          ["threat_assessed", "high", true],
          ["incident_opened", "high", true]
        ])
        expect(JSON.stringify(emitted)).not.toContain("example.com")
      })
    ))

  it.effect("a burst of medium calls with the same findings is one event a minute, not one per call", () =>
    withMonitor(
      Effect.gen(function*() {
        const monitor = yield* ThreatMonitor
        const events = yield* CollectedSecurityEvents
        // Sensitivity 0.5: the injection finding scores 0.56, and 0.84 under raised monitoring: medium every time.
        const levels: Array<string> = []
        for (let i = 0; i < 20; i++) {
          levels.push((yield* monitor.assess(ctx, tools.searchGuests, sqlShaped)).level)
          yield* TestClock.adjust(1_000)
        }
        expect(levels).toEqual(Array.from({ length: 20 }, () => "medium"))
        const mediums = (yield* events.all).filter((event) => event.kind === "threat_assessed" && event.level === "medium")
        // 20 calls over 20 s: reported when the findings change (a burst joins the injection), not per call.
        expect(mediums.map((event) => event.threats.map((threat) => threat.name).join(","))).toEqual([
          "injection_shaped_arguments",
          "call_burst,injection_shaped_arguments"
        ])
        // The same findings a minute after the last report are reported again.
        const lastAt = mediums[1]!.at
        const now = yield* TestClock.currentTimeMillis
        yield* TestClock.adjust(lastAt + 60_000 - now)
        yield* monitor.assess(ctx, tools.searchGuests, sqlShaped)
        const later = (yield* events.all).filter((event) => event.kind === "threat_assessed" && event.level === "medium")
        expect(later).toHaveLength(3)
      }),
      { OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY: 0.5 }
    ))

  it.effect("with automatic incident response off, a high call is refused and reported, but nothing is blocked", () =>
    withMonitor(
      Effect.gen(function*() {
        const monitor = yield* ThreatMonitor
        const twoKinds = { surname: "' OR 1=1 --", city: "<script>x</script>" }
        expect((yield* Effect.flip(monitor.guard(ctx, tools.searchGuests, twoKinds)))._tag).toBe("ThreatBlocked")
        yield* TestClock.adjust(60_000)
        expect((yield* monitor.guard(ctx, tools.searchGuests, clean)).level).toBe("low")
        expect(yield* (yield* IncidentResponder).recentIncidents).toEqual([])
        const emitted = yield* (yield* CollectedSecurityEvents).all
        expect(emitted.map((event) => [event.kind, event.level])).toEqual([["threat_assessed", "high"]])
      }),
      { OPERA_SECURITY_ENABLE_AUTOMATIC_INCIDENT_RESPONSE: false }
    ))

  for (const setting of ["OPERA_SECURITY_ENABLE_SECURITY_MONITORING", "OPERA_SECURITY_ENABLE_ANOMALY_DETECTION"]) {
    it.effect(`${setting}=false: every call is low and nothing is kept`, () =>
      withMonitor(
        Effect.gen(function*() {
          const monitor = yield* ThreatMonitor
          for (let i = 0; i < 50; i++) {
            const assessment = yield* monitor.guard(ctx, tools.getGuestProfile, { profileId: `P${i}`, note: payload })
            expect(assessment).toEqual({ score: 0, level: "low", threats: [] })
            yield* monitor.record(ctx, tools.getGuestProfile, { success: false, errorTag: "OperaNotFound", durationMs: 1 })
          }
          const snapshot = yield* monitor.snapshot
          expect(snapshot).toMatchObject({ monitoring: false, threatLevel: "low", clients: [], blockedClients: [] })
          expect(yield* (yield* CollectedSecurityEvents).all).toEqual([])
        }),
        { [setting]: false }
      ))
  }
})

describe("custom detectors", () => {
  const nightFolios: ThreatDetector = {
    name: "night_folio_reads",
    detect: (_profile, call) =>
      call.tool.name === "get_folio" ? [{ name: "folio_read", score: 1.2, reason: "folio read by this client" }] : []
  }
  const broken: ThreatDetector = {
    name: "broken",
    detect: () => {
      throw new Error("bug in a hotel's rule")
    }
  }

  it.effect("a hotel's detector added as a Layer runs next to the built-ins; one that throws is skipped", () =>
    withMonitor(
      Effect.gen(function*() {
        const monitor = yield* ThreatMonitor
        expect((yield* monitor.guard(ctx, tools.getReservation, { reservationId: "R1" })).level).toBe("low")
        const refused = yield* Effect.flip(monitor.guard(ctx, tools.getFolio, { reservationId: "R1" }))
        expect(refused._tag).toBe("ThreatBlocked")
        const events = yield* (yield* CollectedSecurityEvents).all
        expect(events[0]!.threats.map((threat) => threat.detector)).toEqual(["night_folio_reads"])
      }),
      {},
      { detectors: ThreatDetectors.add(nightFolios, broken) }
    ))
})
