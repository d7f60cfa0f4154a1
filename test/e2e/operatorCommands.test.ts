import { afterAll, describe, expect, it } from "vitest"
import { execFile } from "node:child_process"
import { Redis } from "ioredis"
import { createHash, randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { revocationRefreshMs } from "../../src/security/clients/KeyRevocations.js"
import { paceScript } from "../../src/security/state/upstreamScripts.js"
import { connectClient, initializeBody, mcpHeaders, rawRequest, textOf } from "../mcp/http/harness.js"
import type { RedisServer } from "../support/redisServer.js"
import { redisMissing, startRedis } from "../support/redisServer.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { builtBinary, repoRoot } from "../support/serverProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const stateKey = "a-shared-key-of-the-replicas-0123456789abcdef"
const wrongKey = (n: number) => "ocm_" + String(n).padStart(43, "Q")

/**
 * A CLI command run to completion without blocking this process: a synchronous spawn would stall the
 * event loop while the server closes idle keep-alive connections, and the next call would hit a dead socket.
 */
const runCli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [builtBinary, ...args], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 60_000
    }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === "number" ? error.code : null
      resolve({ status, stdout, stderr })
    })
  })

// The OPERA throttle's script, told apart by its digest: "evalsha:pace" below (one per OPERA request).
const paceSha = createHash("sha1").update(paceScript, "utf8").digest("hex")

/** The commands clients sent to Redis while `work` ran (MONITOR; a script's own commands are left out). */
const commandsDuring = async (port: number, work: () => Promise<unknown>) => {
  const probe = new Redis({ host: "127.0.0.1", port, lazyConnect: true })
  await probe.connect()
  const monitor = await probe.monitor()
  const names: Array<string> = []
  monitor.on("monitor", (_time: string, args: Array<string>, source: string) => {
    if (source.includes("lua")) return
    const name = String(args[0]).toLowerCase()
    names.push(name === "evalsha" && args[1] === paceSha ? "evalsha:pace" : name)
  })
  await new Promise((resolve) => setTimeout(resolve, 100))
  await work()
  await new Promise((resolve) => setTimeout(resolve, 300))
  monitor.disconnect()
  probe.disconnect()
  return names
}

const stopServer = async (server: HttpServerProcess | undefined) => {
  if (server === undefined || server.child.exitCode !== null) return
  server.child.kill("SIGTERM")
  await server.exited
}

/**
 * The operator commands through the built binary, beside a running `serve --http --sandbox`
 * that uses the same store: the local state file (`store` "file") or a real redis-server.
 */
const operatorSuite = (store: "file" | "redis") => {
  const dir = mkdtempSync(path.join(tmpdir(), `opera-ops-${store}-`))
  let redis: RedisServer | undefined
  let server: HttpServerProcess | undefined
  let env: Record<string, string>
  let url = ""

  const start = async () => {
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
  }
  const cli = (...args: Array<string>) => runCli(args, env)
  const setUp = async () => {
    env = {
      OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"),
      OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "audit.db"),
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      OPERA_SECURITY_PII_HASH_KEY: randomBytes(32).toString("base64"),
      OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "3"
    }
    if (store === "redis") {
      redis = await startRedis()
      env = { ...env, OPERA_MCP_STATE_URL: redis.url, OPERA_MCP_STATE_KEY: stateKey }
    }
    const key = addClient(env, "frontdesk")
    await start()
    return key
  }

  afterAll(async () => {
    await stopServer(server)
    await redis?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it("clients block refuses the running server's next call; unblock allows it again; both audited", async () => {
    const key = await setUp()
    const desk = await connectClient(url, key)
    expect((await desk.call("list_hotels")).isError).toBeFalsy()

    const blocked = await cli("clients", "block", "frontdesk", "--minutes", "30")
    expect(blocked.stderr).not.toContain("error")
    expect(blocked.status).toBe(0)
    expect(blocked.stdout).toContain('blocked client "frontdesk" until')
    const refused = await desk.call("list_hotels")
    expect(refused.isError).toBe(true)
    expect(textOf(refused)).toContain("blocked by an administrator")

    const listed = await cli("lockouts", "list", "--json")
    expect(listed.status).toBe(0)
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ kind: "block", label: "frontdesk", incidentId: "operator" })])

    const unblocked = await cli("clients", "unblock", "frontdesk")
    expect(unblocked.status).toBe(0)
    expect(unblocked.stdout).toContain('unblocked client "frontdesk"')
    expect((await desk.call("list_hotels")).isError).toBeFalsy()
    if (redis !== undefined) {
      // An authenticated HTTP read tool call that does not reach OPERA: its admission (block, lockout, window)
      // and the threat monitor's attempt are one EVALSHA, the call's outcome in the shared profile a second one.
      // The target is two round trips per call; a third (an extra sync, a plain command) fails here.
      const sent = await commandsDuring(redis.port, () => desk.call("list_hotels"))
      expect(sent.filter((name) => name !== "hkeys")).toEqual(["evalsha", "evalsha"])
      // Each call alike, not only the first after a block was lifted. Beside them (and left out above), an HTTP
      // request's key is checked against the shared revocations (one HKEYS), read at most every 500 ms per replica.
      const startedAt = performance.now()
      const fiveFrom = Date.now()
      const five = await commandsDuring(redis.port, async () => {
        for (let call = 0; call < 5; call++) expect((await desk.call("list_hotels")).isError).toBeFalsy()
      })
      const seconds = (performance.now() - startedAt) / 1000
      expect(five.filter((name) => name !== "hkeys")).toEqual(Array(10).fill("evalsha"))
      expect(five.filter((name) => name === "hkeys").length).toBeLessThanOrEqual(Math.ceil(seconds * 1000 / revocationRefreshMs) + 1)
      // Each read's admission reserved the OPERA throttle's slot of a first request; list_hotels made none (its
      // answer is cached), so each gave its slot back with its outcome: none is left holding the throttle.
      // (A slot's score is its instant: none reserved from the first of the five calls on is still there.)
      const slotKeys = redis.cli("--scan", "--pattern", "opera-mcp:upstream:*").split("\n").filter((line) => line !== "")
      for (const slotKey of slotKeys) expect(redis.cli("ZCOUNT", slotKey, String(fiveFrom), "+inf").trim()).toBe("0")
      // A read that reaches OPERA once takes its throttle slot in the same admission: no round trip of the
      // throttle's own (see UpstreamThrottle). The first such call of a cold replica also fetches and shares the
      // OAuth token; the one measured here reuses it.
      const today = new Date().toISOString().slice(0, 10)
      expect((await desk.call("search_reservations", { arrivalFrom: today, limit: 3 })).isError).toBeFalsy()
      const search = await commandsDuring(redis.port, async () => {
        expect((await desk.call("search_reservations", { arrivalFrom: today, limit: 3 })).isError).toBeFalsy()
      })
      expect(search.filter((name) => name !== "hkeys")).toEqual(["evalsha", "evalsha"])
      // Its slot was used, not given back: it is in the throttle's set.
      const used = redis.cli("--scan", "--pattern", "opera-mcp:upstream:*").split("\n").filter((line) => line !== "")
      expect(used.length).toBe(1)
      expect(Number(redis.cli("ZCARD", used[0] ?? "").trim())).toBeGreaterThanOrEqual(1)
      // A destructive call's confirmation token rides in the admission: issued (kept) there on the first round,
      // consumed there on the confirming call. Two round trips each, plus the throttle's slot per OPERA request.
      const booked = await desk.call("create_reservation", {
        guest: { givenName: "Monitor", surname: "Counted" },
        arrivalDate: "2031-03-01",
        departureDate: "2031-03-03",
        roomType: "QUEEN",
        ratePlanCode: "BAR",
        adults: 1
      })
      expect(booked.isError, textOf(booked)).toBeFalsy()
      const reservationId = (booked.structuredContent as { reservation: { reservationId: string } }).reservation.reservationId
      let token = ""
      const round = await commandsDuring(redis.port, async () => {
        const asked = await desk.call("cancel_reservation", { reservationId })
        expect(asked.isError, textOf(asked)).toBeFalsy()
        token = (asked.structuredContent as { confirmationRequired: { confirmationToken: string } }).confirmationRequired.confirmationToken
      })
      expect(round.filter((name) => name !== "hkeys")).toEqual(["evalsha", "evalsha"])
      const confirmed = await commandsDuring(redis.port, async () => {
        const cancelled = await desk.call("cancel_reservation", { reservationId, confirmationToken: token })
        expect(cancelled.isError, textOf(cancelled)).toBeFalsy()
      })
      const confirmedState = confirmed.filter((name) => name !== "hkeys" && name !== "evalsha:pace")
      expect(confirmedState).toEqual(["evalsha", "evalsha"])
      expect(confirmed.filter((name) => name === "evalsha:pace").length).toBeGreaterThanOrEqual(1)
      // Once only, across the store: the same token again is refused.
      const replayed = await desk.call("cancel_reservation", { reservationId, confirmationToken: token })
      expect(textOf(replayed)).toContain("This confirmation token was already used.")
    }
    await desk.close()

    const trail = await cli("audit", "export", "--since", "1h")
    expect(trail.status).toBe(0)
    expect(trail.stdout).toContain("clients_block")
    expect(trail.stdout).toContain("clients_unblock")
  }, 90_000)

  it("bad input gets a clear message and the usage exit code; nothing changes", async () => {
    const unknown = await cli("clients", "block", "nobody")
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toContain('no client named "nobody"')
    for (const minutes of ["abc", "0", "9999999"]) {
      const bad = await cli("clients", "block", "frontdesk", "--minutes", minutes)
      expect(bad.status).toBe(2)
      expect(bad.stderr).toContain("--minutes must be a whole number from 1 to 525600")
    }
    expect((await cli("lockouts", "clear", "nobody")).status).toBe(2)
    expect((await cli("lockouts", "clear", "source:ip:000000000000")).status).toBe(2)
    expect(JSON.parse((await cli("lockouts", "list", "--json")).stdout)).toEqual([])
  }, 90_000)

  it("a source lockout survives a restart, shows only as a fingerprint, and lockouts clear ends it live", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await rawRequest(url, { headers: mcpHeaders(wrongKey(attempt)), body: initializeBody })).status).toBe(401)
    }
    expect((await rawRequest(url, { headers: mcpHeaders(wrongKey(9)), body: initializeBody })).status).toBe(429)

    await stopServer(server)
    await start()
    expect((await rawRequest(url, { headers: mcpHeaders(wrongKey(10)), body: initializeBody })).status).toBe(429)

    const listed = await cli("lockouts", "list")
    expect(listed.status).toBe(0)
    expect(listed.stdout).not.toContain("127.0.0.1")
    const label = /source:ip:[0-9a-f]{12}/.exec(listed.stdout)?.[0]
    expect(label).toBeDefined()
    const cleared = await cli("lockouts", "clear", label ?? "")
    expect(cleared.status).toBe(0)
    expect(cleared.stdout).toContain(`cleared the lockout of ${label}`)
    // The running server sees it at once: a wrong key is merely unknown again, not locked out.
    expect((await rawRequest(url, { headers: mcpHeaders(wrongKey(11)), body: initializeBody })).status).toBe(401)
    // The burst also opened an incident, whose block on the source the authenticator does not consult.
    expect((await cli("lockouts", "list")).stdout).not.toMatch(/^lockout\tsource:/m)
    if (redis !== undefined) expect(redis.dump()).not.toContain("127.0.0.1")
  }, 90_000)

  it.runIf(store === "redis")("Redis unreachable: the command says so, changes nothing and exits 4", async () => {
    await redis?.stop()
    const refused = await cli("clients", "block", "frontdesk")
    expect(refused.status).toBe(4)
    expect(refused.stderr).toContain("the shared security state (Redis, OPERA_MCP_STATE_URL) is unreachable")
    expect((await cli("lockouts", "list")).status).toBe(4)
    expect(refused.stderr).not.toContain(stateKey)
    await redis?.start()
  }, 90_000)
}

describe("operator commands against a running server's state file", () => operatorSuite("file"))
describe.skipIf(redisMissing !== undefined)("operator commands against Redis (real redis-server)", () =>
  operatorSuite("redis"))
