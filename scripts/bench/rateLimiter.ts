/**
 * RateLimiter decisions per second, as the pipeline calls it (`take`), with
 * the default limits: spread over many (client, tool) keys, and on one hot key
 * where nearly every decision is a refusal.
 */
import { ConfigProvider, Effect } from "effect"
import { performance } from "node:perf_hooks"
import { RateLimiter } from "../../src/security/RateLimiter.js"
import { admit } from "../../src/security/rateLimit/slidingLog.js"
import type { SlidingLog } from "../../src/security/rateLimit/slidingLog.js"
import { median } from "./stats.js"

export interface RateLimiterResult {
  readonly decisions: number
  /** 10,000 clients over 4 tools: every call admitted (the common case). */
  readonly spreadPerSecond: number
  /** One client and tool far over its limit: refusals. */
  readonly hotKeyPerSecond: number
  /** The sliding-window law alone (`admit` on a plain Map), without the Effect service around it. */
  readonly coreAdmitPerSecond: number
}

// The decision itself: 10,000 keys, 120 per minute, the clock moving 1 ms every 100 decisions.
const coreAdmit = (count: number) => {
  const logs = new Map<string, SlidingLog>()
  const started = performance.now()
  for (let index = 0; index < count; index++) {
    const key = `client-${index % 10_000}\u0000${tools[index % 4]}`
    logs.set(key, admit(logs.get(key) ?? [], Math.floor(index / 100), 120, 60_000).log)
  }
  return count / ((performance.now() - started) / 1000)
}

const tools = ["get_reservation", "search_reservations", "get_guest_profile", "list_arrivals"] as const

const decide = (limiter: RateLimiter, count: number, keyOf: (index: number) => readonly [string, string]) =>
  Effect.suspend(() => {
    const started = performance.now()
    return Effect.gen(function*() {
      for (let index = 0; index < count; index++) {
        const [clientId, tool] = keyOf(index)
        yield* Effect.either(limiter.take(clientId, tool))
      }
      return count / ((performance.now() - started) / 1000)
    })
  })

export const rateLimiterBench = (options: { readonly runs: number; readonly decisions: number }) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const spread: Array<number> = []
      const hot: Array<number> = []
      const core: Array<number> = []
      for (let run = 0; run < options.runs; run++) {
        // A fresh limiter per run, so windows from the previous run do not count.
        yield* Effect.scoped(Effect.gen(function*() {
          const limiter = yield* RateLimiter
          spread.push(yield* decide(limiter, options.decisions, (i) => [`client-${i % 10_000}`, tools[i % 4]!]))
          hot.push(yield* decide(limiter, options.decisions, () => ["hot-client", "get_reservation"]))
          core.push(coreAdmit(options.decisions))
        }).pipe(Effect.provide(RateLimiter.Default)))
      }
      return {
        decisions: options.decisions,
        spreadPerSecond: Math.round(median(spread)),
        hotKeyPerSecond: Math.round(median(hot)),
        coreAdmitPerSecond: Math.round(median(core))
      } satisfies RateLimiterResult
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
  )
