import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { SqliteClient } from "@effect/sql-sqlite-node"
import * as Reactivity from "@effect/experimental/Reactivity"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { createServer } from "node:net"
import type { AddressInfo, Server, Socket } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { createServer as createTlsServer } from "node:https"
import type { FaultRule } from "../../src/connectors/opera/sandbox/faults.js"
import { Fault } from "../../src/connectors/opera/sandbox/faults.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { startServer } from "../support/serverProcess.js"

// Each cause class of a failed OPERA request, provoked on loopback (or the .invalid TLD, which never
// resolves): the server's stderr names the host, the class and a correlation id, the tool call's audit
// row holds that id, and OPERA (the sandbox) received it as x-request-id.

interface FailureLine {
  readonly host: string
  readonly failure: string
  readonly requestId: string
  readonly operation: string
}

const failureLines = (stderr: string): ReadonlyArray<FailureLine> =>
  stderr.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return []
    const parsed = JSON.parse(line) as { message: unknown; annotations: Record<string, unknown> }
    if (parsed.message !== "OPERA request failed") return []
    return [{
      host: String(parsed.annotations["opera.host"]),
      failure: String(parsed.annotations.failure),
      requestId: String(parsed.annotations["opera.request_id"]),
      operation: String(parsed.annotations["opera.operation"])
    }]
  })

// The clear column, read as an operator would with sqlite3.
const auditedRequestIds = (dbPath: string): Promise<ReadonlyArray<string>> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const db = yield* SqliteClient.make({ filename: dbPath, readonly: true })
    const rows = yield* db<{ ids: string | null }>`SELECT upstream_request_ids AS ids FROM audit_events WHERE kind = 'tool_call'`
    return rows.flatMap((row) => row.ids?.split(" ") ?? [])
  })).pipe(Effect.provide(Reactivity.layer)))

const listening = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)))

const closing = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()))

describe("upstream failures an operator can act on", () => {
  let opera: RunningSandbox
  const dir = mkdtempSync(path.join(tmpdir(), "opera-upstream-"))
  const held: Array<Socket> = []
  let refusedPort: number
  let silentPort: number
  let tlsPort: number
  const servers: Array<Server> = []

  beforeAll(async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "false" })
    // A port that was free a moment ago and now has no listener: connections are refused.
    const probe = createServer()
    refusedPort = await listening(probe)
    await closing(probe)
    // Accepts and never answers.
    const silent = createServer((socket) => held.push(socket))
    silentPort = await listening(silent)
    // TLS with a self-signed certificate no trust store holds.
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")
    ], { stdio: "ignore" })
    const tls = createTlsServer({ key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) })
    tlsPort = await listening(tls)
    servers.push(silent, tls)
  }, 60_000)

  afterAll(async () => {
    for (const socket of held) socket.destroy()
    await Promise.all(servers.map(closing))
    await opera?.stop()
  })

  const provoke = async (name: string, baseUrl: string, fault?: FaultRule) => {
    await Effect.runPromise(opera.sandbox.faults.clear)
    if (fault !== undefined) await Effect.runPromise(opera.sandbox.faults.inject(fault))
    const auditDbPath = path.join(dir, `${name}.db`)
    const session = await startServer({
      args: ["serve"],
      env: { ...opera.env, OPERA_BASE_URL: baseUrl, OPERA_TIMEOUT_MS: "400", OPERA_SECURITY_AUDIT_DB_PATH: auditDbPath }
    })
    let stderr = ""
    try {
      const result = await session.call("get_reservation", { reservationId: "500001" })
      expect(result.isError).toBe(true)
    } finally {
      await session.close()
      stderr = session.stderr()
    }
    for (const secret of await opera.secrets()) expect(stderr).not.toContain(secret)
    return { lines: failureLines(stderr), audited: await auditedRequestIds(auditDbPath), stderr }
  }

  const expectClass = (
    outcome: Awaited<ReturnType<typeof provoke>>,
    failure: string,
    host: string
  ) => {
    const matching = outcome.lines.filter((line) => line.failure === failure)
    expect(matching.length, outcome.stderr).toBeGreaterThan(0)
    for (const line of matching) {
      expect(line.host).toBe(host)
      expect(line.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect(outcome.audited).toContain(line.requestId)
    }
    return matching
  }

  it("refused: a closed loopback port", async () => {
    const host = `127.0.0.1:${refusedPort}`
    expectClass(await provoke("refused", `http://${host}`), "refused", host)
  }, 60_000)

  it("dns: a host name that cannot resolve", async () => {
    expectClass(await provoke("dns", "https://opera.invalid"), "dns", "opera.invalid")
  }, 60_000)

  it("tls: a certificate no one vouches for", async () => {
    const host = `127.0.0.1:${tlsPort}`
    expectClass(await provoke("tls", `https://${host}`), "tls", host)
  }, 60_000)

  it("timeout: a server that never answers", async () => {
    const host = `127.0.0.1:${silentPort}`
    expectClass(await provoke("timeout", `http://${host}`), "timeout", host)
  }, 60_000)

  const sandboxHost = () => new URL(opera.env.OPERA_BASE_URL!).host

  const sentToOpera = async (requestIds: ReadonlyArray<string>) => {
    const traffic = await Effect.runPromise(opera.sandbox.traffic)
    const sent = new Set(traffic.map((exchange) => exchange.headers["x-request-id"]))
    for (const id of requestIds) expect(sent.has(id)).toBe(true)
  }

  it("unauthorized, throttled and server: OPERA's 401, 429 and 5xx, with the id sent as x-request-id", async () => {
    const target = { operationId: "getReservation" }
    const unauthorized = expectClass(
      await provoke("unauthorized", opera.env.OPERA_BASE_URL!, { target, fault: Fault.unauthorized }),
      "unauthorized",
      sandboxHost()
    )
    await sentToOpera(unauthorized.map((line) => line.requestId))
    const throttled = expectClass(
      await provoke("throttled", opera.env.OPERA_BASE_URL!, { target, fault: Fault.rateLimited(0) }),
      "throttled",
      sandboxHost()
    )
    await sentToOpera(throttled.map((line) => line.requestId))
    const server = expectClass(
      await provoke("server", opera.env.OPERA_BASE_URL!, { target, fault: Fault.status(503) }),
      "server",
      sandboxHost()
    )
    expect(server.every((line) => line.operation === "getReservation")).toBe(true)
    await sentToOpera(server.map((line) => line.requestId))
  }, 120_000)
})
