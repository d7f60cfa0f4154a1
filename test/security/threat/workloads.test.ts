import { vi } from "vitest"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { businessDayStart, frontDeskDay, hourMs } from "../../../scripts/workloads/frontDeskDay.js"
import { scrapingAttack } from "../../../scripts/workloads/scrapingAttack.js"
import { IncidentResponder } from "../../../src/security/IncidentResponder.js"
import { flagged, replay, withMonitor } from "./harness.js"

// Whole simulated days (or property runs) through the real services: CPU-bound, so a busy 2-core machine needs
// more than the default 30 s. Time inside them is TestClock time; nothing here waits on the wall clock.
vi.setConfig({ testTimeout: 120_000 })

describe("scripted workloads at the default sensitivity (0.7)", () => {
  it.effect("a normal front-desk day flags fewer than 2% of calls", () =>
    withMonitor(Effect.gen(function*() {
      const day = frontDeskDay()
      const results = yield* replay(day)
      const flaggedCalls = results.filter(flagged)
      const refused = results.filter((result) => Either.isLeft(result.verdict))
      const rate = flaggedCalls.length / results.length
      console.log(
        `[threat] front-desk day: ${results.length} calls, ${flaggedCalls.length} flagged ` +
          `(${(rate * 100).toFixed(2)}%), ${refused.length} refused`
      )
      expect(results.length).toBeGreaterThan(300)
      expect(rate).toBeLessThan(0.02)
      expect(refused).toEqual([])
    })))

  it.effect("a scraping attack amid the front-desk day is stopped within one minute of simulated time", () =>
    withMonitor(Effect.gen(function*() {
      const attackStart = businessDayStart + 10 * hourMs
      const attack = scrapingAttack({ start: attackStart })
      const results = yield* replay([...frontDeskDay(), ...attack])
      const firstRefusal = results.find((result) =>
        result.call.clientId === "rogue-agent" && Either.isLeft(result.verdict)
      )
      expect(firstRefusal).toBeDefined()
      const detectedAfterMs = firstRefusal!.call.at - attackStart
      const attackerCalls = results.filter((result) => result.call.clientId === "rogue-agent")
      const servedBeforeBlock = attackerCalls.filter((result) =>
        Either.isRight(result.verdict) && result.call.at < firstRefusal!.call.at
      )
      const profilesLeaked = new Set(servedBeforeBlock.flatMap((result) => result.call.outcome.guestIds ?? [])).size
      console.log(
        `[threat] scraping attack: ${attack.length} calls scripted, detected and blocked after ` +
          `${(detectedAfterMs / 1000).toFixed(1)} s of simulated time (${servedBeforeBlock.length} calls, ` +
          `${profilesLeaked} distinct profiles served before the block)`
      )
      expect(detectedAfterMs).toBeLessThanOrEqual(60_000)
      // Once blocked, the attacker gets nothing more for the rest of the attack.
      expect(attackerCalls.filter((result) => result.call.at > firstRefusal!.call.at)
        .every((result) => Either.isLeft(result.verdict))).toBe(true)
      // The front desk works on undisturbed.
      const desk = results.filter((result) => result.call.clientId === "front-desk-assistant")
      expect(desk.filter((result) => Either.isLeft(result.verdict))).toEqual([])
      const responder = yield* IncidentResponder
      const incidents = yield* responder.recentIncidents
      expect(incidents.map((incident) => incident.clientId)).toEqual(["rogue-agent"])
    })))
})
