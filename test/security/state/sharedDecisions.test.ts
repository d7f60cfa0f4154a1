import { FetchHttpClient } from "@effect/platform"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Context, Scope } from "effect"
import { Clock, ConfigProvider, Effect, Either, Layer, Option, TestClock } from "effect"
import { businessDayStart, tools } from "../../../scripts/workloads/frontDeskDay.js"
import { SecurityConfig } from "../../../src/config/SecurityConfig.js"
import { KeyRevocations, revocationRefreshMs } from "../../../src/security/clients/KeyRevocations.js"
import { Confirmation } from "../../../src/security/Confirmation.js"
import { IncidentResponder } from "../../../src/security/IncidentResponder.js"
import { InProcessStateStore } from "../../../src/security/state/InProcessStateStore.js"
import { RedisStateStore } from "../../../src/security/state/RedisStateStore.js"
import type { StoredCall } from "../../../src/security/state/StateStore.js"
import { freshCursor, StateStore } from "../../../src/security/state/StateStore.js"
import { ClientBehaviour, profileCapacity, profileHorizonMs } from "../../../src/security/threat/BehaviourProfile.js"
import { CollectedSecurityEvents } from "../../../src/security/threat/SecurityEventSink.js"
import { ThreatConfig } from "../../../src/security/threat/ThreatConfig.js"
import { ThreatDetectors } from "../../../src/security/threat/ThreatDetector.js"
import { ThreatMonitor } from "../../../src/security/ThreatMonitor.js"
import type { RedisServer } from "../../support/redisServer.js"
import { redisMissing, startRedis } from "../../support/redisServer.js"

const stateKey = "a-shared-key-of-the-replicas-0123456789abcdef"
const limits = { horizonMs: profileHorizonMs, capacity: profileCapacity }
const settings = {
  OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
  OPERA_MCP_REQUEST_STATE_KEY: "a-round-key-shared-by-the-replicas-0123456789",
  OPERA_MCP_STATE_KEY: stateKey,
  OPERA_MCP_STATE_TIMEOUT_MS: "500"
}

let redis: RedisServer | undefined
beforeAll(async () => {
  if (redisMissing === undefined) redis = await startRedis()
})
afterAll(async () => {
  await redis?.dispose()
})

const configured = (extra: Record<string, string> = {}) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries({ ...settings, ...extra }))))

type Store = Context.Context<StateStore>

/**
 * `count` replicas' stores in the test's scope: with Redis, one store (own
 * connection) per replica on one redis-server; in-process, the one store that
 * every service of a single server shares.
 */
const backends = [
  {
    name: "in-process",
    stores: (count: number): Effect.Effect<ReadonlyArray<Store>, unknown, Scope.Scope> =>
      Layer.build(InProcessStateStore.pipe(Layer.provide(SecurityConfig.Default), Layer.provide(configured()))).pipe(
        Effect.map((store) => Array.from({ length: count }, () => store))
      )
  },
  {
    name: "redis",
    stores: (count: number): Effect.Effect<ReadonlyArray<Store>, unknown, Scope.Scope> =>
      Effect.forEach(
        Array.from({ length: count }),
        () => Layer.build(RedisStateStore.pipe(Layer.provide(configured({ OPERA_MCP_STATE_URL: redis!.url }))))
      )
  }
] as const

const readProfile = (at: number, guest: string): StoredCall => ({
  at,
  tool: "get_guest_profile",
  writes: false,
  destructive: false,
  touchesGuestData: true,
  success: true,
  guests: [guest],
  exposure: "profile",
  lookups: [{ key: `k-${guest}`, bucket: "b-1", known: false }],
  returned: [guest]
})

/** One replica's ThreatMonitor (built-in detectors, its own responder and sink) over `store`. */
const monitorOn = (store: Store, extra: Record<string, string> = {}) =>
  Layer.build(
    ThreatMonitor.DefaultWithoutDependencies.pipe(
      Layer.provideMerge(IncidentResponder.DefaultWithoutDependencies),
      Layer.provideMerge(CollectedSecurityEvents.Sink),
      Layer.provide(ThreatDetectors.Default),
      Layer.provideMerge(Layer.merge(SecurityConfig.Default, ThreatConfig.Default)),
      Layer.provide(Layer.mergeAll(FetchHttpClient.layer, Layer.succeedContext(store))),
      Layer.provide(configured(extra))
    )
  )

/**
 * A scraper reading guest profile after guest profile, a second apart, its
 * calls spread round-robin over the monitors: the call (1-based) at which it
 * is refused, and the ids it asked for.
 */
const scrape = (
  monitors: ReadonlyArray<Context.Context<ThreatMonitor>>,
  clientId: string,
  options: { readonly listedFirst?: boolean; readonly spacingMs?: number } = {}
) =>
  Effect.gen(function*() {
    const ctx = { clientId, transport: "http" as const }
    const ids = Array.from({ length: 200 }, (_, index) => `PRF${700_000 + index * 37}`)
    if (options.listedFirst === true) {
      // A listing showed every id first (on the first replica): reading them is no guess, only their number counts.
      yield* ThreatMonitor.pipe(
        Effect.flatMap((monitor) =>
          Effect.zipRight(
            monitor.guard(ctx, tools.searchReservations, {}),
            monitor.record(ctx, tools.searchReservations, { success: true, returnedIds: ids, durationMs: 5 })
          )
        ),
        Effect.provide(monitors[0]!)
      )
    }
    for (const [index, profileId] of ids.entries()) {
      const on = monitors[index % monitors.length]!
      const args = { profileId }
      const verdict = yield* Effect.either(ThreatMonitor.pipe(
        Effect.flatMap((monitor) => monitor.guard(ctx, tools.getGuestProfile, args)),
        Effect.provide(on)
      ))
      if (Either.isLeft(verdict)) {
        const threats = verdict.left._tag === "ThreatBlocked" ? verdict.left.threats : []
        return { refusedAt: index + 1, refusal: verdict.left._tag, threats, ids }
      }
      yield* ThreatMonitor.pipe(
        Effect.flatMap((monitor) =>
          monitor.record(ctx, tools.getGuestProfile, { success: true, guestIds: [profileId], returnedIds: [profileId], args, durationMs: 5 })
        ),
        Effect.provide(on)
      )
      yield* TestClock.adjust(options.spacingMs ?? 1000)
    }
    return { refusedAt: -1, refusal: "none", threats: [], ids }
  })

for (const backend of backends) {
  describe.skipIf(backend.name === "redis" && redisMissing !== undefined)(`shared decisions, ${backend.name} store`, () => {
    it.scoped("a client's behaviour appended on one replica reaches another once, in the store's order", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(businessDayStart)
        const [a, b] = yield* backend.stores(2)
        const on = (store: Store) => StateStore.pipe(Effect.provide(store))
        const now = businessDayStart
        const first = yield* (yield* on(a!)).syncBehaviour("agent-1", { attempt: now }, freshCursor, limits, now)
        expect(first.reset).toBe(true)
        expect(first.attempts).toEqual([now])
        const onB = yield* (yield* on(b!)).syncBehaviour("agent-1", { call: readProfile(now, "g1") }, freshCursor, limits, now + 1)
        expect(onB.attempts).toEqual([now])
        expect(onB.calls.map((call) => call.guests)).toEqual([["g1"]])
        // A sees only what it had not seen: B's call, not its own attempt again.
        const next = yield* (yield* on(a!)).syncBehaviour("agent-1", { attempt: now + 2 }, first.cursor, limits, now + 2)
        expect(next.reset).toBe(false)
        expect(next.attempts).toEqual([now + 2])
        expect(next.calls).toEqual([readProfile(now, "g1")])
        // A profile takes in overlapping replies (concurrent calls) once.
        const profile = new ClientBehaviour()
        profile.cursor = { ...first.cursor, attempts: 0, calls: 0 }
        profile.absorb(first, now + 2)
        profile.absorb(next, now + 2)
        profile.absorb(next, now + 2)
        expect(profile.attempts).toEqual([now, now + 2])
        expect(profile.calls).toHaveLength(1)
        // Past the horizon nothing counts any more.
        const later = now + profileHorizonMs + 10
        const stale = yield* (yield* on(b!)).syncBehaviour("agent-1", {}, freshCursor, limits, later)
        expect(stale.attempts).toEqual([])
        expect(stale.calls).toEqual([])
        // Other clients' behaviour is apart.
        const other = yield* (yield* on(b!)).syncBehaviour("agent-2", {}, freshCursor, limits, now + 3)
        expect([other.attempts, other.calls]).toEqual([[], []])
      }))

    it.scoped("a scraper rotating over replicas is refused at the same call as against one server", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(businessDayStart)
        const [single] = yield* backend.stores(1)
        const alone = yield* scrape([yield* monitorOn(single!)], `scraper-alone-${backend.name}`)
        expect(alone.refusedAt, "the scrape was never refused").toBeGreaterThan(5)
        const replicas = yield* backend.stores(3)
        const monitors = yield* Effect.forEach(replicas, (store) => monitorOn(store))
        const spread = yield* scrape(monitors, `scraper-spread-${backend.name}`)
        expect(spread.refusedAt).toBe(alone.refusedAt)
        expect(spread.refusal).toBe("ThreatBlocked")
        // The incident's block holds on every replica.
        const after = yield* Effect.forEach(monitors, (on) =>
          ThreatMonitor.pipe(
            Effect.flatMap((monitor) =>
              Effect.flip(monitor.guard({ clientId: `scraper-spread-${backend.name}`, transport: "http" }, tools.getGuestProfile, {
                profileId: "PRF1"
              }))
            ),
            Effect.map((refusal) => refusal._tag),
            Effect.provide(on)
          ))
        expect(after).toEqual(["ClientBlocked", "ClientBlocked", "ClientBlocked"])
        if (backend.name === "redis") {
          const contents = redis!.dump()
          expect(contents).toContain("opera-mcp:threat:")
          // The behaviour entries themselves are scanned, not only the keys.
          expect(contents).toContain('"tool":"get_guest_profile"')
          for (const id of spread.ids.slice(0, spread.refusedAt)) expect(contents).not.toContain(id)
          expect(contents).not.toContain(stateKey)
        }
      }))

    it.scoped("bulk guest-data access over replicas: distinct profiles read are counted once, wherever they were read", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(businessDayStart)
        const [single] = yield* backend.stores(1)
        const options = { listedFirst: true, spacingMs: 4000 }
        const alone = yield* scrape([yield* monitorOn(single!)], `bulk-alone-${backend.name}`, options)
        expect(alone.threats).toContain("bulk_guest_access")
        expect(alone.refusedAt).toBeGreaterThan(60)
        const monitors = yield* Effect.forEach(yield* backend.stores(2), (store) => monitorOn(store))
        const spread = yield* scrape(monitors, `bulk-spread-${backend.name}`, options)
        expect([spread.refusedAt, spread.threats]).toEqual([alone.refusedAt, alone.threats])
      }))

    it.scoped("a revoked key is refused by every replica within a second", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(businessDayStart)
        const stores = yield* backend.stores(2)
        const [a, b] = yield* Effect.forEach(stores, (store) => Layer.build(KeyRevocations.Default.pipe(Layer.provide(Layer.succeedContext(store)))))
        const isRevoked = (on: Context.Context<KeyRevocations>, keyHash: string) =>
          KeyRevocations.pipe(Effect.flatMap((revocations) => revocations.isRevoked({ keyHash })), Effect.provide(on))
        const key = { keyHash: "c2FsdGVkLWhtYWMtb2YtYS1rZXk" }
        expect(yield* isRevoked(b!, key.keyHash)).toBe(false)
        yield* KeyRevocations.pipe(Effect.flatMap((revocations) => revocations.publish([key])), Effect.provide(a!))
        expect(yield* isRevoked(a!, key.keyHash)).toBe(true)
        yield* TestClock.adjust(revocationRefreshMs)
        expect(yield* isRevoked(b!, key.keyHash)).toBe(true)
        expect(yield* isRevoked(b!, "another-key")).toBe(false)
        if (backend.name === "redis") expect(redis!.dump()).not.toContain(key.keyHash)
      }))

    it.scoped("a 2026 confirmation round is redeemed once across replicas", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(businessDayStart)
        const stores = yield* backend.stores(3)
        const [a, b, c] = yield* Effect.forEach(stores, (store) =>
          Layer.build(Confirmation.DefaultWithoutDependencies.pipe(Layer.provide(Layer.succeedContext(store)), Layer.provide(configured()))))
        const redeem = (on: Context.Context<Confirmation>, state: string, binding: string) =>
          Confirmation.pipe(Effect.flatMap((confirmation) => confirmation.redeemRound(state, binding)), Effect.provide(on))
        const state = yield* Confirmation.pipe(Effect.flatMap((confirmation) => confirmation.sealRound("binding-A")), Effect.provide(a!))
        expect(yield* redeem(b!, state, "binding-B")).toBe(false)
        expect(yield* redeem(b!, state, "binding-A")).toBe(true)
        expect(yield* redeem(c!, state, "binding-A")).toBe(false)
        expect(yield* redeem(a!, state, "binding-A")).toBe(false)
        const late = yield* Confirmation.pipe(Effect.flatMap((confirmation) => confirmation.sealRound("binding-A")), Effect.provide(a!))
        yield* TestClock.adjust(301_000)
        expect(yield* redeem(c!, late, "binding-A")).toBe(false)
      }))
  })
}

describe.skipIf(redisMissing !== undefined)("shared decisions while Redis is away", () => {
  it.scoped("behaviour: a write is refused, a read judged locally when allowed, an outcome kept locally; rounds and revocations fail closed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(businessDayStart)
      const gone = yield* Layer.build(RedisStateStore.pipe(Layer.provide(configured({
        OPERA_MCP_STATE_URL: "redis://127.0.0.1:1",
        OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE: "allow"
      }))))
      const monitor = yield* ThreatMonitor.pipe(
        Effect.provide(yield* monitorOn(gone, { OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE: "allow" }))
      )
      const ctx = { clientId: "agent-away", transport: "http" as const }
      const write = yield* Effect.flip(monitor.guard(ctx, tools.cancelReservation, { reservationId: "1" }))
      expect(write._tag).toBe("StateUnavailable")
      const read = yield* monitor.guard(ctx, tools.getGuestProfile, { profileId: "PRF1" })
      expect(read.level).toBe("low")
      yield* monitor.record(ctx, tools.getGuestProfile, { success: true, guestIds: ["PRF1"], durationMs: 1 })
      const revocations = yield* KeyRevocations.pipe(Effect.provide(yield* Layer.build(KeyRevocations.Default.pipe(Layer.provide(Layer.succeedContext(gone))))))
      expect((yield* Effect.flip(revocations.isRevoked({ keyHash: "x" })))._tag).toBe("StateUnavailable")
      expect((yield* Effect.flip(revocations.publish([{ keyHash: "x" }])))._tag).toBe("RevocationNotPublished")
      const confirmation = yield* Confirmation.pipe(
        Effect.provide(yield* Layer.build(Confirmation.DefaultWithoutDependencies.pipe(Layer.provide(Layer.succeedContext(gone)), Layer.provide(configured()))))
      )
      const state = yield* confirmation.sealRound("binding-A")
      expect((yield* Effect.flip(confirmation.redeemRound(state, "binding-A")))._tag).toBe("StateUnavailable")
    }))

  it.scoped("an incident block the store refuses is held and enforced by this replica, shown as degraded, and stored once Redis answers", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(businessDayStart)
      const own = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (server) => Effect.promise(() => server.dispose()))
      const store = yield* Layer.build(RedisStateStore.pipe(Layer.provide(configured({ OPERA_MCP_STATE_URL: own.url }))))
      const context = yield* monitorOn(store, { OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE: "allow" })
      const { monitor, responder } = yield* Effect.all({ monitor: ThreatMonitor, responder: IncidentResponder }).pipe(Effect.provide(context))
      const ctx = { clientId: "agent-held", transport: "http" as const }
      yield* Effect.promise(() => own.stop())
      const incident = yield* responder.open({ clientId: ctx.clientId, tool: "get_guest_profile", score: 1, threats: [] })
      // The store did not take it, yet this replica refuses the client, reads included.
      const refused = yield* Effect.flip(monitor.screen(ctx, tools.getGuestProfile, { profileId: "PRF1" }))
      expect(refused._tag).toBe("ClientBlocked")
      expect(yield* responder.unstoredBlocks).toBe(1)
      expect((yield* monitor.snapshot).blockedClients.map((block) => block.clientId)).toContain(ctx.clientId)
      yield* Effect.promise(() => own.start())
      // The client reconnects in real time; the retry runs every 5 s of TestClock time until the store takes it.
      let storedId: string | undefined
      for (let round = 0; round < 40 && storedId === undefined; round++) {
        yield* TestClock.adjust("5 seconds")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 100)))
        const now = yield* Clock.currentTimeMillis
        const stored = yield* StateStore.pipe(
          Effect.flatMap((shared) => shared.blockOf(ctx.clientId, now)),
          Effect.provide(store),
          Effect.orElseSucceed(() => Option.none())
        )
        if (Option.isSome(stored)) storedId = stored.value.incidentId
      }
      expect(storedId).toBe(incident.id)
      expect(yield* responder.unstoredBlocks).toBe(0)
    }))

  it.scoped("revocations read before Redis went away still hold while it is away", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(businessDayStart)
      const own = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (server) => Effect.promise(() => server.dispose()))
      const store = yield* Layer.build(RedisStateStore.pipe(Layer.provide(configured({ OPERA_MCP_STATE_URL: own.url }))))
      const revocations = yield* KeyRevocations.pipe(
        Effect.provide(yield* Layer.build(KeyRevocations.Default.pipe(Layer.provide(Layer.succeedContext(store)))))
      )
      yield* revocations.publish([{ keyHash: "revoked-before-the-outage" }])
      expect(yield* revocations.isRevoked({ keyHash: "revoked-before-the-outage" })).toBe(true)
      yield* Effect.promise(() => own.stop())
      yield* TestClock.adjust(revocationRefreshMs * 4)
      expect(yield* revocations.isRevoked({ keyHash: "revoked-before-the-outage" })).toBe(true)
      expect(yield* revocations.isRevoked({ keyHash: "never-revoked" })).toBe(false)
    }))
})

if (redisMissing !== undefined) {
  describe("shared decisions in Redis", () => {
    it.skip(redisMissing ?? "", () => undefined)
  })
}
