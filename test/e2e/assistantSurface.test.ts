import type { Client } from "@modelcontextprotocol/client"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { builtBinary, startServer } from "../support/serverProcess.js"
import type { Era, V2Session } from "../support/v2Client.js"
import { connectV2Http, startV2Stdio } from "../support/v2Client.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const eras: ReadonlyArray<Era> = ["modern", "legacy"]
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

const exported = (env: Record<string, string>) => {
  const run = spawnSync(process.execPath, [builtBinary, "audit", "export", "--reveal"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 30_000
  })
  expect(run.status, run.stderr).toBe(0)
  return run.stdout.trim().split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line) as { clientId: string; tool?: string; kind: string; outcome: string; details?: string }
  )
}

const textOf = (result: { contents: ReadonlyArray<unknown> }) => {
  const first = result.contents[0] as { text?: string } | undefined
  return first?.text ?? ""
}

/** Resources, templates, a reservation and a guest read, a prompt and completions, as one client sees them. */
const exercise = async (session: V2Session, hotelId: string) => {
  const client: Client = session.client
  const { resources } = await client.listResources()
  expect(resources.map((resource) => resource.uri)).toContain(`opera://hotels/${hotelId}/arrivals/today`)
  const { resourceTemplates } = await client.listResourceTemplates()
  expect(resourceTemplates.map((template) => template.uriTemplate))
    .toContain("opera://hotels/{hotelId}/reservations/{reservationId}")

  const found = await session.call("search_reservations", { arrivalFrom: inDays(-3), arrivalTo: inDays(5), limit: 5 })
  expect(found.isError).toBeFalsy()
  const seen = (found.structuredContent as { reservations: Array<{ reservationId: string; guest: { profileId?: string } }> }).reservations
  const first = seen[0]!

  const reservation = await client.readResource({ uri: `opera://hotels/${hotelId}/reservations/${first.reservationId}` })
  expect(JSON.parse(textOf(reservation)).reservation.reservationId).toBe(first.reservationId)
  // The client's own recent reservations, newest first: the one it just read, then the rest of its search
  // (and, over HTTP, what the same key saw in an earlier session).
  const reservationIds = await client.complete({
    ref: { type: "ref/prompt", name: "check_in_guest" },
    argument: { name: "reservationId", value: "" }
  })
  expect(reservationIds.completion.values[0]).toBe(first.reservationId)
  expect(reservationIds.completion.values).toEqual(expect.arrayContaining(seen.map((entry) => entry.reservationId)))
  const profileId = first.guest.profileId!
  // Masked exactly as the tool's result is (the same pipeline step).
  const guest = await client.readResource({ uri: `opera://hotels/${hotelId}/guests/${profileId}` })
  const profileTool = await session.call("get_guest_profile", { profileId: Number(profileId) })
  expect(JSON.parse(textOf(guest))).toEqual(profileTool.structuredContent)
  const arrivals = await client.readResource({ uri: `opera://hotels/${hotelId}/arrivals/today` })
  expect(JSON.parse(textOf(arrivals)).reservations).toBeInstanceOf(Array)

  const { prompts } = await client.listPrompts()
  expect(prompts.map((prompt) => prompt.name)).toEqual(expect.arrayContaining([
    "prepare_todays_arrivals",
    "check_in_guest",
    "night_audit_summary",
    "handle_group_block",
    "answer_billing_question"
  ]))
  const checkIn = await client.getPrompt({ name: "check_in_guest", arguments: { reservationId: first.reservationId } })
  const text = (checkIn.messages[0]?.content as { text: string }).text
  expect(text).toContain(first.reservationId)
  expect(text).toContain("`check_in_guest`")
  expect(text).not.toContain("untrusted-opera-text")
  // What the user typed is masked before any model sees it.
  const billing = await client.getPrompt({
    name: "answer_billing_question",
    arguments: { reservationId: first.reservationId, question: "Why was card 4111 1111 1111 1111 charged? Mail jane.doe@example.com" }
  })
  const billingText = JSON.stringify(billing.messages)
  expect(billingText).toContain("Why was card")
  expect(billingText).not.toContain("4111 1111 1111 1111")
  expect(billingText).not.toContain("jane.doe@example.com")

  const hotels = await client.complete({
    ref: { type: "ref/resource", uri: "opera://hotels/{hotelId}/rate-plans" },
    argument: { name: "hotelId", value: hotelId.slice(0, 2).toLowerCase() }
  })
  expect(hotels.completion.values).toContain(hotelId)
  const ratePlans = await client.complete({
    ref: { type: "ref/prompt", name: "handle_group_block" },
    argument: { name: "ratePlanCode", value: "" }
  })
  expect(ratePlans.completion.values.length).toBeGreaterThan(0)
  const roomTypes = await client.complete({
    ref: { type: "ref/prompt", name: "check_in_guest" },
    argument: { name: "roomType", value: "" }
  })
  expect(roomTypes.completion.values.length).toBeGreaterThan(0)
  const packages = await client.complete({
    ref: { type: "ref/prompt", name: "answer_billing_question" },
    argument: { name: "packageCode", value: "" }
  })
  expect(packages.completion.values.length).toBeGreaterThan(0)
  // An argument the prompt does not have completes to nothing.
  const none = await client.complete({ ref: { type: "ref/prompt", name: "night_audit_summary" }, argument: { name: "packageCode", value: "" } })
  expect(none.completion.values).toEqual([])
  return { reservationId: first.reservationId, profileId, guestName: JSON.parse(textOf(reservation)).reservation.guest.name as string }
}

/** Subscribes (2025: resources/subscribe; 2026-07-28: subscriptions/listen), changes the reservation, waits for the update. */
const hearsOfChange = async (session: V2Session, era: Era, uri: string, reservationId: string) => {
  const heard: Array<string> = []
  session.client.setNotificationHandler("notifications/resources/updated", (notification) => {
    heard.push(notification.params.uri)
  })
  const subscription = era === "modern"
    ? await session.client.listen({ resourceSubscriptions: [uri] })
    : (await session.client.subscribeResource({ uri }), undefined)
  const changed = await session.call("modify_reservation", { reservationId: Number(reservationId), adults: 2 })
  expect(changed.isError, JSON.stringify(changed.content)).toBeFalsy()
  for (let wait = 0; wait < 50 && !heard.includes(uri); wait++) await new Promise((resolve) => setTimeout(resolve, 100))
  await subscription?.close()
  expect(heard).toContain(uri)
}

describe("resources, prompts and completions over stdio, both eras", () => {
  let opera: RunningSandbox
  let seen: { readonly reservationId: string; readonly guestName: string } | undefined
  beforeAll(async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "false" })
  })
  afterAll(async () => {
    await opera?.stop()
  })

  for (const era of eras) {
    it(`${era}: lists and reads resources (guest masked), gets a prompt, completes, hears of a change`, async () => {
      const session = await startV2Stdio({ args: ["serve"], env: opera.env, era })
      try {
        const hotelId = opera.env.OPERA_HOTEL_ID!
        const { reservationId, guestName } = await exercise(session, hotelId)
        seen = { reservationId, guestName }
        await hearsOfChange(session, era, `opera://hotels/${hotelId}/reservations/${reservationId}`, reservationId)
        for (const secret of await opera.secrets()) expect(session.stderr().includes(secret), "a secret leaked").toBe(false)
        const initialize = session.client.getInstructions() ?? ""
        for (const domain of ["reservations", "guests", "front-desk", "housekeeping", "rates", "cashiering", "blocks", "activities"]) {
          expect(initialize).toContain(domain)
        }
        for (const profile of ["full", "minimal", "front-desk", "housekeeping", "revenue", "reservations", "read-only"]) {
          expect(initialize).toContain(profile)
        }
      } finally {
        await session.close()
      }
    })
  }

  it("audits resource reads and prompt gets like tool calls, under the caller's own id", async () => {
    const rows = exported(opera.env)
    const prompt = rows.filter((row) => row.tool === "prompt:check_in_guest")
    expect(prompt.length).toBeGreaterThanOrEqual(2)
    expect(rows.filter((row) => row.tool === "get_guest_profile" && row.outcome === "success").length).toBeGreaterThanOrEqual(2)
    for (const row of prompt) expect(row.clientId).toMatch(/^stdio#[0-9a-f]{8}$/)
  })

  it("a 1.x SDK client lists and reads a resource, gets a prompt and completes; GDPR mode masks the guest's name in it", async () => {
    const session = await startServer({ args: ["serve"], env: { ...opera.env, OPERA_SECURITY_ENABLE_GDPR_MODE: "true" } })
    try {
      const hotelId = opera.env.OPERA_HOTEL_ID!
      const { resources } = await session.client.listResources()
      const rates = resources.find((resource) => resource.uri === `opera://hotels/${hotelId}/rate-plans`)!
      const read = await session.client.readResource({ uri: rates.uri })
      expect(JSON.parse((read.contents[0] as { text: string }).text).ratePlans.length).toBeGreaterThan(0)
      const prompt = await session.client.getPrompt({ name: "night_audit_summary", arguments: {} })
      expect(JSON.stringify(prompt.messages)).toContain("get_daily_revenue")
      const hotels = await session.client.complete({
        ref: { type: "ref/prompt", name: "night_audit_summary" },
        argument: { name: "hotelId", value: "" }
      })
      expect(hotels.completion.values).toContain(hotelId)
      const reservation = await session.client.readResource({ uri: `opera://hotels/${hotelId}/reservations/${seen!.reservationId}` })
      const name = JSON.parse((reservation.contents[0] as { text: string }).text).reservation.guest.name as string
      expect(seen!.guestName.length).toBeGreaterThan(3)
      expect(name).not.toBe(seen!.guestName)
      expect((reservation.contents[0] as { text: string }).text).not.toContain(seen!.guestName)
      const unknown = await session.client.readResource({ uri: "opera://hotels/X/nothing" }).then(() => "read", (error: Error) => error.message)
      expect(unknown).toContain("resources/templates/list")
    } finally {
      await session.close()
    }
  })
})

describe("resources, prompts and completions over Streamable HTTP, both eras", () => {
  const env = { OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-surface-")), "clients.json") }
  let server: HttpServerProcess
  let url: string
  let deskKey: string
  let otherKey: string
  let viewerKey: string

  beforeAll(async () => {
    deskKey = addClient(env, "desk")
    otherKey = addClient(env, "other-desk")
    viewerKey = addClient(env, "viewer", ["--read-only", "--tools", "search_reservations,get_reservation"])
    const port = await freePort()
    url = `http://127.0.0.1:${port}/mcp`
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], { ...env, OPERA_MCP_REQUIRE_CONFIRMATION: "false" })
  })
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) server.child.kill("SIGKILL")
  })

  for (const era of eras) {
    it(`${era}: the same surface, and a change heard by the subscriber`, async () => {
      const session = await connectV2Http(url, deskKey, era)
      try {
        const hotels = await session.client.complete({
          ref: { type: "ref/prompt", name: "night_audit_summary" },
          argument: { name: "hotelId", value: "" }
        })
        const hotelId = hotels.completion.values[0]!
        const { reservationId } = await exercise(session, hotelId)
        await hearsOfChange(session, era, `opera://hotels/${hotelId}/reservations/${reservationId}/folio`, reservationId)
      } finally {
        await session.close()
      }
    })
  }

  for (const era of eras) {
    it(`${era}: recent reservation ids are the client's own; a narrower key sees fewer prompts and resources`, async () => {
      const other = await connectV2Http(url, otherKey, era)
      const viewer = await connectV2Http(url, viewerKey, era)
      try {
        // The desk client has seen reservations (the test above); this client has seen none.
        const offered = await other.client.complete({
          ref: { type: "ref/prompt", name: "check_in_guest" },
          argument: { name: "reservationId", value: "" }
        })
        expect(offered.completion.values).toEqual([])

        expect((await viewer.client.listPrompts()).prompts).toEqual([])
        const templates = (await viewer.client.listResourceTemplates()).resourceTemplates.map((template) => template.name)
        expect(templates).toEqual(["reservation"])
        const hotelId = (await viewer.client.complete({
          ref: { type: "ref/resource", uri: "opera://hotels/{hotelId}/reservations/{reservationId}" },
          argument: { name: "hotelId", value: "" }
        })).completion.values[0]!
        const refused = await viewer.client.readResource({ uri: `opera://hotels/${hotelId}/rate-plans` })
          .then(() => "read", (error: Error) => error.message)
        expect(refused).toContain("not allowed for this client")
        const notAPrompt = await viewer.client.getPrompt({ name: "check_in_guest", arguments: { reservationId: "1" } })
          .then(() => "got", (error: Error) => error.message)
        expect(notAPrompt).toContain("prompts/list")
      } finally {
        await other.close()
        await viewer.close()
      }
    })
  }
})
