import { NodeFileSystem } from "@effect/platform-node"
import { ConfigProvider, Effect, Layer, ManagedRuntime } from "effect"
import { Redis } from "ioredis"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ClientStore } from "../../src/security/clients/ClientStore.js"
import { connectClient, textOf } from "../mcp/http/harness.js"
import type { RedisServer } from "../support/redisServer.js"
import { redisMissing, startRedis } from "../support/redisServer.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { freePort, startHttpServerProcess } from "./httpServerProcess.js"

/**
 * The throttle under test. OHIP's 50 per second needs more offered load than a busy 2-core CI box makes
 * through three servers, so the suite runs the same shared bound at 2/s (the offered load is several times
 * that); OPERA_UPSTREAM_TEST_RPS=50 OPERA_UPSTREAM_TEST_CLIENTS=40 for the full figure on a quiet machine.
 */
const maxRps = Number(process.env.OPERA_UPSTREAM_TEST_RPS ?? "2")
const loadSeconds = Number(process.env.OPERA_UPSTREAM_TEST_SECONDS ?? "6")
const clientsPerReplica = Number(process.env.OPERA_UPSTREAM_TEST_CLIENTS ?? "8")
/**
 * The throttle bounds request starts exactly (the unit tests prove it with explicit instants); the sandbox sees
 * them on arrival, after each replica's and the sandbox's event loops, which lag by several hundred ms when
 * this box is busy (a burst that starts together arrives spread out). So the e2e checks what lag cannot blur:
 * the total over the run, and, for lag under a second, any second of arrivals (from at most two seconds of
 * starts) holding no more than twice the bound. The busiest second is printed as the figure.
 */
const maxLagMs = 1000
const today = new Date().toISOString().slice(0, 10)
const stateKey = "a-shared-key-of-the-replicas-0123456789abcdef"

/** Every key and value in Redis, like `RedisServer.dump`, through ioredis instead of redis-cli. */
const scanWithoutBlocking = async (port: number) => {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true })
  await client.connect()
  const lines: Array<string> = []
  for (const key of await client.keys("*")) {
    const type = await client.type(key)
    // Expired between the listing and the read.
    if (type === "none") continue
    const value = type === "hash"
      ? JSON.stringify(await client.hgetall(key))
      : type === "zset"
      ? (await client.zrange(key, 0, -1, "WITHSCORES")).join("\n")
      : type === "list"
      ? (await client.lrange(key, 0, -1)).join("\n")
      : type === "set"
      ? (await client.smembers(key)).join("\n")
      : type === "string"
      ? String(await client.get(key))
      // A type this scan cannot read would escape the leak check: a failure, never a skip.
      : (() => {
        throw new Error(`leak scan: key ${key} has type ${type}, which this scan cannot read`)
      })()
    lines.push(key, value)
  }
  await client.quit()
  return lines.join("\n")
}

/** The most arrivals in any window of `windowMs`. */
const busiest = (instants: ReadonlyArray<number>, windowMs: number) => {
  const sorted = [...instants].sort((a, b) => a - b)
  let most = 0
  let first = 0
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first++
    most = Math.max(most, last - first + 1)
  }
  return most
}

// Three `serve --http` replicas of one property (one sandbox) on one Redis: one token, one throttle for all.
describe.skipIf(redisMissing !== undefined)("three replicas share the OPERA throttle and the OAuth token (real Redis)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-upstream-"))
  let redis: RedisServer
  let opera: RunningSandbox
  const replicas: Array<{ server: HttpServerProcess; url: string }> = []
  const keys: Array<string> = []

  beforeAll(async () => {
    redis = await startRedis()
    opera = await startSandbox({
      OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"),
      OPERA_MCP_STATE_URL: redis.url,
      OPERA_MCP_STATE_KEY: stateKey,
      OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "100000",
      OPERA_MCP_HTTP_MAX_CONNECTIONS_PER_SOURCE: "1000",
      OPERA_UPSTREAM_MAX_RPS: String(maxRps)
    })
    const store = ManagedRuntime.make(ClientStore.Default.pipe(
      Layer.provide(NodeFileSystem.layer),
      Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(opera.env)))))
    ))
    for (let index = 0; index < clientsPerReplica * 3; index++) {
      keys.push((await store.runPromise(Effect.flatMap(ClientStore, (clients) => clients.add(`desk-${index}`, { readOnly: true })))).apiKey)
    }
    await store.dispose()
    // Started together, cold: no token anywhere yet.
    const ports = await Promise.all([freePort(), freePort(), freePort()])
    const started = await Promise.all(ports.map((port, index) =>
      startHttpServerProcess(["--port", String(port)], {
        ...opera.env,
        OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, `audit-${index}.db`)
      }).then((server) => ({ server, url: `http://127.0.0.1:${port}/mcp` }))
    ))
    replicas.push(...started)
  }, 120_000)

  afterAll(async () => {
    for (const { server } of replicas) if (server.child.exitCode === null) server.child.kill("SIGKILL")
    await opera?.stop()
    await redis?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it(`one token request for three cold replicas; under load together at most ${maxRps} OPERA requests per second; Redis holds nothing in clear`, async () => {
    expect(await Effect.runPromise(opera.sandbox.tokenRequests)).toBe(0)
    const clients = await Promise.all(keys.map((key, index) => connectClient(replicas[index % 3]?.url ?? "", key)))
    // The first calls, one on every replica at once.
    const first = await Promise.all(clients.slice(0, 3).map((client) => client.call("search_reservations", { arrivalFrom: today, limit: 3 })))
    expect(first.map((result) => result.isError === true ? textOf(result).slice(0, 200) : "ok")).toEqual(first.map(() => "ok"))
    expect(await Effect.runPromise(opera.sandbox.tokenRequests)).toBe(1)

    await Effect.runPromise(opera.sandbox.clearTraffic)
    const startedAt = Date.now()
    const deadline = startedAt + loadSeconds * 1000
    let calls = 0
    let throttled = 0
    const unexpected: Array<string> = []
    // The throttle's slots expire a second after the last one, so Redis is also scanned while they are there
    // (without blocking this process, which hosts the sandbox).
    const duringLoad = new Promise<string>((resolve) => setTimeout(() => resolve(scanWithoutBlocking(redis.port)), 2000))
    await Promise.all(clients.map(async (client) => {
      while (Date.now() < deadline) {
        calls++
        const result = await client.call("search_reservations", { arrivalFrom: today, limit: 3 })
        if (result.isError !== true) continue
        if (/Too many OPERA requests from this server/.test(textOf(result))) throttled++
        else unexpected.push(textOf(result).slice(0, 200))
      }
    }))
    const elapsedSeconds = (Date.now() - startedAt) / 1000
    await Promise.all(clients.map((client) => client.close()))

    const exchanges = (await Effect.runPromise(opera.sandbox.traffic)).filter((exchange) => exchange.route?.module !== "oauth")
    const arrivals = exchanges.map((exchange) => exchange.atMillis)
    const busiestSecond = busiest(arrivals, 1000)
    // The figures: offered load, what reached OPERA, and the busiest second there.
    process.stderr.write(
      `[shared throttle] limit ${maxRps}/s: ${calls} calls in ${elapsedSeconds.toFixed(1)} s over 3 replicas ` +
        `(${(calls / elapsedSeconds).toFixed(1)}/s offered), ${exchanges.length} reached OPERA ` +
        `(${(exchanges.length / elapsedSeconds).toFixed(1)}/s), busiest second ${busiestSecond}, ${throttled} refused by the throttle\n`
    )
    expect(unexpected.slice(0, 5)).toEqual([])
    // The load was well over the bound, so the bound was tested (three unshared throttles would let ~3x through) …
    expect(calls / elapsedSeconds).toBeGreaterThan(maxRps * 1.5)
    expect(throttled).toBeGreaterThan(0)
    // … and the replicas together kept to it: in total, and in every second up to the delivery lag.
    expect(exchanges.length).toBeLessThanOrEqual(maxRps * Math.ceil(elapsedSeconds + 1))
    expect(exchanges.length).toBeGreaterThanOrEqual(maxRps * (loadSeconds - 1))
    expect(busiestSecond).toBeLessThanOrEqual(maxRps * Math.ceil((1000 + maxLagMs) / 1000))
    // Still the one token.
    expect(await Effect.runPromise(opera.sandbox.tokenRequests)).toBe(1)

    const during = await duringLoad
    const after = redis.dump()
    expect(during).toContain("opera-mcp:upstream:")
    expect(after).toContain("opera-mcp:oauth:token:")
    for (const secret of [...(await opera.secrets()), ...keys, stateKey]) {
      expect(during).not.toContain(secret)
      expect(after).not.toContain(secret)
    }
    for (const { server } of replicas) for (const secret of await opera.secrets()) expect(server.stderr()).not.toContain(secret)
  }, 120_000)
})

if (redisMissing !== undefined) {
  describe("shared upstream", () => {
    it.skip(redisMissing ?? "", () => undefined)
  })
}
