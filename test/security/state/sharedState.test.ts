import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer, ManagedRuntime, Option } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { SecurityConfig } from "../../../src/config/SecurityConfig.js"
import { Confirmation } from "../../../src/security/Confirmation.js"
import { RateLimiter } from "../../../src/security/RateLimiter.js"
import { InProcessStateStore } from "../../../src/security/state/InProcessStateStore.js"
import { RedisStateStore } from "../../../src/security/state/RedisStateStore.js"
import { StateStore } from "../../../src/security/state/StateStore.js"
import type { CallContextShape } from "../../../src/tools/CallContext.js"
import type { ToolInfo } from "../../../src/tools/ToolInfo.js"
import type { RedisServer } from "../../support/redisServer.js"
import { redisMissing, startRedis } from "../../support/redisServer.js"

const stateKey = "a-shared-key-of-the-replicas-0123456789abcdef"
const cancel: ToolInfo = {
  name: "cancel_reservation",
  domain: "reservations",
  annotations: { title: "Cancel", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true
}
const desk: CallContextShape = { clientId: "front-desk", transport: "http" }
const args = { hotelId: "HOTEL1", reservationId: "123456" }

type Replica = ManagedRuntime.ManagedRuntime<RateLimiter | Confirmation | StateStore, unknown>

/** One server's security services over `store`, with its own settings (as one replica). */
const replica = (store: Layer.Layer<StateStore, unknown, SecurityConfig>, settings: Record<string, string>): Replica =>
  ManagedRuntime.make(
    Layer.mergeAll(RateLimiter.DefaultWithoutDependencies, Confirmation.DefaultWithoutDependencies).pipe(
      Layer.provideMerge(store),
      Layer.provideMerge(SecurityConfig.Default),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
    )
  )

const limits = {
  OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "7",
  OPERA_SECURITY_AUTH_RATE_LIMIT_WINDOW_MINUTES: "10",
  OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "3",
  OPERA_SECURITY_CLIENT_LOCKOUT_DURATION_MINUTES: "60",
  OPERA_SECURITY_AUDIT_DB_PATH: ":memory:"
}

const run = <A, E>(runtime: Replica, program: Effect.Effect<A, E, RateLimiter | Confirmation | StateStore>) =>
  runtime.runPromise(program)
const runExit = <A, E>(runtime: Replica, program: Effect.Effect<A, E, RateLimiter | Confirmation | StateStore>) =>
  runtime.runPromiseExit(program)

const waitFor = async (check: () => Promise<boolean>, what: string) => {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe.skipIf(redisMissing !== undefined)("shared security state in a real Redis", () => {
  let redis: RedisServer
  const replicas: Array<Replica> = []
  const redisReplica = (extra: Record<string, string> = {}) => {
    const made = replica(RedisStateStore, {
      ...limits,
      OPERA_MCP_STATE_URL: redis.url,
      OPERA_MCP_STATE_KEY: stateKey,
      OPERA_MCP_STATE_TIMEOUT_MS: "300",
      ...extra
    })
    replicas.push(made)
    return made
  }

  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await Promise.all(replicas.map((made) => made.dispose()))
    await redis.dispose()
  })

  it("the per client+tool limit is exact across two replicas", async () => {
    const a = redisReplica()
    const b = redisReplica()
    const outcomes: Array<boolean> = []
    for (let call = 0; call < 12; call++) {
      const exit = await runExit(call % 2 === 0 ? a : b, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("limits-client", "search_reservations"))))
      outcomes.push(Exit.isSuccess(exit))
    }
    expect(outcomes.filter(Boolean)).toHaveLength(7)
    expect(outcomes.slice(0, 7).every(Boolean)).toBe(true)
    const refused = await runExit(b, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("limits-client", "search_reservations"))))
    expect(Exit.isFailure(refused) && JSON.stringify(refused.cause)).toContain("RateLimited")
  })

  it("a lockout made on one replica is refused on another", async () => {
    const a = redisReplica()
    const b = redisReplica()
    for (let failure = 0; failure < 3; failure++) {
      await run(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.recordFailure("guessing-client", "authentication"))))
    }
    const exit = await runExit(b, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("guessing-client", "search_reservations"))))
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("ClientLockedOut")
  })

  it("a confirmation token issued on A is consumed once on B and refused on C", async () => {
    const [a, b, c] = [redisReplica(), redisReplica(), redisReplica()]
    const answer = await run(a, Confirmation.pipe(Effect.flatMap((confirmation) => confirmation.prepare(desk, cancel, args, "Cancels 123456."))))
    const consume = (on: Replica) =>
      runExit(on, Confirmation.pipe(Effect.flatMap((confirmation) => confirmation.consume(desk, cancel, args, answer.token))))
    expect(Exit.isSuccess(await consume(b))).toBe(true)
    const again = await consume(c)
    expect(Exit.isFailure(again) && JSON.stringify(again.cause)).toContain("already used")
  })

  it("a lockout and a block survive a restart of the server", async () => {
    const before = redisReplica()
    await run(before, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.lockOut("blocked-client", 4_000_000_000_000))))
    await run(before, StateStore.pipe(Effect.flatMap((store) =>
      store.setBlock("blocked-client", { clientId: "blocked-client", until: 4_000_000_000_000, incidentId: "INC-1" }, 0)
    )))
    await before.dispose()
    const after = redisReplica()
    // The block is checked first (with the lockout and the window, in one step).
    const exit = await runExit(after, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("blocked-client", "search_reservations"))))
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("ClientBlocked")
    const lockout = await run(after, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.lockoutOf("blocked-client"))))
    expect(lockout).toEqual(Option.some(4_000_000_000_000))
    const block = await run(after, StateStore.pipe(Effect.flatMap((store) => store.blockOf("blocked-client", 1))))
    expect(Option.map(block, (found) => found.incidentId)).toEqual(Option.some("INC-1"))
  })

  it("Redis contents hold no token, secret or raw client address", async () => {
    const a = redisReplica()
    const answer = await run(a, Confirmation.pipe(Effect.flatMap((confirmation) => confirmation.prepare(desk, cancel, args, "Cancels 123456."))))
    for (let failure = 0; failure < 3; failure++) {
      await run(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.recordFailure("source:203.0.113.77", "authentication"))))
    }
    await run(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("source:203.0.113.77", "search_reservations"))).pipe(Effect.ignore))
    const contents = redis.dump()
    expect(contents).toContain("opera-mcp:lockouts")
    expect(contents).toContain("opera-mcp:once:")
    for (const secret of [answer.token, stateKey, "203.0.113.77", "123456", "HOTEL1"]) expect(contents).not.toContain(secret)
  })

  it("lockout and block labels are sealed in Redis: every replica with the key reads the name, Redis holds none", async () => {
    const [a, b] = [redisReplica(), redisReplica()]
    const other = redisReplica({ OPERA_MCP_STATE_KEY: "another-key-of-another-deployment-0123456789" })
    const name = "oauth:ada.lovelace@hotel.example"
    await run(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.lockOut(name, 4_000_000_000_000))))
    await run(a, StateStore.pipe(Effect.flatMap((store) =>
      store.setBlock(name, { clientId: name, until: 4_000_000_000_000, incidentId: "INC-7" }, 0)
    )))
    const lockouts = await run(b, StateStore.pipe(Effect.flatMap((store) => store.lockouts(1))))
    expect(lockouts.map((lockout) => lockout.clientId)).toContain(name)
    const block = await run(b, StateStore.pipe(Effect.flatMap((store) => store.blockOf(name, 1))))
    expect(Option.map(block, (found) => found.clientId)).toEqual(Option.some(name))
    expect(redis.dump()).not.toContain("ada.lovelace")
    // Another key hashes the name elsewhere and cannot open the labels: it reads them as unreadable, not as names.
    const foreign = await run(other, StateStore.pipe(Effect.flatMap((store) => store.blocks(1))))
    expect(foreign.length).toBeGreaterThan(0)
    for (const entry of foreign) expect(entry.clientId).toMatch(/^unreadable:/)
  })

  it("Redis that stops answering (CLIENT PAUSE): each command is cut at the store's timeout, the call refused, not held", async () => {
    const a = redisReplica()
    const take = () =>
      runExit(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("paused-client", "cancel_reservation", false))))
    expect(Exit.isSuccess(await take())).toBe(true)
    // Redis holds every client's commands for 3 s; the store's timeout is 300 ms. Held, the call would pass when the
    // pause ends; cut by the client's command timeout, it is refused while Redis still holds it.
    redis.cli("CLIENT", "PAUSE", "3000", "ALL")
    try {
      const startedAt = Date.now()
      const refused = await take()
      expect(Exit.isFailure(refused) && JSON.stringify(refused.cause)).toContain("the shared security state is unreachable")
      expect(Date.now() - startedAt).toBeLessThan(2500)
    } finally {
      redis.cli("CLIENT", "UNPAUSE")
    }
    await waitFor(async () => Exit.isSuccess(await take()), "the store to answer again")
  })

  it("Redis killed mid-run: writes refused with a clear message, health degraded, recovery by itself", async () => {
    const a = redisReplica()
    const take = (readOnly: boolean) =>
      runExit(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("outage-client", "cancel_reservation", readOnly))))
    expect(Exit.isSuccess(await take(false))).toBe(true)
    await redis.stop()
    const refused = await take(false)
    expect(Exit.isFailure(refused) && JSON.stringify(refused.cause)).toContain("the shared security state is unreachable")
    const status = await run(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.state)))
    expect(status).toEqual({ kind: "redis", available: false, readsWhenUnavailable: "refuse", problem: expect.stringContaining("Redis does not answer") })
    expect(Exit.isFailure(await take(true))).toBe(true)
    // The health check (a read of the server's own state) still answers, to report the outage.
    const diagnostic = await runExit(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("outage-client", "security_health_check", true, true))))
    expect(Exit.isSuccess(diagnostic)).toBe(true)
    const lenient = redisReplica({ OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE: "allow" })
    const read = await runExit(lenient, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("outage-client", "search_reservations", true))))
    expect(Exit.isSuccess(read)).toBe(true)
    await redis.start()
    await waitFor(async () => Exit.isSuccess(await take(false)), "the store to answer again")
    expect((await run(a, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.state)))).available).toBe(true)
  })
})

describe("in-process security state", () => {
  it("a lockout and a block survive a restart (local SQLite file)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "opera-mcp-state-"))
    const settings = { ...limits, OPERA_MCP_STATE_FILE: join(dir, "state", "security-state.db") }
    try {
      const before = replica(InProcessStateStore, settings)
      for (let failure = 0; failure < 3; failure++) {
        await run(before, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.recordFailure("guessing-client", "authentication"))))
      }
      await run(before, StateStore.pipe(Effect.flatMap((store) =>
        store.setBlock("blocked-client", { clientId: "blocked-client", until: 4_000_000_000_000, incidentId: "INC-2" }, 0)
      )))
      await before.dispose()
      const after = replica(InProcessStateStore, settings)
      const exit = await runExit(after, RateLimiter.pipe(Effect.flatMap((limiter) => limiter.take("guessing-client", "search_reservations"))))
      expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("ClientLockedOut")
      const block = await run(after, StateStore.pipe(Effect.flatMap((store) => store.blockOf("blocked-client", 1))))
      expect(Option.map(block, (found) => found.incidentId)).toEqual(Option.some("INC-2"))
      await after.dispose()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

if (redisMissing !== undefined) {
  describe("shared security state", () => {
    it.skip(redisMissing ?? "", () => undefined)
  })
}
