import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import type { BehaviourProfile } from "../../../src/security/threat/BehaviourProfile.js"
import {
  attemptsWithin,
  callsMatchingWithin,
  ClientBehaviour,
  countCallsWithin,
  distinctGuestsWithin,
  minuteMs
} from "../../../src/security/threat/BehaviourProfile.js"
import type { RecordedCall } from "../../../src/security/threat/model.js"
import type { WindowAggregate } from "../../../src/security/threat/WindowedLog.js"
import { WindowedLog } from "../../../src/security/threat/WindowedLog.js"

const recorded = (at: number, guests: ReadonlyArray<string>, writes: boolean, success: boolean): RecordedCall => ({
  at,
  tool: writes ? "create_reservation" : "get_guest_profile",
  writes,
  destructive: false,
  touchesGuestData: true,
  success,
  guests
})

// A plain copy: the queries scan it from the newest entry, as the profile did before the windows.
const plain = (profile: ClientBehaviour): BehaviourProfile => ({
  attempts: [...profile.attempts],
  calls: [...profile.calls],
  raisedUntil: profile.raisedUntil,
  lastLevel: profile.lastLevel,
  lastAssessedAt: profile.lastAssessedAt
})

const isWrite = (call: RecordedCall) => call.writes
const failed = (call: RecordedCall) => !call.success

const step = fc.record({
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 30 * minuteMs })),
  kind: fc.constantFrom("attempt", "call"),
  guests: fc.array(fc.constantFrom("g1", "g2", "g3", "g4", "g5", "g6"), { maxLength: 3 }),
  writes: fc.boolean(),
  success: fc.boolean(),
  // Queries sometimes look from an earlier instant, so windows also move back.
  lookBack: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20 * minuteMs }))
})

describe("ClientBehaviour windows", () => {
  it.prop("answer every query as a scan of the whole history does", {
    steps: fc.array(step, { minLength: 1, maxLength: 120 }),
    windowMs: fc.constantFrom(10_000, 60_000, 5 * minuteMs, 10 * minuteMs, 60 * minuteMs, 2 * 60 * minuteMs)
  }, ({ steps, windowMs }) => {
    const profile = new ClientBehaviour()
    let now = 1_700_000_000_000
    for (const { gap, guests, kind, lookBack, success, writes } of steps) {
      now += gap
      if (kind === "attempt") profile.attempt(now)
      else profile.record(recorded(now, guests, writes, success))
      const at = now - lookBack
      const reference = plain(profile)
      expect(attemptsWithin(profile, at, windowMs)).toBe(attemptsWithin(reference, at, windowMs))
      expect(distinctGuestsWithin(profile, at, windowMs)).toBe(distinctGuestsWithin(reference, at, windowMs))
      expect(countCallsWithin(profile, at, windowMs, failed)).toBe(countCallsWithin(reference, at, windowMs, failed))
      expect(callsMatchingWithin(profile, at, windowMs, isWrite)).toEqual(callsMatchingWithin(reference, at, windowMs, isWrite))
    }
  }, { fastCheck: { numRuns: 200 } })

  it("drops the oldest calls past the capacity from every window", () => {
    const profile = new ClientBehaviour()
    const start = 1_700_000_000_000
    for (let i = 0; i < 6_000; i++) profile.record(recorded(start + i, [`g${i}`], i < 1_500, true))
    const now = start + 6_000
    expect(profile.calls).toHaveLength(5_000)
    expect(distinctGuestsWithin(profile, now, 60 * minuteMs)).toBe(5_000)
    // The first 1,000 of the 1,500 writes were pushed out by the capacity.
    expect(callsMatchingWithin(profile, now, 60 * minuteMs, isWrite)).toHaveLength(500)
    expect(distinctGuestsWithin(profile, now, 60 * minuteMs)).toBe(distinctGuestsWithin(plain(profile), now, 60 * minuteMs))
  })
})

describe("WindowedLog", () => {
  // Counts the work done for a window, to check its cost does not grow with the history.
  const countingAggregate = () => {
    const work = { steps: 0 }
    const aggregate: WindowAggregate<number> = {
      add: () => void work.steps++,
      remove: () => void work.steps++
    }
    return { work, aggregate }
  }

  it("touches each entry at most twice per window while the clock moves forward, however long the history", () => {
    const log = new WindowedLog<number>((at) => at, 60 * minuteMs, 100_000)
    const { aggregate, work } = countingAggregate()
    const appended = 50_000
    for (let now = 0; now < appended; now++) {
      log.append(now * 100, now * 100)
      const view = log.window("count", 10_000, now * 100, () => aggregate)
      expect(view.end - view.start).toBe(Math.min(now + 1, 100))
    }
    expect(work.steps).toBeLessThanOrEqual(2 * appended)
    expect(work.steps).toBeGreaterThanOrEqual(2 * appended - 100)
  })

  it("answers a rule that names a new window on every call (past the kept windows, one-off ones)", () => {
    const log = new WindowedLog<number>((at) => at, 60 * minuteMs, 5_000)
    for (let now = 0; now < 1_000; now++) {
      log.append(now, now)
      const view = log.window({}, 500, now, () => countingAggregate().aggregate)
      expect(view.end - view.start).toBe(Math.min(now + 1, 500))
    }
    expect(log.size).toBe(1_000)
  })
})
