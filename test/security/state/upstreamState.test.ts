import { NodeFileSystem, NodeHttpClient } from "@effect/platform-node"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Clock, ConfigProvider, Context, Deferred, Duration, Effect, Either, FastCheck as fc, Fiber, Layer, Logger, ManagedRuntime, Option, Redacted, TestClock } from "effect"
import { Redis } from "ioredis"
import { randomBytes } from "node:crypto"
import type { OperaConnectionShape } from "../../../src/connectors/opera/client/OperaConnection.js"
import { OperaConnection } from "../../../src/connectors/opera/client/OperaConnection.js"
import { SecurityConfig } from "../../../src/config/SecurityConfig.js"
import { TokenCache } from "../../../src/connectors/opera/client/TokenCache.js"
import { makeSharedTokenStore, TokenStoreForState } from "../../../src/connectors/opera/client/TokenSharedStore.js"
import type { CachedToken } from "../../../src/connectors/opera/client/TokenStore.js"
import { Sandbox } from "../../../src/connectors/opera/sandbox/Sandbox.js"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { InProcessStateStore } from "../../../src/security/state/InProcessStateStore.js"
import { RedisStateStore } from "../../../src/security/state/RedisStateStore.js"
import { StateStore } from "../../../src/security/state/StateStore.js"
import { admissionSlotSlackMs, makeInProcessUpstreamState } from "../../../src/security/state/upstreamState.js"
import { UpstreamThrottle } from "../../../src/connectors/opera/client/UpstreamThrottle.js"
import { breathe, eventually } from "../../connectors/opera/client/harness.js"
import type { RedisServer } from "../../support/redisServer.js"
import { redisMissing, startRedis } from "../../support/redisServer.js"

const stateKey = "a-shared-key-of-the-replicas-0123456789abcdef"
type Store = ManagedRuntime.ManagedRuntime<StateStore, unknown>

const storeRuntime = (store: Layer.Layer<StateStore, unknown, SecurityConfig>, settings: Record<string, string>): Store =>
  ManagedRuntime.make(store.pipe(
    Layer.provide(SecurityConfig.Default),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({
      OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
      ...settings
    })))))
  ))

const upstream = <A, E>(runtime: Store, use: (store: StateStore["Type"]["upstream"]) => Effect.Effect<A, E>) =>
  runtime.runPromise(Effect.flatMap(StateStore, (store) => use(store.upstream)))

/** Request starts as the throttle would run them: arrival + the wait it was given, unless refused. */
const startsOf = async (stores: ReadonlyArray<Store>, key: string, arrivals: ReadonlyArray<number>, max: number, maxWaitMs: number) => {
  const answers: Array<number> = []
  let now = 1_000_000
  for (const [index, gap] of arrivals.entries()) {
    now += gap
    const at = now
    const store = stores[index % stores.length]
    if (store === undefined) throw new Error("no store")
    answers.push(await upstream(store, (state) => state.pace(key, max, maxWaitMs, at)))
  }
  let clock = 1_000_000
  return answers.map((waitMs, index) => {
    clock += arrivals[index] ?? 0
    return { arrivedAt: clock, waitMs, startsAt: waitMs > maxWaitMs ? undefined : clock + waitMs }
  })
}

const withinBound = (starts: ReadonlyArray<number>, max: number) => {
  const sorted = [...starts].sort((a, b) => a - b)
  return sorted.every((start, index) => index + max >= sorted.length || (sorted[index + max] ?? 0) - start >= 1000)
}

describe.skipIf(redisMissing !== undefined)("upstream state (the OPERA throttle and token) in a real Redis", () => {
  let redis: RedisServer
  const runtimes: Array<{ dispose: () => Promise<void> }> = []
  const redisStore = () => {
    const made = storeRuntime(RedisStateStore, { OPERA_MCP_STATE_URL: redis.url, OPERA_MCP_STATE_KEY: stateKey })
    runtimes.push(made)
    return made
  }
  const inProcessStore = () => {
    const made = storeRuntime(InProcessStateStore, {})
    runtimes.push(made)
    return made
  }

  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await Promise.all(runtimes.map((made) => made.dispose()))
    await redis.dispose()
  })

  it("the throttle over two replicas on Redis decides exactly as one in-process server, within the bound", async () => {
    const [a, b, local] = [redisStore(), redisStore(), inProcessStore()]
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 40 }),
        async (max, maxWaitMs, arrivals) => {
          run++
          const shared = await startsOf([a, b], `app-${run}`, arrivals, max, maxWaitMs)
          const alone = await startsOf([local], `app-${run}`, arrivals, max, maxWaitMs)
          expect(shared.map((answer) => answer.waitMs)).toEqual(alone.map((answer) => answer.waitMs))
          const started = shared.flatMap((answer) => answer.startsAt === undefined ? [] : [answer.startsAt])
          expect(withinBound(started, max)).toBe(true)
          // Refused only when the wait would pass maxWaitMs; everything else starts.
          for (const answer of shared) expect(answer.startsAt === undefined).toBe(answer.waitMs > maxWaitMs)
        }
      ),
      { numRuns: 25 }
    )
  })

  it("slots reserved with reads' admissions, fresh slots and slots given back, over two replicas: the bound on starts holds", async () => {
    const [a, b] = [redisStore(), redisStore()]
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 120 }),
            // How the request gets its slot: with the read's admission (and starts up to the slack late, or never),
            // or as it starts (a write, a second request).
            kind: fc.constantFrom("admission", "admission", "fresh", "unused"),
            late: fc.integer({ min: 0, max: admissionSlotSlackMs })
          }),
          { minLength: 1, maxLength: 40 }
        ),
        async (max, requests) => {
          run++
          const key = `mixed-${run}-${randomBytes(4).toString("hex")}`
          const pace = { key, maxPerSecond: max, maxWaitMs: 2000 }
          const starts: Array<number> = []
          let now = 2_000_000
          for (const [index, request] of requests.entries()) {
            now += request.gap
            const at = now
            const store = index % 2 === 0 ? a : b
            if (request.kind === "fresh") {
              const waitMs = await upstream(store, (state) => state.pace(key, max, 2000, at))
              if (waitMs <= 2000) starts.push(at + waitMs)
              continue
            }
            const admitted = await store.runPromise(Effect.flatMap(StateStore, (state) =>
              state.admit(`client-${index}`, `client-${index}\u0000get_reservation`, 0, 60_000, at, undefined, undefined, pace)
            ))
            const slot = admitted._tag === "Admitted" ? admitted.slot : undefined
            if (slot === undefined) continue
            if (request.kind === "unused") {
              // Given back with the call's outcome, as the pipeline does for a call that made no request.
              await store.runPromise(Effect.flatMap(StateStore, (state) =>
                state.syncBehaviour(`client-${index}`, { releaseSlot: slot }, { generation: "", attempts: 0, calls: 0 }, {
                  horizonMs: 60_000,
                  capacity: 10
                }, at)
              ))
              continue
            }
            starts.push(Math.max(at, slot.at) + request.late)
          }
          expect(withinBound(starts, max)).toBe(true)
        }
      ),
      { numRuns: 30 }
    )
  })

  it("a burst of 120 requests from three replicas at one instant: 50 now, 50 one second later, the rest refused", async () => {
    const replicas = [redisStore(), redisStore(), redisStore()]
    const waits = await Promise.all(Array.from({ length: 120 }, (_, index) =>
      upstream(replicas[index % 3] as Store, (state) => state.pace("burst-app", 50, 1000, 5_000_000))
    ))
    expect(waits.filter((wait) => wait === 0)).toHaveLength(50)
    expect(waits.filter((wait) => wait === 1000)).toHaveLength(50)
    expect(waits.filter((wait) => wait > 1000)).toHaveLength(20)
  })

  // The same claim, fence and publish rules on both backends.
  for (const backend of ["redis", "in-process"] as const) {
    it(`${backend}: one refresh claim at a time, fenced publishes, claims that lapse by themselves`, async () => {
      const [first, second] = backend === "redis" ? [redisStore(), redisStore()] : (() => {
        const one = inProcessStore()
        return [one, one]
      })()
      const key = `claims-${randomBytes(4).toString("hex")}`
      const now = Date.now()
      const fence = Option.getOrThrow(await upstream(first, (state) => state.claimTokenRefresh(key, 60_000, now)))
      expect(await upstream(second, (state) => state.claimTokenRefresh(key, 60_000, now))).toEqual(Option.none())
      expect(await upstream(first, (state) => state.publishToken(key, "sealed-1", Option.some(fence), now + 60_000, now))).toBe(true)
      // Publishing released the claim: the next holder gets a later fence.
      const next = Option.getOrThrow(await upstream(second, (state) => state.claimTokenRefresh(key, 60_000, now)))
      expect(next).toBeGreaterThan(fence)
      expect(await upstream(second, (state) => state.publishToken(key, "sealed-2", Option.some(next), now + 60_000, now))).toBe(true)
      // A holder that comes back late with an older fence cannot overwrite the newer token.
      expect(await upstream(first, (state) => state.publishToken(key, "sealed-late", Option.some(fence), now + 60_000, now))).toBe(false)
      expect(Option.map(await upstream(first, (state) => state.sharedToken(key, now)), (held) => held.sealed)).toEqual(Option.some("sealed-2"))
      // A rotation publishes under a fresh fence; a refused token is dropped only while it is still the one there.
      expect(await upstream(first, (state) => state.publishToken(key, "sealed-rotated", Option.none(), now + 60_000, now))).toBe(true)
      const held = Option.getOrThrow(await upstream(second, (state) => state.sharedToken(key, now)))
      await upstream(second, (state) => state.dropToken(key, { ...held, sealed: "sealed-2" }))
      expect(Option.isSome(await upstream(second, (state) => state.sharedToken(key, now)))).toBe(true)
      await upstream(second, (state) => state.dropToken(key, held))
      expect(await upstream(second, (state) => state.sharedToken(key, now))).toEqual(Option.none())
      // A claim whose holder never comes back lapses after holdMs (Redis: PX in real time; in-process: the callers' clock).
      const lapsing = Option.getOrThrow(await upstream(first, (state) => state.claimTokenRefresh(key, 150, now)))
      expect(await upstream(second, (state) => state.claimTokenRefresh(key, 150, now + 10))).toEqual(Option.none())
      if (backend === "redis") await new Promise((resolve) => setTimeout(resolve, 250))
      const after = await upstream(second, (state) => state.claimTokenRefresh(key, 150, now + 250))
      expect(Option.getOrThrow(after)).toBeGreaterThan(lapsing)
      // A release by someone who no longer holds the claim changes nothing.
      await upstream(first, (state) => state.releaseTokenRefresh(key, lapsing))
      expect(await upstream(first, (state) => state.claimTokenRefresh(key, 150, now + 260))).toEqual(Option.none())
    })
  }

  describe("TokenCache on three replicas sharing one Redis", () => {
    const sandboxRuntime = ManagedRuntime.make(Sandbox.layer())
    const logs: Array<string> = []
    const auditKey = randomBytes(32).toString("base64")
    type Replica = ManagedRuntime.ManagedRuntime<TokenCache | StateStore, unknown>

    const tokenReplica = async (key = auditKey): Promise<Replica> => {
      const sandbox = await sandboxRuntime.runPromise(Sandbox)
      const settings = {
        OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key,
        OPERA_MCP_STATE_URL: redis.url,
        OPERA_MCP_STATE_KEY: stateKey
      }
      const made = ManagedRuntime.make(
        TokenCache.Default.pipe(
          Layer.provide(TokenStoreForState),
          Layer.provide(AuditLog.Default),
          Layer.provideMerge(RedisStateStore),
          Layer.provide(Layer.mergeAll(
            Layer.succeed(OperaConnection, sandbox.connection),
            NodeHttpClient.layerUndici,
            NodeFileSystem.layer
          )),
          Layer.provideMerge(SecurityConfig.Default),
          Layer.provide(Logger.replace(
            Logger.defaultLogger,
            Logger.make(({ annotations, message }) => logs.push(JSON.stringify({ message, annotations: [...annotations] })))
          )),
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
        )
      )
      runtimes.push(made)
      return made
    }
    const tokenOf = (replica: Replica) => replica.runPromise(Effect.flatMap(TokenCache, (cache) => cache.get)).then(Redacted.value)
    const sandboxTokenRequests = () => sandboxRuntime.runPromise(Effect.flatMap(Sandbox, (sandbox) => sandbox.tokenRequests))
    const tokenKeys = () => redis.dump().split("\n").filter((line) => line.startsWith("opera-mcp:oauth:token:"))

    afterAll(() => sandboxRuntime.dispose())

    it.live("three cold replicas make exactly one token request, share the token, and Redis holds it sealed only", () =>
      Effect.promise(async () => {
        const replicas = await Promise.all([tokenReplica(), tokenReplica(), tokenReplica()])
        const tokens = await Promise.all(replicas.flatMap((replica) => [tokenOf(replica), tokenOf(replica), tokenOf(replica)]))
        expect(new Set(tokens).size).toBe(1)
        expect(await sandboxTokenRequests()).toBe(1)
        // A replica started later adopts the shared token without asking OPERA.
        const late = await tokenReplica()
        expect(await tokenOf(late)).toBe(tokens[0])
        expect(await sandboxTokenRequests()).toBe(1)
        const contents = redis.dump()
        expect(tokenKeys()).toHaveLength(1)
        const sandbox = await sandboxRuntime.runPromise(Sandbox)
        for (const secret of [tokens[0] ?? "?", Redacted.value(sandbox.credentials.clientSecret), Redacted.value(sandbox.credentials.appKey), auditKey, stateKey]) {
          expect(contents).not.toContain(secret)
        }
        expect(logs.join("\n")).not.toContain(tokens[0] ?? "?")
      }))

    it.live("a sealed token that does not open (tampered, or another key) is treated as absent, logged without secrets, and replaced", () =>
      Effect.promise(async () => {
        await tokenOf(await tokenReplica())
        const [key] = tokenKeys()
        if (key === undefined) throw new Error("no shared token in Redis")
        const client = new Redis({ host: "127.0.0.1", port: redis.port, lazyConnect: true })
        await client.connect()
        const held = await client.get(key)
        const [fence, sealed] = [held?.slice(0, held.indexOf("|")), held?.slice(held.indexOf("|") + 1) ?? ""]
        const flipped = Buffer.from(sealed, "base64")
        flipped[20] = (flipped[20] ?? 0) ^ 1
        await client.set(key, `${fence}|${flipped.toString("base64")}`, "PX", 600_000)
        const before = await sandboxTokenRequests()
        logs.length = 0
        const fresh = await tokenReplica()
        const token = await tokenOf(fresh)
        expect(await sandboxTokenRequests()).toBe(before + 1)
        expect(logs.join("\n")).toContain("shared OPERA token refused")
        // Replaced: another replica with the right key adopts the new token without a request.
        expect(await tokenOf(await tokenReplica())).toBe(token)
        expect(await sandboxTokenRequests()).toBe(before + 1)
        // A replica with another master key cannot open it either: it fetches its own and replaces it.
        const foreign = await tokenReplica(randomBytes(32).toString("base64"))
        const foreignToken = await tokenOf(foreign)
        expect(foreignToken).not.toBe(token)
        expect(await sandboxTokenRequests()).toBe(before + 2)
        expect((await client.get(key))?.includes(foreignToken)).toBe(false)
        expect(logs.join("\n")).not.toContain(token)
        expect(logs.join("\n")).not.toContain(foreignToken)
        // A value that is not even a sealed record is replaced too.
        await client.set(key, "garbage without a fence", "PX", 600_000)
        const afterGarbage = await tokenOf(await tokenReplica())
        expect(await sandboxTokenRequests()).toBe(before + 3)
        expect(await tokenOf(await tokenReplica())).toBe(afterGarbage)
        expect(await sandboxTokenRequests()).toBe(before + 3)
        await client.quit()
      }))
  })
})

/** One replica's OPERA side over Redis: its TokenCache, its throttle and its store, under the caller's Clock. */
const operaReplica = (connection: OperaConnectionShape, settings: Record<string, string>) =>
  Layer.mergeAll(
    TokenCache.Default.pipe(Layer.provide(TokenStoreForState), Layer.provide(AuditLog.Default)),
    UpstreamThrottle.DefaultWithoutDependencies
  ).pipe(
    Layer.provideMerge(RedisStateStore),
    Layer.provide(Layer.mergeAll(Layer.succeed(OperaConnection, connection), NodeHttpClient.layerUndici, NodeFileSystem.layer)),
    Layer.provideMerge(SecurityConfig.Default),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({
      OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
      OPERA_MCP_STATE_KEY: stateKey,
      OPERA_MCP_STATE_TIMEOUT_MS: "300",
      ...settings
    })))))
  )

describe.skipIf(redisMissing !== undefined)("the throttle and the token on replicas over Redis, under TestClock", () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(() => redis.dispose())

  it.scoped("UpstreamThrottle on two replicas: a burst of 12 at 5/s starts 5 now and 5 a second later; 2 are refused", () =>
    Effect.gen(function*() {
      const sandbox = yield* Layer.build(Sandbox.layer()).pipe(Effect.map(Context.get(Sandbox)))
      const connection = { ...sandbox.connection, baseUrl: `${sandbox.baseUrl}/burst` }
      const settings = { OPERA_MCP_STATE_URL: redis.url, OPERA_UPSTREAM_MAX_RPS: "5", OPERA_UPSTREAM_MAX_WAIT_MS: "1500" }
      const replicas = [yield* Layer.build(operaReplica(connection, settings)), yield* Layer.build(operaReplica(connection, settings))]
      const fiber = yield* Effect.forEach(
        Array.from({ length: 12 }, (_, index) => index),
        (index) =>
          Effect.either(UpstreamThrottle.pipe(
            Effect.flatMap((throttle) => throttle.take),
            Effect.zipRight(Clock.currentTimeMillis),
            Effect.provide(replicas[index % 2] as Context.Context<UpstreamThrottle>)
          )),
        { concurrency: "unbounded" }
      ).pipe(Effect.fork)
      // Every take read its instant (0) when it started; its slot comes back over real Redis (the first one by
      // NOSCRIPT and EVAL), and must be back before the clock moves, or its wait would start late.
      yield* breathe(300)
      for (let step = 0; step < 20; step++) {
        yield* breathe(10)
        yield* TestClock.adjust(250)
      }
      const outcomes = yield* Fiber.join(fiber)
      const started = outcomes.filter(Either.isRight).map((outcome) => outcome.right)
      expect(started.filter((at) => at === 0)).toHaveLength(5)
      expect(started.filter((at) => at === 1000)).toHaveLength(5)
      const refused = outcomes.filter(Either.isLeft).map((outcome) => outcome.left)
      expect(refused.map((refusal) => refusal.retryAfterMs)).toEqual([2000, 2000])
    }))

  it.scoped("refresh ahead on two replicas due at the same instant: one token request; the other keeps its token, then adopts the new one", () =>
    Effect.gen(function*() {
      const sandbox = yield* Layer.build(Sandbox.layer()).pipe(Effect.map(Context.get(Sandbox)))
      const settings = { OPERA_MCP_STATE_URL: redis.url, OPERA_SECURITY_TOKEN_REFRESH_THRESHOLD_MINUTES: "5" }
      const a = yield* Layer.build(operaReplica(sandbox.connection, settings))
      const b = yield* Layer.build(operaReplica(sandbox.connection, settings))
      const tokenOn = (replica: Context.Context<TokenCache>) =>
        TokenCache.pipe(Effect.flatMap((cache) => cache.get), Effect.map(Redacted.value), Effect.provide(replica))
      const first = yield* tokenOn(a)
      expect(yield* tokenOn(b)).toBe(first)
      expect(yield* sandbox.tokenRequests).toBe(1)
      // Both refresh fibers find the token due at 55 minutes: one claims and fetches, the other keeps the old one.
      yield* TestClock.adjust(Duration.minutes(55))
      yield* TestClock.adjust(Duration.seconds(15))
      yield* eventually(sandbox.tokenRequests, (n) => n === 2)
      yield* breathe(100)
      // At the next check the other replica adopts the new token from the store, without a request of its own.
      yield* TestClock.adjust(Duration.seconds(15))
      yield* eventually(Effect.all([tokenOn(a), tokenOn(b)]), ([onA, onB]) => onA === onB && onA !== first)
      expect(yield* sandbox.tokenRequests).toBe(2)
    }))

  it.scopedLive("Redis away: a cold replica still gets a token (its own) and paces its own OPERA traffic, and says so", () =>
    Effect.gen(function*() {
      const sandbox = yield* Layer.build(Sandbox.layer()).pipe(Effect.map(Context.get(Sandbox)))
      const logs: Array<string> = []
      yield* Effect.promise(() => redis.stop())
      const replica = yield* Layer.build(operaReplica(sandbox.connection, { OPERA_MCP_STATE_URL: redis.url }).pipe(
        Layer.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message)))))
      ))
      const token = yield* TokenCache.pipe(Effect.flatMap((cache) => cache.get), Effect.provide(replica))
      yield* UpstreamThrottle.pipe(Effect.flatMap((throttle) => throttle.take), Effect.provide(replica))
      expect(yield* sandbox.tokenRequests).toBe(1)
      expect(logs.join("\n")).toContain("this replica goes on with its own")
      expect(logs.join("\n")).toContain("pacing this replica alone")
      expect(logs.join("\n")).not.toContain(Redacted.value(token))
      yield* Effect.promise(() => redis.start())
    }), 30_000)
})

describe("the shared token's refresh claim (in-process reference store, TestClock)", () => {
  const settings = { key: randomBytes(32), binding: Buffer.alloc(32, 1), holdMs: 60_000, waitMs: 5_000 }
  const slot = settings.binding.toString("hex")
  const issued = (accessToken: string): CachedToken => ({ accessToken: Redacted.make(accessToken), fetchedAt: 0, expiresAt: 3_600_000 })
  const anyUsable = { adopt: (token: CachedToken, now: number) => now < token.expiresAt, meanwhile: Option.none<CachedToken>() }

  it.effect("a waiting replica fetches nothing: it adopts the holder's token once published", () =>
    Effect.gen(function*() {
      const upstream = makeInProcessUpstreamState()
      const [a, b] = [makeSharedTokenStore(upstream, settings), makeSharedTokenStore(upstream, settings)]
      const release = yield* Deferred.make<void>()
      const holder = yield* a.refresh(Deferred.await(release).pipe(Effect.as(issued("token-from-a"))), anyUsable).pipe(Effect.fork)
      yield* TestClock.adjust(1)
      const waiter = yield* b.refresh(Effect.dieMessage("the waiter must not ask OPERA"), anyUsable).pipe(Effect.fork)
      yield* TestClock.adjust(200)
      expect(Option.isNone(yield* Fiber.poll(waiter))).toBe(true)
      yield* Deferred.succeed(release, undefined)
      expect(Redacted.value((yield* Fiber.join(holder)).accessToken)).toBe("token-from-a")
      yield* TestClock.adjust(50)
      expect(Redacted.value((yield* Fiber.join(waiter)).accessToken)).toBe("token-from-a")
      // In the store it is sealed, not in clear.
      const held = Option.getOrThrow(yield* upstream.sharedToken(slot, 0))
      expect(held.sealed).not.toContain("token-from-a")
    }))

  it.effect("a holder that never finishes holds nobody up past waitMs: the waiter then asks OPERA itself", () =>
    Effect.gen(function*() {
      const upstream = makeInProcessUpstreamState()
      const [a, b] = [makeSharedTokenStore(upstream, settings), makeSharedTokenStore(upstream, settings)]
      yield* a.refresh(Effect.never, anyUsable).pipe(Effect.fork)
      yield* TestClock.adjust(1)
      const waiter = yield* b.refresh(Effect.succeed(issued("token-from-b")), anyUsable).pipe(Effect.fork)
      yield* TestClock.adjust(settings.waitMs - 100)
      expect(Option.isNone(yield* Fiber.poll(waiter))).toBe(true)
      yield* TestClock.adjust(200)
      expect(Redacted.value((yield* Fiber.join(waiter)).accessToken)).toBe("token-from-b")
    }))

  it.effect("a holder that fails or is interrupted releases the claim at once; one with a valid token does not wait", () =>
    Effect.gen(function*() {
      const upstream = makeInProcessUpstreamState()
      const store = makeSharedTokenStore(upstream, settings)
      const failed = yield* Effect.flip(store.refresh(Effect.fail("token endpoint down" as const), anyUsable))
      expect(failed).toBe("token endpoint down")
      const hung = yield* store.refresh(Effect.never, anyUsable).pipe(Effect.fork)
      yield* TestClock.adjust(1)
      expect(Option.isNone(yield* upstream.claimTokenRefresh(slot, 1000, 1))).toBe(true)
      yield* Fiber.interrupt(hung)
      const claim = yield* upstream.claimTokenRefresh(slot, 1000, 2)
      expect(Option.isSome(claim)).toBe(true)
      // While someone holds the claim, a refresh ahead keeps the still-valid token instead of waiting.
      const kept = yield* store.refresh(Effect.dieMessage("no second request"), {
        adopt: () => false,
        meanwhile: Option.some(issued("still-valid"))
      })
      expect(Redacted.value(kept.accessToken)).toBe("still-valid")
    }))
})

if (redisMissing !== undefined) {
  describe("upstream state", () => {
    it.skip(redisMissing ?? "", () => undefined)
  })
}
