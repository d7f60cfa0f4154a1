import { Clock, Config, Effect, Ref } from "effect"
import { wholeNumber } from "../config/settings.js"
import { UpstreamThrottled } from "./errors.js"
import { recent } from "./rateLimit/slidingLog.js"
import type { SlidingLog } from "./rateLimit/slidingLog.js"

/**
 * `OPERA_UPSTREAM_MAX_RPS` (default 50, OHIP's documented throttle per
 * environment) and `OPERA_UPSTREAM_MAX_WAIT_MS` (default 1000): how long one
 * request may be held back before it is refused instead.
 */
export const upstreamThrottleConfig = Config.all({
  maxRps: wholeNumber("OPERA_UPSTREAM_MAX_RPS", { min: 1, max: 10_000 }).pipe(Config.withDefault(50)),
  maxWaitMs: wholeNumber("OPERA_UPSTREAM_MAX_WAIT_MS", { min: 0, max: 60_000 }).pipe(Config.withDefault(1000))
})

const second = 1000

/**
 * The pace of all OPERA traffic from this process: at most `maxRps` requests
 * start in any one-second window, whichever tool sends them.
 *
 * Each request reserves the earliest start instant (a "slot") that keeps the
 * bound: now, or one second after the slot `maxRps` places back. Slots are
 * handed out in non-decreasing order, so the reservation log stays sorted and
 * the newest slot only has to be checked against the window ending at it. A
 * request waits for its slot (our own pacing, so a short delay is fine) unless
 * the wait would exceed `maxWaitMs`; then it is refused without reserving.
 * A request interrupted while waiting keeps its slot: the pace only gets slower.
 */
export class UpstreamThrottle extends Effect.Service<UpstreamThrottle>()("opera/UpstreamThrottle", {
  effect: Effect.gen(function*() {
    const { maxRps, maxWaitMs } = yield* upstreamThrottleConfig
    const slots = yield* Ref.make<SlidingLog>([])

    /** Wait for this request's turn toward OHIP, or fail at once when the wait would be too long. */
    const take = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const waitMs = yield* Ref.modify(slots, (log): readonly [number, SlidingLog] => {
        const counted = recent(log, now, second)
        const blocking = counted.length < maxRps ? undefined : counted[counted.length - maxRps]
        const slot = blocking === undefined ? now : Math.max(now, blocking + second)
        if (slot - now > maxWaitMs) return [slot - now, counted]
        const next = [...counted, slot]
        return [slot - now, next.length > maxRps ? next.slice(next.length - maxRps) : next]
      })
      if (waitMs > maxWaitMs) return yield* UpstreamThrottled.after(waitMs, maxRps)
      if (waitMs > 0) yield* Effect.sleep(waitMs)
    }).pipe(Effect.withSpan("UpstreamThrottle.take"))

    return { take, maxRps, maxWaitMs } as const
  })
}) {}
