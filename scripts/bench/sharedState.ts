/**
 * The shared security state: latency a tool call gains with the Redis store
 * over the in-process one (the same server, the same sandbox, alternating
 * runs), and how many commands each kind of call sends to Redis, counted for
 * real with MONITOR (a script's own commands, marked "lua", are not round trips).
 */
import { ConfigProvider, Effect, Layer, ManagedRuntime } from "effect"
import { Redis } from "ioredis"
import { createHash } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import os from "node:os"
import { tmpdir } from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { SecurityConfig } from "../../src/config/SecurityConfig.js"
import { InProcessStateStore } from "../../src/security/state/InProcessStateStore.js"
import { RedisStateStore } from "../../src/security/state/RedisStateStore.js"
import { StateStore } from "../../src/security/state/StateStore.js"
import { paceScript } from "../../src/security/state/upstreamScripts.js"
import type { BenchSandbox, BenchSession } from "./processes.js"
import { connect, expectSuccess, serverBinary, textOf } from "./processes.js"
import { findRedisServer, startBenchRedis } from "./redisProcess.js"
import type { LatencySummary } from "./stats.js"
import { median, round, summarize, timeSequential } from "./stats.js"

/** Per call: the round trips of the security state, and those of the OPERA throttle (one per OPERA request). */
export interface Trips {
  readonly state: number
  readonly throttle: number
}

export interface RoundTrips {
  /** A read (get_reservation). */
  readonly read: Trips
  /** A write that needs no confirmation (create_reservation). */
  readonly write: Trips
  /** A destructive call without a token: the server answers with one (cancel_reservation, first round). */
  readonly confirmationRound: Trips
  /** The same call with its token: the token-confirmed write. */
  readonly confirmedWrite: Trips
}

export type SharedStateResult =
  | {
    readonly calls: number
    readonly runs: number
    readonly inProcess: LatencySummary
    readonly redis: LatencySummary
    readonly addedP50Ms: number
    readonly addedP99Ms: number
    readonly roundTrips: RoundTrips
    /** The store's admission step alone, in this process: Redis (one EVALSHA) and in-process (file-backed). */
    readonly admitRedis: LatencySummary
    readonly admitInProcess: LatencySummary
    /** The 1-minute load average while it ran: on a busy machine every figure here is mostly queueing. */
    readonly loadAverage: number
  }
  | { readonly skipped: string }

export const redisMissingMessage =
  "redis-server is not installed (apt-get install -y redis-server): the shared-state figures are skipped"

const warmup = 200
const countedCalls = 20

const medianOf = (runs: ReadonlyArray<LatencySummary>): LatencySummary => ({
  calls: runs.reduce((total, run) => total + run.calls, 0),
  p50Ms: round(median(runs.map((run) => run.p50Ms))),
  p99Ms: round(median(runs.map((run) => run.p99Ms))),
  meanMs: round(median(runs.map((run) => run.meanMs)))
})

const inDays = (days: number) => new Date(Date.UTC(2031, 0, 1) + days * 86_400_000).toISOString().slice(0, 10)

// The throttle's script, told apart by its digest: its slot is taken per OPERA request, not per tool call.
const paceSha = createHash("sha1").update(paceScript, "utf8").digest("hex")

/** Commands clients sent to Redis while `work` ran, per call of it: the security state's and the throttle's. */
const commandsPerCall = async (url: string, calls: number, work: (index: number) => Promise<void>): Promise<Trips> => {
  const probe = new Redis(url, { lazyConnect: true })
  await probe.connect()
  const monitor = await probe.monitor()
  let state = 0
  let throttle = 0
  monitor.on("monitor", (_time: string, args: Array<string>, source: string) => {
    if (source.includes("lua")) return
    const name = String(args[0]).toLowerCase()
    const pace = (name === "evalsha" && args[1] === paceSha) || (name === "eval" && args[1] === paceScript)
    if (pace) throttle++
    else state++
  })
  await new Promise((resolve) => setTimeout(resolve, 100))
  for (let index = 0; index < calls; index++) await work(index)
  await new Promise((resolve) => setTimeout(resolve, 300))
  monitor.disconnect()
  probe.disconnect()
  return { state: round(state / calls), throttle: round(throttle / calls) }
}

/** The admission step alone, call by call on both stores, as the rate limiter makes it. */
const admitLatency = async (url: string, dir: string, calls: number) => {
  const storeOf = (layer: Layer.Layer<StateStore, unknown, SecurityConfig>, settings: Record<string, string>) =>
    ManagedRuntime.make(layer.pipe(
      Layer.provide(SecurityConfig.Default),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
    ))
  const redisStore = storeOf(RedisStateStore, {
    OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
    OPERA_MCP_STATE_URL: url,
    OPERA_MCP_STATE_KEY: "bench-only-state-key-0123456789abcdef0123"
  })
  const localStore = storeOf(InProcessStateStore, {
    OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
    OPERA_MCP_STATE_FILE: path.join(dir, "admit-state.db")
  })
  try {
    const [onRedis, onLocal] = await Promise.all([redisStore.runPromise(StateStore), localStore.runPromise(StateStore)])
    const once = async (store: typeof onRedis, samples: Array<number>, index: number) => {
      const started = performance.now()
      await Effect.runPromise(store.admit(`bench-${index % 50}`, `bench-${index % 50}\u0000get_reservation`, 1_000_000, 60_000, Date.now()))
      samples.push(performance.now() - started)
    }
    const warm: Array<number> = []
    for (let index = 0; index < 500; index++) {
      await once(onRedis, warm, index)
      await once(onLocal, warm, index)
    }
    const redisSamples: Array<number> = []
    const localSamples: Array<number> = []
    for (let index = 0; index < calls; index++) {
      await once(onRedis, redisSamples, index)
      await once(onLocal, localSamples, index)
    }
    return { admitRedis: summarize(redisSamples), admitInProcess: summarize(localSamples) }
  } finally {
    await redisStore.dispose()
    await localStore.dispose()
  }
}

const countRoundTrips = async (session: BenchSession, url: string, reservationId: string): Promise<RoundTrips> => {
  const read = await commandsPerCall(url, countedCalls, async () => {
    expectSuccess(await session.call("get_reservation", { reservationId }), "get_reservation")
  })
  // One write first, uncounted, as the reads are warmed up: since a read's throttle slot rides in its admission, the
  // first write is the first user of the throttle's own script, which a fresh Redis loads once (NOSCRIPT, then EVAL).
  const warmWrite = await session.call("create_reservation", {
    guest: { givenName: "Bench", surname: "Warmup" },
    arrivalDate: inDays(900),
    departureDate: inDays(902),
    roomType: "QUEEN",
    ratePlanCode: "BAR",
    adults: 1
  })
  expectSuccess(warmWrite, "create_reservation (warm-up)")
  const created: Array<string> = []
  const write = await commandsPerCall(url, countedCalls, async (index) => {
    const result = await session.call("create_reservation", {
      guest: { givenName: "Bench", surname: `Guest${index}` },
      arrivalDate: inDays(index * 3),
      departureDate: inDays(index * 3 + 2),
      roomType: "QUEEN",
      ratePlanCode: "BAR",
      adults: 1
    })
    expectSuccess(result, "create_reservation")
    created.push((result.structuredContent as { reservation: { reservationId: string } }).reservation.reservationId)
  })
  const tokens: Array<string> = []
  const confirmationRound = await commandsPerCall(url, created.length, async (index) => {
    const prepared = await session.call("cancel_reservation", { reservationId: created[index] })
    const token = /"confirmationToken": "([^"]+)"/.exec(textOf(prepared))?.[1]
    if (token === undefined) throw new Error(`cancel_reservation gave no confirmation token: ${textOf(prepared).slice(0, 200)}`)
    tokens.push(token)
  })
  const confirmedWrite = await commandsPerCall(url, created.length, async (index) => {
    const result = await session.call("cancel_reservation", { reservationId: created[index], confirmationToken: tokens[index] })
    expectSuccess(result, "cancel_reservation with its token")
  })
  return { read, write, confirmationRound, confirmedWrite }
}

export const sharedStateBench = async (
  sandbox: BenchSandbox,
  options: { readonly calls: number; readonly runs: number }
): Promise<SharedStateResult> => {
  const binary = findRedisServer()
  if (binary === undefined) return { skipped: redisMissingMessage }
  const redis = await startBenchRedis(binary)
  const dir = mkdtempSync(path.join(tmpdir(), "opera-bench-state-"))
  // Each server its own audit db and state; confirmations on, so a destructive call takes the token round.
  const common = { ...sandbox.env, OPERA_MCP_REQUIRE_CONFIRMATION: "true" }
  const sessions: Array<BenchSession> = []
  try {
    const local = await connect(serverBinary, ["serve"], {
      ...common,
      OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "local-audit.db"),
      OPERA_MCP_STATE_FILE: path.join(dir, "security-state.db")
    })
    sessions.push(local)
    const shared = await connect(serverBinary, ["serve"], {
      ...common,
      OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "shared-audit.db"),
      OPERA_MCP_STATE_URL: redis.url,
      OPERA_MCP_STATE_KEY: "bench-only-state-key-0123456789abcdef0123"
    })
    sessions.push(shared)
    const read = (session: BenchSession) => async () => {
      expectSuccess(await session.call("get_reservation", { reservationId: sandbox.reservationId }), "get_reservation")
    }
    await timeSequential(warmup, read(local))
    await timeSequential(warmup, read(shared))
    const localRuns: Array<LatencySummary> = []
    const sharedRuns: Array<LatencySummary> = []
    const readLocal = read(local)
    const readShared = read(shared)
    for (let run = 0; run < options.runs; run++) {
      // Call by call, one then the other: load from the rest of the machine hits both alike.
      const localSamples: Array<number> = []
      const sharedSamples: Array<number> = []
      for (let call = 0; call < options.calls; call++) {
        localSamples.push(...await timeSequential(1, readLocal))
        sharedSamples.push(...await timeSequential(1, readShared))
      }
      localRuns.push(summarize(localSamples))
      sharedRuns.push(summarize(sharedSamples))
    }
    const inProcess = medianOf(localRuns)
    const redisSummary = medianOf(sharedRuns)
    return {
      calls: options.calls,
      runs: options.runs,
      inProcess,
      redis: redisSummary,
      addedP50Ms: round(redisSummary.p50Ms - inProcess.p50Ms),
      addedP99Ms: round(redisSummary.p99Ms - inProcess.p99Ms),
      roundTrips: await countRoundTrips(shared, redis.url, sandbox.reservationId),
      ...await admitLatency(redis.url, dir, options.calls * 5),
      loadAverage: round(os.loadavg()[0] ?? 0, 2)
    }
  } finally {
    for (const session of sessions) await session.close()
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
