import { describe, expect, it } from "vitest"
import { Effect, Exit, Scope } from "effect"
import { verifyWebhookSignature } from "../../src/security/incident/webhook.js"
import { smtpReceiver, webhookReceiver } from "../security/incident/receivers.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { startServer, textOf } from "../support/serverProcess.js"

const eventually = async (check: () => boolean, ms = 15_000) => {
  const until = Date.now() + ms
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50))
  return check()
}

describe("the security pipeline over stdio", () => {
  it("refuses a client over its rate limit at once, with when to retry", async () => {
    const opera = await startSandbox({
      OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "3",
      OPERA_SECURITY_ENABLE_SECURITY_DEBUG_LOGS: "true"
    })
    const session = await startServer({ args: ["serve"], env: opera.env })
    try {
      for (let call = 0; call < 3; call++) {
        expect((await session.call("list_hotels")).isError).toBeFalsy()
      }
      const refused = await session.call("list_hotels")
      expect(refused.isError).toBe(true)
      expect(textOf(refused)).toMatch(/rate limit|Too many/i)
      // The limit is per tool: another tool still answers.
      expect((await session.call("describe_tools", {})).isError).toBeFalsy()
      // Security debug logs say what the pipeline decided, as JSON on stderr.
      await new Promise((resolve) => setTimeout(resolve, 200))
      const decisions = session.stderr().split("\n").filter((line) => line.includes("\"tool call\""))
      expect(decisions.length).toBe(5)
      expect(decisions.some((line) => line.includes("RateLimited"))).toBe(true)
    } finally {
      await session.close()
      await opera.stop()
    }
  })

  it("locks a client out after repeated refused calls, and the lockout covers every tool", async () => {
    const opera = await startSandbox({ OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "3" })
    const session = await startServer({ args: ["serve"], env: opera.env })
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await session.call("get_reservation", { reservationId: { $gt: "" } })).isError).toBe(true)
      }
      const locked = await session.call("list_hotels")
      expect(locked.isError).toBe(true)
      expect(textOf(locked)).toMatch(/locked out/i)
    } finally {
      await session.close()
      await opera.stop()
    }
  })

  it("read-only mode lists only read-only tools and refuses writes by name", async () => {
    const opera = await startSandbox({ OPERA_MCP_READ_ONLY: "true" })
    const session = await startServer({ args: ["serve"], env: opera.env })
    try {
      const { tools } = await session.client.listTools()
      expect(tools.length).toBeGreaterThan(20)
      expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true)
      const write = await session.call("create_reservation", {
        guest: { surname: "Nope" },
        arrivalDate: "2030-01-01",
        departureDate: "2030-01-02",
        roomType: "KING",
        ratePlanCode: "BAR",
        adults: 1
      })
      expect(write.isError).toBe(true)
      expect(textOf(write)).toMatch(/read-only mode/)
      const traffic = await Effect.runPromise(opera.sandbox.traffic)
      expect(traffic.some((exchange) => exchange.route?.operationId === "postReservation")).toBe(false)
    } finally {
      await session.close()
      await opera.stop()
    }
  })

  it("an assistant's burst of 25 list_hotels calls in under 10 s is not blocked and raises no alert", async () => {
    const scope = Effect.runSync(Scope.make())
    const hook = await Effect.runPromise(Scope.extend(webhookReceiver(), scope))
    const opera = await startSandbox({
      OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK: hook.url,
      OPERA_SECURITY_WEBHOOK_SECRET: "webhook-secret-for-the-test-0123456789"
    })
    const session = await startServer({ args: ["serve"], env: opera.env, clientName: "busy-assistant" })
    try {
      const started = Date.now()
      for (let call = 0; call < 25; call++) {
        const result = await session.call("list_hotels")
        expect(result.isError, textOf(result)).toBeFalsy()
      }
      expect(Date.now() - started).toBeLessThan(10_000)
      expect((await session.call("search_reservations", { limit: 1 })).isError).toBeFalsy()
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      expect(hook.received).toEqual([])
    } finally {
      await session.close()
      await opera.stop()
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  })

  it("an assistant that reads, in a burst, the 110 reservations a search just showed it is neither taken for an enumeration nor a scrape", async () => {
    const opera = await startSandbox()
    const session = await startServer({ args: ["serve"], env: opera.env, clientName: "arrivals-assistant" })
    try {
      const listed = await session.call("search_reservations", { limit: 110 })
      const { reservations } = listed.structuredContent as { reservations: Array<{ reservationId: string }> }
      // 110: under the rate limit of 120 calls a minute to one tool, a separate control.
      expect(reservations.length).toBe(110)
      const refused: Array<string> = []
      for (const { reservationId } of reservations) {
        const result = await session.call("get_reservation", { reservationId })
        if (result.isError) refused.push(textOf(result))
      }
      expect(refused).toEqual([])
    } finally {
      await session.close()
      await opera.stop()
    }
  })

  it("a scraping attack is blocked and raises one signed webhook alert and one email", async () => {
    const scope = Effect.runSync(Scope.make())
    const hook = await Effect.runPromise(Scope.extend(webhookReceiver(), scope))
    const smtp = await Effect.runPromise(Scope.extend(smtpReceiver, scope))
    const secret = "webhook-secret-for-the-test-0123456789"
    const opera = await startSandbox({
      OPERA_SECURITY_SECURITY_NOTIFICATION_WEBHOOK: hook.url,
      OPERA_SECURITY_WEBHOOK_SECRET: secret,
      OPERA_SECURITY_SECURITY_NOTIFICATION_EMAIL: "security@hotel.example",
      OPERA_SECURITY_SMTP_HOST: "127.0.0.1",
      OPERA_SECURITY_SMTP_PORT: String(smtp.port)
    })
    const session = await startServer({ args: ["serve"], env: opera.env, clientName: "scraper" })
    try {
      const guests = opera.sandbox.seededGuests.slice(0, 120)
      let blockedAt = -1
      for (const [index, guest] of guests.entries()) {
        const result = await session.call("get_guest_profile", { profileId: guest.profileId })
        if (result.isError && /block|threat|refused/i.test(textOf(result))) {
          blockedAt = index
          break
        }
      }
      expect(blockedAt, "the scraping was never blocked").toBeGreaterThan(0)
      expect(blockedAt).toBeLessThan(60)
      // Still blocked for other tools: the incident blocks the client, not one call.
      expect((await session.call("search_reservations", { limit: 1 })).isError).toBe(true)

      expect(await eventually(() => hook.received.length >= 1)).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(hook.received.length).toBe(1)
      const alert = hook.received[0]!
      const signature = String(alert.headers["x-opera-mcp-signature"])
      expect(verifyWebhookSignature(secret, signature, alert.body, Math.floor(Date.now() / 1000))).toBe(true)
      expect(verifyWebhookSignature("another-secret", signature, alert.body, Math.floor(Date.now() / 1000))).toBe(false)
      const body = JSON.parse(alert.body) as { type: string; clientId: string; threats: Array<{ name: string }> }
      expect(body.type).toBe("opera-cloud-mcp.security_incident")
      expect(body.clientId).toMatch(/^stdio#[0-9a-f]{8}$/)
      for (const guest of guests) {
        if (guest.email !== undefined) expect(alert.body).not.toContain(guest.email)
      }

      expect(await eventually(() => smtp.received.length >= 1)).toBe(true)
      expect(smtp.received[0]!.to.join(",")).toContain("security@hotel.example")

      const health = await session.call("security_health_check")
      // The blocked client may still ask for the health check? It is refused like any other call.
      expect(health.isError).toBe(true)
    } finally {
      await session.close()
      await opera.stop()
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  })
})
