import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { catalog } from "../../../../../src/connectors/opera/tools/catalog.js"
import { ok, refusal, reservationsIn, structured, withRuntime } from "../reservations/harness.js"

// The confirmation step has its own tests; here destructive tools go straight through.
vi.stubEnv("OPERA_MCP_REQUIRE_CONFIRMATION", "false")

const guestOf = (profileId: string) =>
  Sandbox.pipe(Effect.flatMap((sandbox) => sandbox.snapshot), Effect.map((snapshot) => snapshot.guests.get(profileId)))

describe("guest extras: definitions", () => {
  it("are annotated truthfully; anonymisation is destructive and needs confirmation", () => {
    const byName = new Map(catalog.map((tool) => [tool.name, tool]))
    const reads = ["get_company_profile", "get_travel_agent_profile", "get_profile_memberships", "get_guest_preferences", "get_guest_stay_history", "find_merge_candidates"]
    for (const name of reads) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true })
      expect(byName.get(name)?.domain).toBe("guests")
    }
    for (const name of ["create_guest_profile", "update_guest_profile", "create_company_profile", "create_travel_agent_profile", "add_guest_preference"]) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false })
    }
    expect(byName.get("request_guest_anonymization")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false })
    expect(Object.keys(byName.get("request_guest_anonymization")?.inputSchema.properties ?? {})).toContain("confirmationToken")
    expect(byName.get("create_travel_agent_profile")?.operations).toEqual(["crm.postCompanyProfile", "crm.getCompanyProfile"])
  })
})

describe("guest extras through dispatch", () => {
  it.live("creates and updates a guest profile; refuses an update of an unknown profile and an empty update", () =>
    withRuntime(Effect.gen(function*() {
      const created = yield* ok("create_guest_profile", { givenName: "Mira", surname: "Lindqvist", email: "mira.l@example.se", address: { city: "Malmö", countryCode: "SE" } })
      const guest = structured(created).guest
      expect(guest).toMatchObject({ givenName: "Mira", surname: "Lindqvist", city: "Malmö", country: "SE" })
      expect(created.text).toContain(`Created: profile ${guest.profileId}`)
      const updated = structured(yield* ok("update_guest_profile", { profileId: guest.profileId, phone: "+46 40 123 456", vipCode: "VIP1" }))
      expect(updated.guest).toMatchObject({ profileId: guest.profileId, vip: { code: "VIP1" } })
      expect((yield* guestOf(guest.profileId))?.phone).toBe("+46 40 123 456")
      expect(yield* refusal("update_guest_profile", { profileId: "999999", surname: "Nobody" })).toContain("No profile has this id")
      expect(yield* refusal("update_guest_profile", { profileId: guest.profileId })).toContain("give at least one field to change")
      expect(yield* refusal("create_guest_profile", { givenName: "NoSurname" })).toContain("surname")
    })))

  it.live("companies and travel agents: create, read, tell them apart, refuse a duplicate IATA number", () =>
    withRuntime(Effect.gen(function*() {
      const company = structured(yield* ok("create_company_profile", { name: "Northwind Traders", city: "Seattle", countryCode: "US", commissionCode: "CORP" })).company
      expect(company).toMatchObject({ profileType: "Company", name: "Northwind Traders", city: "Seattle", country: "US" })
      const read = yield* ok("get_company_profile", { profileId: company.profileId })
      expect(structured(read).company.name).toBe("Northwind Traders")
      expect(read.text).toContain("company | Northwind Traders")

      const agent = structured(yield* ok("create_travel_agent_profile", { name: "Fjord Journeys", iataCode: "87654321", commissionCode: "TA10" })).travelAgent
      expect(agent).toMatchObject({ profileType: "Agent", iataCode: "87654321" })
      const agentRead = yield* ok("get_travel_agent_profile", { profileId: agent.profileId })
      expect(agentRead.text).toContain("travel agent | Fjord Journeys | IATA 87654321")

      expect(yield* refusal("create_travel_agent_profile", { name: "Copy Travel", iataCode: "87654321" })).toContain("IATA number already exists")
      expect(yield* refusal("create_travel_agent_profile", { name: "Bad Number", iataCode: "12AB" })).toContain("7 or 8 digit IATA number")
      expect(yield* refusal("get_travel_agent_profile", { profileId: company.profileId })).toContain("not a travel agent")
      expect(yield* refusal("get_company_profile", { profileId: agent.profileId })).toContain("is a travel agent")
      expect(yield* refusal("get_company_profile", { profileId: "123" })).toContain("No company or travel agent profile has this id")
    })))

  it.live("memberships with figures, preferences, stay history and merge candidates of a returning guest", () =>
    withRuntime(Effect.gen(function*() {
      const stays = yield* reservationsIn("CheckedOut")
      const snapshot = yield* Sandbox.pipe(Effect.flatMap((sandbox) => sandbox.snapshot))
      const stay = stays.find((entry) => snapshot.guests.get(entry.profileId)?.membership !== undefined)
      if (stay === undefined) throw new Error("no member with a checked-out stay seeded")
      const profileId = stay.profileId
      const guest = snapshot.guests.get(profileId)

      const memberships = structured(yield* ok("get_profile_memberships", { profileId }))
      expect(memberships.memberships[0]).toMatchObject({ number: guest?.membership?.number, level: guest?.membership?.level, active: true })
      expect(memberships.memberships[0].figures.totalStays).toBeGreaterThan(0)
      expect(memberships.memberships[0].figures.pointsAvailable).toBeGreaterThan(0)
      const newcomer = structured(yield* ok("create_guest_profile", { surname: "Newcomer" })).guest
      const none = yield* ok("get_profile_memberships", { profileId: newcomer.profileId })
      expect(structured(none).memberships).toEqual([])
      expect(none.text).toContain("has no memberships")
      expect(yield* refusal("get_profile_memberships", { profileId: "999999" })).toContain("No profile has this id")

      expect(structured(yield* ok("get_guest_preferences", { profileId })).preferences).toEqual([])
      const added = yield* ok("add_guest_preference", { profileId, preferenceType: "PILLOW", preferenceCode: "FOAM" })
      expect(structured(added).preferences).toEqual([expect.objectContaining({ type: "PILLOW", code: "FOAM", description: "Foam pillows" })])
      expect(yield* refusal("add_guest_preference", { profileId, preferenceType: "PILLOW", preferenceCode: "FOAM" })).toContain("already has preference")
      expect(yield* refusal("add_guest_preference", { profileId, preferenceType: "ROOM", preferenceCode: "POOL" })).toContain("not configured at this hotel")

      const history = yield* ok("get_guest_stay_history", { profileId })
      expect(structured(history).past.map((entry: any) => entry.reservationId)).toContain(stay.reservationId)
      expect(history.text).toContain(`#${stay.reservationId} | CheckedOut`)
      expect(yield* refusal("get_guest_stay_history", { profileId: "999999" })).toContain("No profile has this id")

      const twin = structured(yield* ok("create_guest_profile", {
        surname: guest?.surname ?? "Twin", ...(guest?.givenName ? { givenName: guest.givenName } : {}), ...(guest?.email ? { email: guest.email } : {})
      })).guest
      const matches = yield* ok("find_merge_candidates", { profileId })
      expect(structured(matches).candidates.map((entry: any) => entry.profileId)).toContain(twin.profileId)
      expect(structured(matches).verdict).toMatch(/MatchFoundMerge|TentativeMatchFound/)
      expect(matches.text).toContain(`profile ${twin.profileId}`)
    })))

  it.live("anonymisation: refused while a stay is open, done for a guest without one, after which the profile is gone", () =>
    withRuntime(Effect.gen(function*() {
      const staying = (yield* reservationsIn("InHouse"))[0]
      if (staying === undefined) throw new Error("no in-house stay seeded")
      const refused = yield* refusal("request_guest_anonymization", { profileId: staying.profileId })
      expect(refused).toContain(`will not anonymise profile ${staying.profileId} yet`)
      expect(refused).toContain("in house")

      const guest = structured(yield* ok("create_guest_profile", { givenName: "Tomas", surname: "Vergessen", email: "tomas.v@example.de" })).guest
      yield* ok("add_guest_preference", { profileId: guest.profileId, preferenceType: "ROOM", preferenceCode: "QR" })
      const done = yield* ok("request_guest_anonymization", { profileId: guest.profileId })
      expect(structured(done)).toEqual({ profileId: guest.profileId, status: "Anonymized" })
      const after = yield* guestOf(guest.profileId)
      expect(after).toMatchObject({ surname: "Anonymized", email: undefined })
      expect(JSON.stringify(after)).not.toContain("Vergessen")
      expect(yield* refusal("get_guest_preferences", { profileId: guest.profileId })).toContain("has been anonymised")
      expect(yield* refusal("request_guest_anonymization", { profileId: guest.profileId })).toContain("already anonymised")
    })))
})
