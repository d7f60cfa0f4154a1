import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, ManagedRuntime, Option } from "effect"
import { Redis } from "ioredis"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SecurityConfig } from "../../../src/config/SecurityConfig.js"
import { InProcessStateStore, InProcessStateStoreForOperators } from "../../../src/security/state/InProcessStateStore.js"
import { RedisStateStore } from "../../../src/security/state/RedisStateStore.js"
import type { BehaviourCursor, StateStoreShape } from "../../../src/security/state/StateStore.js"
import { freshCursor, StateStore } from "../../../src/security/state/StateStore.js"
import type { RedisServer } from "../../support/redisServer.js"
import { redisMissing, startRedis } from "../../support/redisServer.js"

type Store = ManagedRuntime.ManagedRuntime<StateStore, unknown>
const stores: Array<Store> = []
const open = (layer: Layer.Layer<StateStore, unknown, SecurityConfig>, settings: Record<string, string>): Store => {
  const made = ManagedRuntime.make(layer.pipe(
    Layer.provide(SecurityConfig.Default),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
  ))
  stores.push(made)
  return made
}
const on = <A, E>(store: Store, use: (shape: StateStoreShape) => Effect.Effect<A, E>) =>
  store.runPromise(StateStore.pipe(Effect.flatMap(use)))
afterAll(() => Promise.all(stores.map((store) => store.dispose())))

const later = 4_000_000_000_000
const policy = { max: 2, windowMs: 60_000, lockoutMs: 3_600_000 }

/** The admission laws, the same for both backends. */
const admissionLaws = (name: string, makeStore: () => Store) =>
  describe(`admit (${name})`, () => {
    it("refuses a block first, then a lockout, then a full window; a refused call takes no place in it", async () => {
      const store = makeStore()
      const admit = (client: string, now: number, limit = 2) => on(store, (s) => s.admit(client, `${client}\u0000tool`, limit, 60_000, now))
      expect(await admit("desk", 1000)).toEqual({ _tag: "Admitted" })
      expect(await admit("desk", 1001)).toEqual({ _tag: "Admitted" })
      expect(await admit("desk", 1002)).toEqual({ _tag: "Limited", retryAfterMs: 60_000 - 2 })
      // No window (rate limiting off): still admitted while neither blocked nor locked out.
      expect(await admit("desk", 1003, 0)).toEqual({ _tag: "Admitted" })

      await on(store, (s) => s.lockOut("desk", later, 1004))
      expect(await admit("desk", 1005)).toEqual({ _tag: "LockedOut", until: later })
      await on(store, (s) => s.setBlock("desk", { clientId: "desk", until: later + 1, incidentId: "INC-7" }, 1006))
      expect(await admit("desk", 1007, 0)).toEqual({ _tag: "Blocked", until: later + 1, incidentId: "INC-7" })

      await on(store, (s) => s.clearBlock("desk"))
      expect((await on(store, (s) => s.heldLockouts(1008))).map((held) => held.clientId)).toEqual(["desk"])
      const [held] = await on(store, (s) => s.heldLockouts(1008))
      expect(await on(store, (s) => s.releaseLockout(held?.ref ?? ""))).toBe(true)
      expect(await on(store, (s) => s.releaseLockout(held?.ref ?? ""))).toBe(false)
      // The window aged: the two admitted at 1000 and 1001 leave it after a minute, the refused ones never used it.
      expect(await admit("desk", 61_001)).toEqual({ _tag: "Admitted" })
      expect(await admit("desk", 61_002)).toEqual({ _tag: "Admitted" })
    })

    it("an admitted call's attempt is shared in the same step, as syncBehaviour shares it; a refused one appends nothing", async () => {
      const store = makeStore()
      const limits = { horizonMs: 3_600_000, capacity: 100 }
      const admit = (now: number, seen: BehaviourCursor, limit = 2) =>
        on(store, (s) => s.admit("sharer", "sharer\u0000tool", limit, 60_000, now, { clientId: "sharer", seen, limits }))
      const first = await admit(1000, freshCursor)
      expect(first).toMatchObject({ _tag: "Admitted", behaviour: { reset: true, attempts: [1000], calls: [], raisedUntil: 0 } })
      const firstCursor = first._tag === "Admitted" ? first.behaviour?.cursor ?? freshCursor : freshCursor
      expect(firstCursor).toMatchObject({ attempts: 1, calls: 0 })
      // Another replica's attempt (through syncBehaviour) shows up in the next admission's delta, and the other way.
      const other = await on(store, (s) => s.syncBehaviour("sharer", { attempt: 1001 }, freshCursor, limits, 1001))
      const second = await admit(1002, firstCursor)
      expect(second).toMatchObject({ _tag: "Admitted", behaviour: { reset: false, attempts: [1001, 1002] } })
      // The window is full: refused, and nothing is appended (the attempt never ran).
      expect(await admit(1003, freshCursor)).toEqual({ _tag: "Limited", retryAfterMs: 60_000 - 3 })
      const after = await on(store, (s) => s.syncBehaviour("sharer", {}, other.cursor, limits, 1004))
      expect(after).toMatchObject({ reset: false, attempts: [1002], cursor: { attempts: 3 } })
      // No window (rate limiting off): the attempt still rides along; a locked-out client appends nothing.
      expect(await admit(1005, after.cursor, 0)).toMatchObject({ _tag: "Admitted", behaviour: { attempts: [1005] } })
      await on(store, (s) => s.lockOut("sharer", later, 1006))
      expect(await admit(1007, freshCursor)).toEqual({ _tag: "LockedOut", until: later })
      expect((await on(store, (s) => s.syncBehaviour("sharer", {}, freshCursor, limits, 1008))).cursor.attempts).toBe(4)
      // Without an attempt the admission is as before: no behaviour in the answer.
      expect(await on(store, (s) => s.admit("sharer-2", "sharer-2\u0000tool", 2, 60_000, 1009))).toEqual({ _tag: "Admitted" })
      // The store may be shared with the next test (one redis-server): leave no lockout behind.
      await on(store, (s) => s.clearLockout("sharer"))
    })

    it("a confirmation token's step rides in the admission: kept or consumed once, exactly as putOnce/consumeOnce; never for a refused call", async () => {
      const store = makeStore()
      const key = `confirmation:${name}-token`
      const put = { _tag: "Put", key, record: "client|cancel_reservation|args", expiresAt: 5000, keepUntil: 10_000 } as const
      const consume = (claim: string) => ({ _tag: "Consume", key, claim }) as const
      const admit = (client: string, now: number, step: Parameters<StateStoreShape["admit"]>[6], limit = 10) =>
        on(store, (s) => s.admit(client, `${client}\u0000cancel_reservation`, limit, 60_000, now, undefined, step))
      // A refused call keeps no token: the window is full, so the Put is not made.
      expect(await admit("full", 1000, undefined, 1)).toEqual({ _tag: "Admitted" })
      expect(await admit("full", 1001, put, 1)).toEqual({ _tag: "Limited", retryAfterMs: 60_000 - 1 })
      expect(await on(store, (s) => s.consumeOnce(key, put.record, 1002))).toEqual(Option.none())
      // Admitted: kept, and the answer says the step was made (None: nothing was there before a Put).
      expect(await admit("desk", 1003, put)).toEqual({ _tag: "Admitted", once: Option.none() })
      // A consume that does not match does not burn it; the matching one does, once.
      const before = { record: put.record, expiresAt: 5000, used: false }
      expect(await admit("desk", 1004, consume("client|cancel_reservation|other"))).toEqual({ _tag: "Admitted", once: Option.some(before) })
      expect(await admit("desk", 1005, consume(put.record))).toEqual({ _tag: "Admitted", once: Option.some(before) })
      expect(await admit("desk", 1006, consume(put.record))).toEqual({ _tag: "Admitted", once: Option.some({ ...before, used: true }) })
      expect(await on(store, (s) => s.consumeOnce(key, put.record, 1007))).toEqual(Option.some({ ...before, used: true }))
      // A locked-out client's consume is not made: a second token stays usable for the call that is admitted.
      const second = { ...put, key: `${key}-2` }
      await on(store, (s) => s.putOnce(second.key, second.record, second.expiresAt, second.keepUntil, 1008))
      await on(store, (s) => s.lockOut("desk", later, 1009))
      expect(await admit("desk", 1010, { _tag: "Consume", key: second.key, claim: second.record })).toEqual({ _tag: "LockedOut", until: later })
      await on(store, (s) => s.clearLockout("desk"))
      // Past its expiry a token is found but not consumed; past keepUntil it is unknown.
      expect(await admit("desk", 6000, { _tag: "Consume", key: second.key, claim: second.record }))
        .toEqual({ _tag: "Admitted", once: Option.some({ record: second.record, expiresAt: 5000, used: false }) })
      expect(await on(store, (s) => s.consumeOnce(second.key, second.record, 1011))).toEqual(Option.some({ record: second.record, expiresAt: 5000, used: false }))
      // With the attempt folded in too, both ride in the one step.
      const limits = { horizonMs: 3_600_000, capacity: 100 }
      const third = { ...put, key: `${key}-3` }
      const both = await on(store, (s) =>
        s.admit("both", "both\u0000cancel_reservation", 10, 60_000, 1012, { clientId: "both", seen: freshCursor, limits }, third))
      expect(both).toMatchObject({ _tag: "Admitted", once: Option.none(), behaviour: { attempts: [1012] } })
      expect(await on(store, (s) => s.consumeOnce(third.key, third.record, 1013))).toEqual(Option.some({ record: third.record, expiresAt: 5000, used: false }))
    })

    it("a lockout from failures is held with a reference that ends it and its count", async () => {
      const store = makeStore()
      await on(store, (s) => s.recordFailure("source:198.51.100.9", policy, 1))
      await on(store, (s) => s.recordFailure("source:198.51.100.9", policy, 2))
      const held = await on(store, (s) => s.heldLockouts(3))
      expect(held).toHaveLength(1)
      expect(await on(store, (s) => s.releaseLockout(held[0]?.ref ?? ""))).toBe(true)
      // The failure count went with it: one more failure is the first of a new burst.
      expect(await on(store, (s) => s.recordFailure("source:198.51.100.9", policy, 4))).toEqual({ lockedOut: false, failures: 1 })
    })
  })

describe("in-process store beside an operator's process", () => {
  const dir = mkdtempSync(join(tmpdir(), "opera-mcp-admission-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  let files = 0
  const settings = () => ({ OPERA_SECURITY_AUDIT_DB_PATH: ":memory:", OPERA_MCP_STATE_FILE: join(dir, `state-${files++}.db`) })

  admissionLaws("in-process", () => open(InProcessStateStore, settings()))

  it("the running server sees an operator's block, unblock and cleared lockout without a restart", async () => {
    const shared = settings()
    const server = open(InProcessStateStore, shared)
    const operator = open(InProcessStateStoreForOperators, shared)
    const admit = (now: number) => on(server, (s) => s.admit("desk", "desk\u0000tool", 100, 60_000, now))
    expect(await admit(1)).toEqual({ _tag: "Admitted" })

    await on(operator, (s) => s.setBlock("desk", { clientId: "desk", until: later, incidentId: "operator" }, 2))
    expect(await admit(3)).toEqual({ _tag: "Blocked", until: later, incidentId: "operator" })
    await on(operator, (s) => s.clearBlock("desk"))
    expect(await admit(4)).toEqual({ _tag: "Admitted" })

    await on(server, (s) => s.recordFailure("desk", policy, 5))
    await on(server, (s) => s.recordFailure("desk", policy, 6))
    expect(await admit(7)).toEqual({ _tag: "LockedOut", until: 6 + policy.lockoutMs })
    const held = await on(operator, (s) => s.heldLockouts(8))
    expect(held.map((lockout) => lockout.clientId)).toEqual(["desk"])
    expect(await on(operator, (s) => s.releaseLockout(held[0]?.ref ?? ""))).toBe(true)
    expect(await admit(9)).toEqual({ _tag: "Admitted" })
    expect(await on(server, (s) => s.lockouts(10))).toEqual([])
  })

  it("an operator cannot reach a store kept in memory: a clear error, not a silent no-op", async () => {
    const operator = open(InProcessStateStoreForOperators, { OPERA_SECURITY_AUDIT_DB_PATH: ":memory:" })
    const exit = await operator.runPromiseExit(StateStore)
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("kept in memory only")
  })
})

describe.skipIf(redisMissing !== undefined)("Redis store (real redis-server)", () => {
  let redis: RedisServer
  let probe: Redis
  beforeAll(async () => {
    redis = await startRedis()
    probe = new Redis({ host: "127.0.0.1", port: redis.port, lazyConnect: true })
    await probe.connect()
  })
  afterAll(async () => {
    probe.disconnect()
    await redis.dispose()
  })
  const redisStore = () =>
    open(RedisStateStore, {
      OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
      OPERA_MCP_STATE_URL: redis.url,
      OPERA_MCP_STATE_KEY: "a-shared-key-of-the-replicas-0123456789abcdef"
    })

  admissionLaws("redis", redisStore)

  // Commands clients sent (MONITOR shows each; the ones a script runs come from "lua" and are left out).
  const countCommands = async <A>(work: () => Promise<A>): Promise<{ readonly sent: number; readonly names: Array<string> }> => {
    const monitor = await probe.monitor()
    const names: Array<string> = []
    monitor.on("monitor", (_time: string, args: Array<string>, source: string) => {
      if (!source.includes("lua")) names.push(String(args[0]).toLowerCase())
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    await work()
    await new Promise((resolve) => setTimeout(resolve, 200))
    monitor.disconnect()
    return { sent: names.length, names }
  }

  it("one admission is one command (EVALSHA), and it reloads its script after a SCRIPT FLUSH", async () => {
    const store = redisStore()
    const admit = (now: number) => on(store, (s) => s.admit("counted", "counted\u0000tool", 100, 60_000, now))
    await admit(1)
    const counted = await countCommands(async () => {
      for (let call = 0; call < 10; call++) expect(await admit(2 + call)).toEqual({ _tag: "Admitted" })
    })
    expect(counted.names).toEqual(Array(10).fill("evalsha"))
    await probe.script("FLUSH")
    // Once after a flush (or a restart of Redis): NOSCRIPT, then EVAL loads it; then EVALSHA again.
    const reloaded = await countCommands(async () => {
      expect(await admit(20)).toEqual({ _tag: "Admitted" })
      expect(await admit(21)).toEqual({ _tag: "Admitted" })
    })
    expect(reloaded.names).toEqual(["evalsha", "eval", "evalsha"])
  })

  it("an admission with the attempt folded in is still one EVALSHA", async () => {
    const store = redisStore()
    const limits = { horizonMs: 3_600_000, capacity: 100 }
    let seen = freshCursor
    const admit = (now: number) =>
      on(store, (s) => s.admit("folded", "folded\u0000tool", 100, 60_000, now, { clientId: "folded", seen, limits })).then((admission) => {
        if (admission._tag === "Admitted" && admission.behaviour !== undefined) seen = admission.behaviour.cursor
        return admission
      })
    await admit(1)
    const counted = await countCommands(async () => {
      for (let call = 0; call < 5; call++) expect(await admit(2 + call)).toMatchObject({ _tag: "Admitted", behaviour: { attempts: [2 + call] } })
    })
    expect(counted.names).toEqual(Array(5).fill("evalsha"))
  })

  it("an admission that keeps or consumes a confirmation token, with the attempt, is still one EVALSHA", async () => {
    const store = redisStore()
    const limits = { horizonMs: 3_600_000, capacity: 100 }
    const put = { _tag: "Put", key: "confirmation:counted", record: "c|cancel_reservation|a", expiresAt: 5000, keepUntil: 9000 } as const
    const admit = (now: number, step: Parameters<StateStoreShape["admit"]>[6]) =>
      on(store, (s) => s.admit("once", "once\u0000tool", 100, 60_000, now, { clientId: "once", seen: freshCursor, limits }, step))
    await admit(1, undefined)
    const counted = await countCommands(async () => {
      expect(await admit(2, put)).toMatchObject({ _tag: "Admitted", once: Option.none() })
      expect(await admit(3, { _tag: "Consume", key: put.key, claim: put.record }))
        .toMatchObject({ _tag: "Admitted", once: Option.some({ record: put.record, used: false }) })
    })
    expect(counted.names).toEqual(["evalsha", "evalsha"])
    // Only digests of the token's key reach Redis.
    expect((await probe.keys("*")).some((key) => key.includes("counted"))).toBe(false)
  })

  it("a full Redis (noeviction) refuses an admission whose token it would have to store, as it refused putOnce", async () => {
    const store = redisStore()
    const put = { _tag: "Put", key: "confirmation:full", record: "c|cancel_reservation|a", expiresAt: 5000, keepUntil: 9000 } as const
    const admit = (now: number, step?: Parameters<StateStoreShape["admit"]>[6]) =>
      store.runPromiseExit(StateStore.pipe(Effect.flatMap((s) => s.admit("full-redis", "full-redis\u0000tool", 100, 60_000, now, undefined, step))))
    expect(Exit.isSuccess(await admit(1))).toBe(true)
    const windows = async () => {
      let total = 0
      for (const key of await probe.keys("opera-mcp:rl:*")) total += await probe.zcard(key)
      return total
    }
    const before = await windows()
    await probe.config("SET", "maxmemory-policy", "noeviction")
    await probe.config("SET", "maxmemory", "1")
    try {
      const refused = await admit(2, put)
      expect(Exit.isFailure(refused) && JSON.stringify(refused.cause)).toContain("StateUnavailable")
      // The rest of the admission was not made either: no call window took a place.
      expect(await windows()).toBe(before)
    } finally {
      await probe.config("SET", "maxmemory", "0")
    }
    expect(Exit.isSuccess(await admit(3, put))).toBe(true)
    expect(await on(store, (s) => s.consumeOnce(put.key, put.record, 4))).toEqual(Option.some({ record: put.record, expiresAt: 5000, used: false }))
  })

  it("the upstream scripts run by EVALSHA too, and reload after a SCRIPT FLUSH", async () => {
    const store = redisStore()
    const pace = (now: number) => on(store, (s) => s.upstream.pace("app", 50, 1000, now))
    await pace(1)
    const counted = await countCommands(async () => {
      for (let call = 0; call < 3; call++) expect(await pace(2 + call)).toBe(0)
      await on(store, (s) => s.upstream.claimTokenRefresh("app", 1000, 10))
    })
    expect(counted.names).toEqual(["evalsha", "evalsha", "evalsha", "evalsha", "eval"])
    await probe.script("FLUSH")
    const reloaded = await countCommands(async () => {
      await pace(20)
      await pace(21)
    })
    expect(reloaded.names).toEqual(["evalsha", "eval", "evalsha"])
  })
})
