/**
 * RateLimiter decisions per second, as the pipeline calls it (`take`), with
 * the default limits: spread over many (client, tool) keys, and on one hot key
 * where nearly every decision is a refusal. Every decision runs the service's
 * own `take` Effect (read the Clock, decide, succeed or fail) inside one
 * running Effect; nothing is batched or bypassed.
 */
import { ConfigProvider, Effect } from "effect"
import { performance } from "node:perf_hooks"
import { RateLimiter } from "../../src/security/RateLimiter.js"
import { ClientLimits } from "../../src/security/rateLimit/ClientLimits.js"
import { median } from "./stats.js"

export interface RateLimiterResult {
  readonly decisions: number
  /** 10,000 clients over 4 tools: every call admitted (the common case). */
  readonly spreadPerSecond: number
  /** One client and tool far over its limit: refusals. */
  readonly hotKeyPerSecond: number
  /** The decision alone (`ClientLimits.decide`, the service's synchronous core), without the Effect around it. */
  readonly coreAdmitPerSecond: number
  /**
   * CPU time this process got over wall time while deciding (1 = a whole core).
   * Below ~0.9 other processes competed for the core and the figures above are depressed.
   */
  readonly cpuShare: number
}

const tools = ["get_reservation", "search_reservations", "get_guest_profile", "list_arrivals"] as const

// Client ids exist before the call (the pipeline passes ctx.clientId), so they are not built per decision.
const clients = Array.from({ length: 10_000 }, (_, index) => `client-${index}`)

// The decision itself: 10,000 clients over 4 tools, 120 per minute, the clock moving 1 ms every 100 decisions.
const coreAdmit = (count: number) => {
  const limits = new ClientLimits({
    enableRateLimiting: true,
    limit: 120,
    windowMs: 60_000,
    windowMinutes: 1,
    maxFailedAttempts: 5,
    failureWindowMs: 900_000,
    lockoutMs: 900_000
  })
  const started = performance.now()
  for (let index = 0; index < count; index++) {
    limits.decide(clients[index % 10_000]!, tools[index % 4]!, Math.floor(index / 100))
  }
  return count / ((performance.now() - started) / 1000)
}

/**
 * `count` decisions as a caller gets them: each one `yield*`s the service's
 * `take` Effect inside an Effect.gen, as the pipeline does (`Effect.either`
 * only so a refusal does not end the loop).
 */
const decide = (limiter: RateLimiter, count: number, clientOf: (index: number) => string, toolOf: (index: number) => string) =>
  Effect.suspend(() => {
    const started = performance.now()
    return Effect.gen(function*() {
      for (let index = 0; index < count; index++) {
        yield* Effect.either(limiter.take(clientOf(index), toolOf(index)))
      }
      return count / ((performance.now() - started) / 1000)
    })
  })

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6

export const rateLimiterBench = (options: { readonly runs: number; readonly decisions: number }) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const spread: Array<number> = []
      const hot: Array<number> = []
      const core: Array<number> = []
      const cpuBefore = process.cpuUsage()
      const wallBefore = performance.now()
      for (let run = 0; run < options.runs; run++) {
        // A fresh limiter per run, so windows from the previous run do not count.
        yield* Effect.scoped(Effect.gen(function*() {
          const limiter = yield* RateLimiter
          spread.push(yield* decide(limiter, options.decisions, (i) => clients[i % 10_000]!, (i) => tools[i % 4]!))
          hot.push(yield* decide(limiter, options.decisions, () => "hot-client", () => "get_reservation"))
          core.push(coreAdmit(options.decisions))
        }).pipe(Effect.provide(RateLimiter.Default)))
      }
      return {
        decisions: options.decisions,
        spreadPerSecond: Math.round(median(spread)),
        hotKeyPerSecond: Math.round(median(hot)),
        coreAdmitPerSecond: Math.round(median(core)),
        cpuShare: Math.round(cpuSeconds(process.cpuUsage(cpuBefore)) / ((performance.now() - wallBefore) / 1000) * 100) / 100
      } satisfies RateLimiterResult
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
  )
