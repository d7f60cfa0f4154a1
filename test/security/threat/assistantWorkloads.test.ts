import { vi } from "vitest"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import {
  arrivalsPreparation,
  enumerationAttack,
  groupBlockPickUp,
  nightAuditSummary
} from "../../../scripts/workloads/assistantWorkloads.js"
import type { WorkloadCall } from "../../../scripts/workloads/frontDeskDay.js"
import { businessDayStart, frontDeskDay, hourMs, tools } from "../../../scripts/workloads/frontDeskDay.js"
import { scrapingAttack } from "../../../scripts/workloads/scrapingAttack.js"
import { IncidentResponder } from "../../../src/security/IncidentResponder.js"
import { flagged, replay, withMonitor } from "./harness.js"

// Whole simulated days (or property runs) through the real services: CPU-bound, so a busy 2-core machine needs
// more than the default 30 s. Time inside them is TestClock time; nothing here waits on the wall clock.
vi.setConfig({ testTimeout: 120_000 })

const listHotelsBurst = (): ReadonlyArray<WorkloadCall> =>
  Array.from({ length: 25 }, (_, index) => ({
    at: businessDayStart + 9 * hourMs + index * 400,
    clientId: "hotel-lister",
    tool: tools.listHotels,
    args: {},
    outcome: { success: true, durationMs: 20 }
  }))

const workloads: ReadonlyArray<readonly [string, () => ReadonlyArray<WorkloadCall>]> = [
  ["25 list_hotels in 10 s", listHotelsBurst],
  ["preparing the day's arrivals", () => arrivalsPreparation()],
  ["a night-audit summary", () => nightAuditSummary()],
  ["picking up a group block", () => groupBlockPickUp()]
]

describe("assistant workloads at the default sensitivity (0.7)", () => {
  for (const [name, calls] of workloads) {
    it.effect(`${name}: no block, fewer than 2% of calls flagged`, () =>
      withMonitor(Effect.gen(function*() {
        const results = yield* replay(calls())
        const flaggedCalls = results.filter(flagged)
        const refused = results.filter((result) => Either.isLeft(result.verdict))
        const span = (results.at(-1)!.call.at - results[0]!.call.at) / 1000
        console.log(
          `[threat] ${name}: ${results.length} calls in ${span.toFixed(0)} s, ${flaggedCalls.length} flagged ` +
            `(${((flaggedCalls.length / results.length) * 100).toFixed(2)}%), ${refused.length} blocked`
        )
        expect(refused).toEqual([])
        expect(flaggedCalls.length / results.length).toBeLessThan(0.02)
        expect(yield* (yield* IncidentResponder).recentIncidents).toEqual([])
      })))
  }

  for (const [name, attack, client] of [
    ["a scraping attack", () => scrapingAttack({ start: businessDayStart + 10 * hourMs }), "rogue-agent"],
    ["an enumeration attack", () => enumerationAttack({ start: businessDayStart + 10 * hourMs }), "enumerator"]
  ] as const) {
    it.effect(`${name} amid the assistants' day is blocked within a minute`, () =>
      withMonitor(Effect.gen(function*() {
        const attackStart = businessDayStart + 10 * hourMs
        const results = yield* replay([...frontDeskDay(), ...arrivalsPreparation(), ...groupBlockPickUp(), ...attack()])
        const first = results.find((result) => result.call.clientId === client && Either.isLeft(result.verdict))
        expect(first).toBeDefined()
        const after = first!.call.at - attackStart
        const served = results.filter((result) => result.call.clientId === client && result.call.at < first!.call.at).length
        console.log(`[threat] ${name}: blocked after ${(after / 1000).toFixed(1)} s of simulated time (${served} calls served)`)
        expect(after).toBeLessThanOrEqual(60_000)
        expect(results.filter((result) => result.call.clientId !== client && Either.isLeft(result.verdict))).toEqual([])
        const incidents = yield* (yield* IncidentResponder).recentIncidents
        expect(incidents.map((incident) => incident.clientId)).toEqual([client])
      })))
  }
})
