import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Effect, Exit, Scope } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { verifyWebhookSignature } from "../../src/security/incident/webhook.js"
import { webhookReceiver } from "../security/incident/receivers.js"
import { connectClient, initializeBody, mcpHeaders, rawRequest } from "../mcp/http/harness.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const eventually = async (check: () => boolean, ms = 15_000) => {
  const until = Date.now() + ms
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
  return check()
}

// No OPERA_MCP_TRUSTED_PROXIES: every request comes from one address, as behind a proxy the server does not trust.
describe("serve --http: failed keys from one source address", () => {
  const scope = Effect.runSync(Scope.make())
  const secret = "webhook-secret-for-the-lockout-test-0123"
  const wrong = (n: number) => "ocm_" + String(n).padStart(43, "Z")
  let hook: Effect.Effect.Success<ReturnType<typeof webhookReceiver>>
  let server: HttpServerProcess
  let url: string
  let key: string

  beforeAll(async () => {
    hook = await Effect.runPromise(Scope.extend(webhookReceiver(), scope))
    const env = {
      OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-http-lockout-")), "clients.json"),
      OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "3",
      OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK: hook.url,
      OPERA_SECURITY_WEBHOOK_SECRET: secret
    }
    key = addClient(env, "frontdesk")
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
  })
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  it("lock the address for unknown keys only: a valid key from it is still served", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await rawRequest(url, { headers: mcpHeaders(wrong(attempt)), body: initializeBody })).status).toBe(401)
    }
    const guessing = await rawRequest(url, { headers: mcpHeaders(wrong(3)), body: initializeBody })
    expect(guessing.status).toBe(429)
    expect(Number(guessing.headers["retry-after"])).toBeGreaterThan(0)
    expect((await rawRequest(url, { headers: mcpHeaders(), body: initializeBody })).status).toBe(429)

    expect((await rawRequest(url, { headers: mcpHeaders(key), body: initializeBody })).status).toBe(200)
    const frontdesk = await connectClient(url, key)
    expect((await frontdesk.call("list_hotels")).isError).toBeFalsy()
    await frontdesk.close()

    // A valid key does not unlock the address for the next guess.
    expect((await rawRequest(url, { headers: mcpHeaders(wrong(4)), body: initializeBody })).status).toBe(429)
  })

  it("raise one signed incident webhook for the burst, however long the guessing goes on", async () => {
    expect(await eventually(() => hook.received.length >= 1), "no incident webhook").toBe(true)
    for (let attempt = 10; attempt < 20; attempt++) {
      expect((await rawRequest(url, { headers: mcpHeaders(wrong(attempt)), body: initializeBody })).status).toBe(429)
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(hook.received.length).toBe(1)
    const alert = hook.received[0]!
    const now = Math.floor(Date.now() / 1000)
    expect(verifyWebhookSignature(secret, String(alert.headers["x-opera-mcp-signature"]), alert.body, now)).toBe(true)
    const body = JSON.parse(alert.body) as { type: string; clientId: string; threats: Array<{ name: string }> }
    expect(body.type).toBe("opera-cloud-mcp.security_incident")
    expect(body.clientId).toMatch(/^source:/)
    expect(body.threats.map((threat) => threat.name)).toEqual(["failed_authentication_burst"])
    for (let attempt = 0; attempt < 20; attempt++) expect(alert.body).not.toContain(wrong(attempt))
    expect(alert.body).not.toContain(key)
  })
})
