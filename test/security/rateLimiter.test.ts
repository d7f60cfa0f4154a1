import { vi } from "vitest"
import { describe, expect, it } from "@effect/vitest"
import { Clock, ConfigProvider, Effect, Either, FastCheck as fc, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import type { OperaConnectionShape } from "../../src/connectors/opera/client/OperaConnection.js"
import { OperaConnection } from "../../src/connectors/opera/client/OperaConnection.js"
import { RateLimiter } from "../../src/security/RateLimiter.js"
import { UpstreamThrottle } from "../../src/connectors/opera/client/UpstreamThrottle.js"

// Whole simulated days (or property runs) through the real services: CPU-bound, so a busy 2-core machine needs
// more than the default 30 s. Time inside them is TestClock time; nothing here waits on the wall clock.
vi.setConfig({ testTimeout: 120_000 })

const minute = 60_000

const withSettings = (settings: Record<string, string | number | boolean>) =>
  Effect.withConfigProvider(
    ConfigProvider.fromMap(new Map(Object.entries(settings).map(([key, value]) => [key, String(value)])))
  )

const limiterSettings = (overrides: Record<string, string | number | boolean> = {}) => ({
  OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: 3,
  OPERA_SECURITY_AUTH_RATE_LIMIT_WINDOW_MINUTES: 1,
  OPERA_SECURITY_MAX_FAILED_ATTEMPTS: 3,
  OPERA_SECURITY_CLIENT_LOCKOUT_DURATION_MINUTES: 15,
  ...overrides
})

const withLimiter = <A, E>(
  program: (limiter: RateLimiter) => Effect.Effect<A, E>,
  overrides: Record<string, string | number | boolean> = {}
) =>
  RateLimiter.pipe(
    Effect.flatMap(program),
    Effect.provide(RateLimiter.Default),
    withSettings(limiterSettings(overrides))
  )

describe("RateLimiter call limits", () => {
  it.effect("refuses the call over the limit at once, with the exact wait, per client and per tool", () =>
    withLimiter((limiter) =>
      Effect.gen(function*() {
        yield* limiter.take("desk-1", "search_reservations")
        yield* TestClock.adjust(10_000)
        yield* limiter.take("desk-1", "search_reservations")
        yield* limiter.take("desk-1", "search_reservations")
        const refused = yield* Effect.flip(limiter.take("desk-1", "search_reservations"))
        expect(refused._tag).toBe("RateLimited")
        if (refused._tag !== "RateLimited") return
        // The first call (t=0) leaves the one-minute window at t=60s; now is t=10s.
        expect(refused.retryAfterMs).toBe(50_000)
        expect(refused.message).toContain("search_reservations")
        expect(refused.message).toContain("50 second")
        // Other tools and other clients have their own windows.
        yield* limiter.take("desk-1", "get_guest_profile")
        yield* limiter.take("desk-2", "search_reservations")
        yield* TestClock.adjust(refused.retryAfterMs - 1)
        expect((yield* Effect.flip(limiter.take("desk-1", "search_reservations")))._tag).toBe("RateLimited")
        yield* TestClock.adjust(1)
        yield* limiter.take("desk-1", "search_reservations")
      })
    ))

  it.effect("with rate limiting off, calls are not counted but a lockout still holds", () =>
    withLimiter((limiter) =>
      Effect.gen(function*() {
        for (let i = 0; i < 50; i++) yield* limiter.take("agent", "search_reservations")
        for (let i = 0; i < 3; i++) yield* limiter.recordFailure("agent", "authentication")
        const refused = yield* Effect.flip(limiter.take("agent", "search_reservations"))
        expect(refused._tag).toBe("ClientLockedOut")
      }), { OPERA_SECURITY_ENABLE_RATE_LIMITING: false }))

  it.effect.prop(
    "never more than N calls in any window of W minutes, and a refusal only when N were admitted",
    {
      limit: fc.integer({ min: 1, max: 5 }),
      windowMinutes: fc.integer({ min: 1, max: 3 }),
      steps: fc.array(
        fc.record({
          delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 4 * minute })),
          tool: fc.constantFrom("search_reservations", "get_guest_profile")
        }),
        { minLength: 1, maxLength: 40 }
      )
    },
    ({ limit, steps, windowMinutes }) =>
      withLimiter((limiter) =>
        Effect.gen(function*() {
          const windowMs = windowMinutes * minute
          const admitted = new Map<string, Array<number>>()
          for (const { delay, tool } of steps) {
            yield* TestClock.adjust(delay)
            const now = yield* Clock.currentTimeMillis
            const outcome = yield* Effect.either(limiter.take("client", tool))
            const history = admitted.get(tool) ?? []
            const inWindow = history.filter((instant) => instant > now - windowMs)
            if (Either.isRight(outcome)) {
              expect(inWindow.length).toBeLessThan(limit)
              admitted.set(tool, [...history, now])
            } else {
              expect(outcome.left._tag).toBe("RateLimited")
              if (outcome.left._tag !== "RateLimited") return
              expect(inWindow.length).toBe(limit)
              expect(outcome.left.retryAfterMs).toBe((inWindow[0] ?? 0) + windowMs - now)
            }
          }
          for (const instants of admitted.values()) {
            // Any limit + 1 admitted calls span at least one full window.
            for (let i = 0; i + limit < instants.length; i++) {
              expect((instants[i + limit] ?? 0) - (instants[i] ?? 0)).toBeGreaterThanOrEqual(windowMs)
            }
          }
        }), {
        OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: limit,
        OPERA_SECURITY_AUTH_RATE_LIMIT_WINDOW_MINUTES: windowMinutes
      }),
    { fastCheck: { numRuns: 100 } }
  )
})

describe("RateLimiter lockout", () => {
  it.effect("a burst of failures locks the client until the lockout ends, and the health check sees it", () =>
    withLimiter((limiter) =>
      Effect.gen(function*() {
        expect(yield* limiter.recordFailure("desk-1", "policy_refusal")).toEqual({ lockedOut: false, failures: 1 })
        yield* TestClock.adjust(minute)
        expect(yield* limiter.recordFailure("desk-1", "invalid_arguments")).toEqual({ lockedOut: false, failures: 2 })
        const verdict = yield* limiter.recordFailure("desk-1", "authentication")
        const until = minute + 15 * minute
        expect(verdict).toEqual({ lockedOut: true, lockoutUntil: until, newlyLockedOut: true })
        // Further failures neither extend nor re-announce the lockout.
        expect(yield* limiter.recordFailure("desk-1", "authentication")).toEqual({
          lockedOut: true,
          lockoutUntil: until,
          newlyLockedOut: false
        })
        const refused = yield* Effect.flip(limiter.take("desk-1", "search_reservations"))
        expect(refused).toMatchObject({ _tag: "ClientLockedOut", lockoutUntil: until })
        expect(refused.message).toContain("1970-01-01T00:16:00")
        expect(yield* limiter.lockouts).toEqual([{ clientId: "desk-1", until }])
        yield* limiter.take("desk-2", "search_reservations")

        yield* TestClock.adjust(15 * minute - 1)
        expect((yield* Effect.flip(limiter.take("desk-1", "search_reservations")))._tag).toBe("ClientLockedOut")
        yield* TestClock.adjust(1)
        yield* limiter.take("desk-1", "search_reservations")
        expect(yield* limiter.lockouts).toEqual([])
        // The count starts afresh after a lockout.
        expect(yield* limiter.recordFailure("desk-1", "authentication")).toEqual({ lockedOut: false, failures: 1 })
      })
    ))

  it.effect("failures further apart than the burst window do not lock the client", () =>
    withLimiter((limiter) =>
      Effect.gen(function*() {
        yield* limiter.recordFailure("desk-1", "authentication")
        yield* TestClock.adjust(10 * minute)
        yield* limiter.recordFailure("desk-1", "authentication")
        yield* TestClock.adjust(6 * minute)
        // The first failure (t=0) is out of the 15-minute window at t=16 min.
        expect(yield* limiter.recordFailure("desk-1", "authentication")).toEqual({ lockedOut: false, failures: 2 })
        yield* limiter.take("desk-1", "search_reservations")
      }), { OPERA_SECURITY_FAILED_ATTEMPTS_WINDOW_MINUTES: 15 }))

  it.effect("an incident block holds until its end and is never shortened", () =>
    withLimiter((limiter) =>
      Effect.gen(function*() {
        yield* limiter.lockOut("scraper", 60 * minute)
        yield* limiter.lockOut("scraper", 5 * minute)
        yield* TestClock.adjust(30 * minute)
        expect(yield* Effect.flip(limiter.take("scraper", "get_guest_profile"))).toMatchObject({
          _tag: "ClientLockedOut",
          lockoutUntil: 60 * minute
        })
        yield* TestClock.adjust(30 * minute)
        yield* limiter.take("scraper", "get_guest_profile")
      })
    ))
})

const throttledConnection: OperaConnectionShape = {
  baseUrl: "https://opera.example.test",
  clientId: "hotel-app",
  clientSecret: Redacted.make("not-a-real-secret"),
  clientSecretFile: Option.none(),
  appKey: Redacted.make("not-a-real-app-key"),
  enterpriseId: Option.none(),
  hotelId: "HOTEL1",
  scope: Option.none(),
  username: Option.none(),
  password: Option.none(),
  timeoutMs: 30_000
}

describe("UpstreamThrottle", () => {
  const withThrottle = <A, E>(program: (throttle: UpstreamThrottle) => Effect.Effect<A, E>, maxRps: number, maxWaitMs: number) =>
    UpstreamThrottle.pipe(
      Effect.flatMap(program),
      Effect.provide(UpstreamThrottle.Default.pipe(Layer.provide(Layer.succeed(OperaConnection, throttledConnection)))),
      withSettings({ OPERA_UPSTREAM_MAX_RPS: maxRps, OPERA_UPSTREAM_MAX_WAIT_MS: maxWaitMs })
    )

  it.effect("paces a burst to R per second and refuses what would wait too long", () =>
    withThrottle((throttle) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.forEach(
          Array.from({ length: 12 }, (_, i) => i),
          () => Effect.either(throttle.take.pipe(Effect.zipRight(Clock.currentTimeMillis))),
          { concurrency: "unbounded" }
        ).pipe(Effect.fork)
        yield* TestClock.adjust(5_000)
        const outcomes = yield* Fiber.join(fiber)
        const started = outcomes.filter(Either.isRight).map((outcome) => outcome.right)
        expect(started.filter((at) => at === 0)).toHaveLength(5)
        expect(started.filter((at) => at === 1000)).toHaveLength(5)
        const refused = outcomes.filter(Either.isLeft).map((outcome) => outcome.left)
        expect(refused).toHaveLength(2)
        expect(refused[0]).toMatchObject({ _tag: "UpstreamThrottled", retryAfterMs: 2000 })
      }), 5, 1500))

  it.effect.prop(
    "no one-second window holds more than R request starts",
    {
      maxRps: fc.integer({ min: 1, max: 8 }),
      arrivals: fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 60 })
    },
    ({ arrivals, maxRps }) =>
      withThrottle((throttle) =>
        Effect.gen(function*() {
          const starts: Array<number> = []
          const fibers = []
          for (const gap of arrivals) {
            yield* TestClock.adjust(gap)
            fibers.push(yield* Effect.fork(throttle.take.pipe(
              Effect.zipRight(Clock.currentTimeMillis),
              Effect.tap((at) => Effect.sync(() => starts.push(at)))
            )))
          }
          yield* TestClock.adjust(120_000)
          yield* Effect.forEach(fibers, Fiber.join)
          starts.sort((a, b) => a - b)
          expect(starts).toHaveLength(arrivals.length)
          for (let i = 0; i + maxRps < starts.length; i++) {
            expect((starts[i + maxRps] ?? 0) - (starts[i] ?? 0)).toBeGreaterThanOrEqual(1000)
          }
        }), maxRps, 60_000),
    { fastCheck: { numRuns: 60 } }
  )
})
