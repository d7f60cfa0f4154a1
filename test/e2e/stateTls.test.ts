import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { ChildProcess } from "node:child_process"
import { execFileSync, spawn } from "node:child_process"
import { Redis } from "ioredis"
import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { connectClient, initializeBody, mcpHeaders, rawRequest, textOf } from "../mcp/http/harness.js"
import { redisMissing, redisServerPath } from "../support/redisServer.js"
import { startServer } from "../support/serverProcess.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const stateKey = "a-shared-key-of-the-replicas-0123456789abcdef"
const password = `pw-${randomBytes(12).toString("hex")}`
const wrongPassword = `pw-${randomBytes(12).toString("hex")}`
const probePassword = `probe-${randomBytes(12).toString("hex")}`

/**
 * The commands the store sends and the ones its Lua scripts run (ACL checks both), and INFO for ioredis's
 * ready check: nothing else, and only keys under the store's prefix. The README lists the same line.
 */
const storeCommands = [
  "ping", "info", "quit", "evalsha", "eval", "multi", "exec",
  "get", "set", "del", "incr", "pexpire",
  "hget", "hgetall", "hset", "hdel", "hkeys", "hincrby",
  "zadd", "zcard", "zcount", "zrange", "zrem", "zremrangebyscore", "zremrangebyrank",
  "rpush", "llen", "ltrim", "lindex", "lpop", "lrange"
]

const stopServer = async (server: HttpServerProcess | undefined) => {
  if (server === undefined || server.child.exitCode !== null) return
  server.child.kill("SIGTERM")
  await server.exited
}

/**
 * A real redis-server that speaks only TLS (`--port 0`), with its default user off: the store's ACL user
 * (`opera-mcp`, the commands above on `opera-mcp:*`) and a probe user for the test's own reads.
 */
describe.skipIf(redisMissing !== undefined)("shared state over rediss:// with an ACL user (real redis-server, TLS)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-state-tls-"))
  const certFile = path.join(dir, "cert.pem")
  const keyFile = path.join(dir, "key.pem")
  let redis: ChildProcess | undefined
  let probe: Redis
  let port = 0
  const servers: Array<HttpServerProcess> = []
  const logs: Array<() => string> = []

  const env = (secret: string): Record<string, string> => ({
    OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"),
    OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "audit.db"),
    OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: auditKey,
    OPERA_SECURITY_PII_HASH_KEY: piiKey,
    OPERA_MCP_STATE_URL: `rediss://127.0.0.1:${port}`,
    OPERA_MCP_STATE_USERNAME: "opera-mcp",
    OPERA_MCP_STATE_PASSWORD: secret,
    OPERA_MCP_STATE_KEY: stateKey,
    OPERA_MCP_STATE_TIMEOUT_MS: "500",
    // The test's own CA (the self-signed certificate): how an operator trusts a private CA.
    NODE_EXTRA_CA_CERTS: certFile
  })
  const auditKey = randomBytes(32).toString("base64")
  const piiKey = randomBytes(32).toString("base64")

  beforeAll(async () => {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", keyFile, "-out", certFile
    ], { stdio: "ignore" })
    port = await freePort()
    redis = spawn(redisServerPath, [
      "--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no",
      "--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-ca-cert-file", certFile, "--tls-auth-clients", "no",
      "--user", "default", "off",
      "--user", "opera-mcp", "on", `>${password}`, "resetkeys", "~opera-mcp:*", "-@all", ...storeCommands.map((name) => `+${name}`),
      "--user", "probe", "on", `>${probePassword}`, "~*", "+@all"
    ], { stdio: "ignore" })
    probe = new Redis({
      host: "127.0.0.1",
      port,
      username: "probe",
      password: probePassword,
      tls: { ca: readFileSync(certFile) },
      lazyConnect: true,
      retryStrategy: () => 50
    })
    probe.on("error", () => undefined)
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await probe.connect().then(() => true, () => false)) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await probe.ping()).toBe("PONG")
  }, 60_000)

  afterAll(async () => {
    for (const server of servers) await stopServer(server)
    probe?.disconnect()
    if (redis !== undefined && redis.exitCode === null) {
      const running = redis
      await new Promise<void>((resolve) => {
        running.once("exit", () => resolve())
        running.kill("SIGKILL")
      })
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it("a plain redis:// connection, or one without the ACL user, gets nowhere (the server is TLS and ACL only)", async () => {
    const plain = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    plain.on("error", () => undefined)
    await expect(plain.connect().then(() => plain.ping())).rejects.toBeDefined()
    plain.disconnect()
    const anonymous = new Redis({ host: "127.0.0.1", port, tls: { ca: readFileSync(certFile) }, lazyConnect: true, retryStrategy: () => null })
    anonymous.on("error", () => undefined)
    await expect(anonymous.connect().then(() => anonymous.ping())).rejects.toBeDefined()
    anonymous.disconnect()
  })

  it("serve --http over TLS with the ACL user: reads and an OPERA search work, and Redis holds only opera-mcp:* keys", async () => {
    const key = addClient(env(password), "frontdesk")
    const httpPort = await freePort()
    const server = await startHttpServerProcess(["--sandbox", "--port", String(httpPort)], env(password))
    servers.push(server)
    logs.push(server.stderr, server.stdout)
    const desk = await connectClient(`http://127.0.0.1:${httpPort}/mcp`, key)
    expect((await desk.call("list_hotels")).isError).toBeFalsy()
    // Reaches the sandbox: the shared OPERA throttle and the shared OAuth token go through the ACL user as well.
    const today = new Date().toISOString().slice(0, 10)
    const search = await desk.call("search_reservations", { arrivalFrom: today, limit: 3 })
    expect(search.isError, textOf(search)).toBeFalsy()
    const health = await desk.call("security_health_check")
    expect(textOf(health)).toContain("security state: redis, ok")
    await desk.close()

    const keys = await probe.keys("*")
    expect(keys.length).toBeGreaterThan(0)
    expect(keys.filter((name) => !name.startsWith("opera-mcp:"))).toEqual([])
    const acl = await probe.call("ACL", "LOG") as Array<unknown>
    // Nothing the store did was refused by the ACL (a refusal is logged there).
    expect(JSON.stringify(acl)).not.toContain("opera-mcp")
    await stopServer(server)
  }, 120_000)

  it("a wrong password fails closed: HTTP refuses keys, /readyz and the health check say why, the password is in no output", async () => {
    const key = addClient(env(wrongPassword), "night-audit")
    const httpPort = await freePort()
    const server = await startHttpServerProcess(["--sandbox", "--port", String(httpPort)], env(wrongPassword))
    servers.push(server)
    logs.push(server.stderr, server.stdout)
    const refused = await rawRequest(`http://127.0.0.1:${httpPort}/mcp`, { headers: mcpHeaders(key), body: initializeBody })
    expect(refused.status).toBe(503)
    expect(refused.body).toContain("cannot check credentials right now")
    const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`)
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({ ready: false, securityState: "unreachable" })
    expect(server.stderr()).toContain("Redis refused the credentials")
    await stopServer(server)

    // Over stdio (no HTTP key check in the way): a read is refused with a clear message, the health check says why.
    const session = await startServer({ args: ["serve", "--sandbox"], env: env(wrongPassword) })
    logs.push(session.stderr, session.stdout)
    try {
      const read = await session.call("search_reservations", { arrivalFrom: new Date().toISOString().slice(0, 10), limit: 3 })
      expect(read.isError).toBe(true)
      expect(textOf(read)).toContain("the shared security state is unreachable")
      // The server's own reads (list_hotels is one) still answer, to report the outage.
      expect((await session.call("list_hotels")).isError).toBeFalsy()
      const health = textOf(await session.call("security_health_check"))
      expect(health).toContain("security state: redis UNREACHABLE")
      expect(health).toContain("Redis refused the credentials")
    } finally {
      await session.close()
    }
  }, 120_000)

  afterAll(() => {
    // Every server output of this file: no password (right or wrong), no state key.
    const everything = logs.map((read) => read()).join("\n")
    expect(everything.length).toBeGreaterThan(0)
    for (const secret of [password, wrongPassword, stateKey, probePassword]) expect(everything).not.toContain(secret)
  })
})
