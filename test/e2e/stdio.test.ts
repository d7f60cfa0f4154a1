import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import type { ServerSession } from "../support/serverProcess.js"
import { builtBinary, startServer, textOf } from "../support/serverProcess.js"

const today = new Date().toISOString().slice(0, 10)
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

describe("the built server over stdio, against a sandbox on loopback", () => {
  let opera: RunningSandbox
  let session: ServerSession
  const results: Array<string> = []
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = await session.call(name, args)
    results.push(JSON.stringify(result))
    return result
  }

  beforeAll(async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "true" })
    session = await startServer({ args: ["serve"], env: opera.env })
  })
  afterAll(async () => {
    await session?.close()
    await opera?.stop()
  })

  it("lists its tools with JSON Schemas and truthful annotations", async () => {
    const { tools } = await session.client.listTools()
    const byName = new Map(tools.map((tool) => [tool.name, tool]))
    for (const name of ["search_reservations", "get_reservation", "create_reservation", "modify_reservation",
      "cancel_reservation", "search_guests", "get_guest_profile", "security_health_check"]) {
      expect(byName.has(name), name).toBe(true)
    }
    expect(byName.get("search_reservations")?.annotations?.readOnlyHint).toBe(true)
    expect(byName.get("cancel_reservation")?.annotations?.destructiveHint).toBe(true)
    expect(byName.get("create_reservation")?.annotations?.readOnlyHint).toBe(false)
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object")
      expect(tool.outputSchema?.type).toBe("object")
    }
  })

  it("runs the demo's calls: search, read, create, cancel (with confirmation), guests, health", async () => {
    const found = await call("search_reservations", { arrivalFrom: today, arrivalTo: inDays(7), limit: 5 })
    expect(found.isError).toBeFalsy()
    const reservations = (found.structuredContent as { reservations: Array<{ reservationId: string; guest: { name: string } }> })
      .reservations
    expect(reservations.length).toBe(5)
    const first = reservations[0]!
    const read = await call("get_reservation", { reservationId: first.reservationId })
    expect((read.structuredContent as { reservation: { reservationId: string } }).reservation.reservationId)
      .toBe(first.reservationId)

    const created = await call("create_reservation", {
      guest: { givenName: "Grace", surname: "Hopper" },
      arrivalDate: inDays(20),
      departureDate: inDays(23),
      roomType: "QUEEN",
      ratePlanCode: "BAR",
      adults: 1
    })
    expect(created.isError).toBeFalsy()
    const newId = (created.structuredContent as { reservation: { reservationId: string; status: string } }).reservation
    expect(newId.status).toBe("Reserved")

    const prepared = await call("cancel_reservation", { reservationId: newId.reservationId })
    expect(prepared.isError).toBeFalsy()
    const token = /"confirmationToken": "([^"]+)"/.exec(textOf(prepared))?.[1]
    expect(token).toBeDefined()
    // Still there: nothing changes before confirmation.
    const still = await call("get_reservation", { reservationId: newId.reservationId })
    expect((still.structuredContent as { reservation: { status: string } }).reservation.status).toBe("Reserved")
    const cancelled = await call("cancel_reservation", { reservationId: newId.reservationId, confirmationToken: token })
    expect(cancelled.isError).toBeFalsy()
    expect((cancelled.structuredContent as { reservationId: string }).reservationId).toBe(newId.reservationId)
    const replay = await call("cancel_reservation", { reservationId: newId.reservationId, confirmationToken: token })
    expect(replay.isError).toBe(true)
    expect(textOf(replay)).toMatch(/already been used|used/i)

    const surname = first.guest.name.split(" ").at(-1)!
    const guests = await call("search_guests", { surname, limit: 3 })
    const guestList = (guests.structuredContent as { guests: Array<{ profileId: string; email?: string }> }).guests
    expect(guestList.length).toBeGreaterThan(0)
    // Contact details are masked in search results …
    for (const guest of guestList) if (guest.email !== undefined) expect(guest.email).toMatch(/\*/)
    // … and shown by the tool that exists to show them.
    const profile = await call("get_guest_profile", { profileId: guestList[0]!.profileId })
    expect(profile.isError).toBeFalsy()

    const health = await call("security_health_check")
    expect(health.isError, textOf(health)).toBeFalsy()
    const healthData = health.structuredContent as { upstream: { connector: string; reachable: boolean; token: { status: string } } }
    expect(healthData.upstream).toMatchObject({ connector: "opera", reachable: true })
    expect(healthData.upstream.token.status).toBe("valid")
  })

  it("answers bad arguments with isError naming the field", async () => {
    const objectForId = await call("get_reservation", { reservationId: { $ne: null } })
    expect(objectForId.isError).toBe(true)
    expect(textOf(objectForId)).toMatch(/reservationId/)
    const badDate = await call("search_reservations", { arrivalFrom: "2026-02-30" })
    expect(badDate.isError).toBe(true)
    expect(textOf(badDate)).toMatch(/arrivalFrom: .*(not a real calendar date|YYYY-MM-DD)/)
    const unknownField = await call("get_reservation", { reservationId: "500001", password: "hunter2-secret" })
    expect(unknownField.isError).toBe(true)
    expect(textOf(unknownField)).toMatch(/password: is not a known field/)
    expect(textOf(unknownField)).not.toContain("hunter2-secret")
    const emptyTool = await call("security_health_check", { verbose: true })
    expect(emptyTool.isError).toBe(true)
    const unknownTool = await call("drop_all_tables", {})
    expect(unknownTool.isError).toBe(true)
    expect(textOf(unknownTool)).toMatch(/Unknown tool/)
  })

  it("masks the server's own secrets and a card number in a tool name when they come back", async () => {
    // The sandbox is OPERA here: whatever a guest message holds comes back in results. A session of its own:
    // the bad arguments above count toward the first session's lockout.
    const own = await startServer({ args: ["serve"], env: opera.env })
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const result = await own.call(name, args)
      results.push(JSON.stringify(result))
      return result
    }
    const { reservations } = (await call("search_reservations", { status: "InHouse", limit: 1 })).structuredContent as {
      reservations: Array<{ reservationId: string }>
    }
    const reservationId = reservations[0]!.reservationId
    const secrets = await opera.secrets()
    const [clientSecret, appKey, auditKey] = secrets
    const token = secrets.at(-1)!
    const text = `secret ${clientSecret} app ${appKey} audit ${auditKey} token ${token}`
    const posted = await call("post_guest_message", { reservationId, text })
    expect(posted.isError, textOf(posted)).toBeFalsy()
    const read = await call("get_guest_messages", { reservationId })
    expect(read.isError, textOf(read)).toBeFalsy()
    for (const result of [posted, read]) {
      const shown = `${textOf(result)}\n${JSON.stringify(result.structuredContent)}`
      expect(shown).toContain("[REDACTED SECRET]")
      for (const secret of [clientSecret!, appKey!, auditKey!, token]) expect(shown).not.toContain(secret)
    }
    const unknownTool = await call("get_4111111111111111", {})
    expect(unknownTool.isError).toBe(true)
    expect(textOf(unknownTool)).toMatch(/Unknown tool/)
    expect(textOf(unknownTool)).not.toContain("4111111111111111")
    await own.close()
    expect(own.stderr()).not.toContain(clientSecret!)
  })

  it("writes nothing but MCP to stdout, and no token, secret or key anywhere", async () => {
    const secrets = await opera.secrets()
    expect(secrets.length).toBeGreaterThan(3)
    const everything = [session.stdout(), session.stderr(), ...results].join("\n")
    for (const secret of secrets) expect(everything.includes(secret), "a secret leaked").toBe(false)
    expect(session.stdout()).not.toContain("NOT-PROTOCOL")
    expect(session.stderr()).not.toMatch(/\sat (file:\/\/|node:|\S+ \()/)
    for (const line of session.stderr().split("\n").filter((line) => line.trim() !== "")) {
      expect(() => JSON.parse(line), line).not.toThrow()
    }
  })
})

describe("start-up", () => {
  it("a missing or malformed setting stops start-up with one line naming it, never its value", () => {
    const run = spawnSync(process.execPath, [builtBinary, "serve"], {
      env: {
        PATH: process.env.PATH ?? "",
        OPERA_BASE_URL: "https://example.invalid",
        OPERA_CLIENT_SECRET: "super-secret-value-123",
        OPERA_APP_KEY: "app-key-value-456",
        OPERA_HOTEL_ID: "H1",
        OPERA_TIMEOUT_MS: "secret-ish-789"
      },
      input: "",
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).not.toBe(0)
    expect(run.stdout).toBe("")
    expect(run.stderr).toContain("configuration error: OPERA_CLIENT_ID: is not set")
    expect(run.stderr).toContain("configuration error: OPERA_TIMEOUT_MS: must be a whole number")
    for (const value of ["super-secret-value-123", "app-key-value-456", "secret-ish-789"]) {
      expect(run.stderr).not.toContain(value)
    }
  })

  it("refuses a plain-http OPERA URL that is not loopback", () => {
    const run = spawnSync(process.execPath, [builtBinary, "serve"], {
      env: {
        PATH: process.env.PATH ?? "",
        OPERA_BASE_URL: "http://opera.example.com",
        OPERA_CLIENT_ID: "c",
        OPERA_CLIENT_SECRET: "s",
        OPERA_APP_KEY: "k",
        OPERA_HOTEL_ID: "H1",
        OPERA_SECURITY_AUDIT_DB_PATH: ":memory:"
      },
      input: "",
      encoding: "utf8",
      timeout: 20_000
    })
    expect(run.status).not.toBe(0)
    expect(run.stderr).toMatch(/OPERA_BASE_URL uses http:\/\//)
  })

  it("serve --sandbox works with no OPERA settings at all", async () => {
    const sandboxed = await startServer({ args: ["serve", "--sandbox"] })
    try {
      const health = await sandboxed.call("security_health_check")
      expect((health.structuredContent as { upstream: { reachable: boolean } }).upstream.reachable).toBe(true)
    } finally {
      await sandboxed.close()
    }
  })

  it("prints --version and --help", () => {
    const version = spawnSync(process.execPath, [builtBinary, "--version"], { encoding: "utf8" })
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    const help = spawnSync(process.execPath, [builtBinary, "--help"], { encoding: "utf8" })
    expect(help.stdout).toContain("serve")
    expect(help.stdout).toContain("sandbox")
  })
})
