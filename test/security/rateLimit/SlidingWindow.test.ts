import { describe, expect, it } from "@effect/vitest"
import { Exit, FastCheck as fc } from "effect"
import { ClientLimits } from "../../../src/security/rateLimit/ClientLimits.js"
import type { SlidingLog } from "../../../src/security/rateLimit/slidingLog.js"
import { admit, append, recent } from "../../../src/security/rateLimit/slidingLog.js"
import { SlidingWindow } from "../../../src/security/rateLimit/SlidingWindow.js"

// Gaps mostly forward, sometimes zero, sometimes backward (a wall clock stepped back).
const gap = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: -30, max: 0 }))

describe("SlidingWindow", () => {
  it.prop("admits and refuses exactly as the pure sliding-window law, with the same wait", {
    limit: fc.integer({ min: 1, max: 6 }),
    windowMs: fc.integer({ min: 1, max: 300 }),
    gaps: fc.array(gap, { minLength: 1, maxLength: 300 })
  }, ({ gaps, limit, windowMs }) => {
    const window = new SlidingWindow(windowMs, limit)
    let log: SlidingLog = []
    let now = 1_000
    for (const step of gaps) {
      now += step
      const expected = admit(log, now, limit, windowMs)
      log = expected.log
      expect(window.admit(now, limit)).toBe(expected.admitted ? 0 : expected.retryAfterMs)
      expect(window.counted(now)).toBe(recent(log, now, windowMs).length)
    }
  }, { fastCheck: { numRuns: 300 } })

  it.prop("records failures as the pure `append`, keeping the newest `keep`", {
    keep: fc.integer({ min: 1, max: 6 }),
    windowMs: fc.integer({ min: 1, max: 300 }),
    gaps: fc.array(gap, { minLength: 1, maxLength: 300 })
  }, ({ gaps, keep, windowMs }) => {
    const window = new SlidingWindow(windowMs, keep)
    let log: SlidingLog = []
    let now = 1_000
    for (const step of gaps) {
      now += step
      log = append(log, now, windowMs, keep)
      expect(window.record(now)).toBe(log.length)
    }
  }, { fastCheck: { numRuns: 300 } })

  it("holds at most the limit however long the flood, and is idle once the window passed", () => {
    const window = new SlidingWindow(1_000, 3)
    for (let now = 0; now < 100_000; now++) window.admit(now, 3)
    expect(window.counted(99_999)).toBe(3)
    expect(window.isIdle(100_001)).toBe(false)
    expect(window.isIdle(100_002)).toBe(true)
  })
})

describe("ClientLimits", () => {
  const limits = () =>
    new ClientLimits({
      enableRateLimiting: true,
      limit: 2,
      windowMs: 60_000,
      windowMinutes: 1,
      maxFailedAttempts: 2,
      failureWindowMs: 60_000,
      lockoutMs: 600_000
    })

  it("hands out one refusal per wait, and a fresh one when the wait changes", () => {
    const core = limits()
    expect(core.decide("desk", "get_reservation", 0)).toBe(Exit.void)
    expect(core.decide("desk", "get_reservation", 10)).toBe(Exit.void)
    const first = core.decide("desk", "get_reservation", 20)
    expect(core.decide("desk", "get_reservation", 20)).toBe(first)
    const later = core.decide("desk", "get_reservation", 21)
    expect(later).not.toBe(first)
    expect(later).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "RateLimited", retryAfterMs: 59_979 } } })
  })

  it("a lockout refuses every tool with the same error until it ends, and the sweep forgets idle clients", () => {
    const core = limits()
    core.decide("idle", "list_hotels", 0)
    expect(core.recordFailure("desk", 0)).toEqual({ lockedOut: false, failures: 1 })
    expect(core.recordFailure("desk", 1)).toEqual({ lockedOut: true, lockoutUntil: 600_001, newlyLockedOut: true })
    const refusal = core.decide("desk", "get_reservation", 2)
    expect(refusal).toMatchObject({ cause: { error: { _tag: "ClientLockedOut", lockoutUntil: 600_001 } } })
    expect(core.decide("desk", "search_reservations", 3)).toBe(refusal)
    expect(core.lockouts(4)).toEqual([{ clientId: "desk", until: 600_001 }])
    core.sweep(120_000)
    expect(core.size).toBe(1)
    core.sweep(600_001)
    expect(core.size).toBe(0)
    expect(core.decide("desk", "get_reservation", 600_001)).toBe(Exit.void)
  })
})
