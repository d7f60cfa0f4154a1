import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import * as extras from "../../../../src/connectors/opera/client/profileExtras.js"
import { createProfile, getProfile } from "../../../../src/connectors/opera/client/profiles.js"
import { guestFromProfile } from "../../../../src/connectors/opera/client/profiles.js"
import { idFromLinks } from "../../../../src/connectors/opera/client/schemas/common.js"
import type { StoredReservationStatus } from "../../../../src/connectors/opera/sandbox/property.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, definitionErrors, describeErrors, requestBodyErrors, requestProblems, responseErrors, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const exchange = (sandbox: Sandbox, token: string, request: OperaRequest, status: number) =>
  Effect.gen(function*() {
    expect(requestProblems(request)).toEqual([])
    if (request.body !== undefined) expect(describeErrors(requestBodyErrors("crm", request.operationId, request.body))).toBe("No errors")
    const answer = yield* send(sandbox, token, request)
    expect(answer.status, answer.text).toBe(status)
    const errors = status < 300
      ? responseErrors("crm", request.operationId, status, answer.json)
      : definitionErrors("crm", "exceptionDetailType", answer.json)
    expect(describeErrors(errors)).toBe("No errors")
    return answer
  })

const guestWith = (sandbox: Sandbox, status: StoredReservationStatus) =>
  Effect.map(sandbox.snapshot, (snapshot) => {
    const reservation = [...snapshot.reservations.values()].find((entry) => entry.status === status && entry.hotelId === sandbox.hotelId)
    const guest = reservation === undefined ? undefined : snapshot.guests.get(reservation.profileId)
    if (reservation === undefined || guest === undefined) throw new Error(`no guest with a ${status} reservation`)
    return { guest, reservation }
  })

describe("crm extras: companies and travel agents", () => {
  it.effect("creates a company and a travel agent through /companies and reads them back", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const made = yield* exchange(sandbox, token, extras.createCompanyProfile({ hotelId, profileType: "Company", name: "Acme Shipping", city: "Rotterdam", countryCode: "NL" }), 201)
      const companyId = idFromLinks(made.json.links) ?? ""
      expect(made.headers.get("location")).toContain(`/crm/v1/companies/${companyId}`)
      const company = yield* exchange(sandbox, token, extras.getCompanyProfile({ hotelId, profileId: companyId }), 200)
      expect(Option.getOrThrow(extras.companyFromEnvelope(company.json))).toMatchObject({ profileId: companyId, profileType: "Company", name: "Acme Shipping", city: "Rotterdam" })

      const agent = yield* exchange(sandbox, token, extras.createCompanyProfile({ hotelId, profileType: "Agent", name: "Blue Sky Travel", iataCode: "12345678" }), 201)
      const agentRead = yield* exchange(sandbox, token, extras.getCompanyProfile({ hotelId, profileId: idFromLinks(agent.json.links) ?? "" }), 200)
      expect(Option.getOrThrow(extras.companyFromEnvelope(agentRead.json))).toMatchObject({ profileType: "Agent", iataCode: "12345678" })

      const duplicate = yield* exchange(sandbox, token, extras.createCompanyProfile({ hotelId, profileType: "Agent", name: "Copycat Tours", iataCode: "12345678" }), 400)
      expect(duplicate.json["o:errorCode"]).toBe("DUPLICATE_IATA")
      const noIata = yield* exchange(sandbox, token, extras.createCompanyProfile({ hotelId, profileType: "Agent", name: "No Number Tours" }), 400)
      expect(noIata.json["o:errorCode"]).toBe("IATA_REQUIRED")
      yield* exchange(sandbox, token, extras.getCompanyProfile({ hotelId, profileId: "999" }), 404)
    })))
})

describe("crm extras: guest details", () => {
  it.effect("memberships, preferences, stay history and match candidates of a guest", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const { guest, reservation } = yield* guestWith(sandbox, "CheckedOut")
      const profileId = guest.profileId

      const history = yield* exchange(sandbox, token, extras.getStayHistory({ hotelId, profileId }), 200)
      expect(extras.staysFromHistory(history.json).past.map((stay) => stay.reservationId)).toContain(reservation.reservationId)

      const profile = yield* exchange(sandbox, token, extras.getProfileMemberships({ hotelId, profileId }), 200)
      expect(Option.isSome(guestFromProfile(profile.json))).toBe(true)
      if (guest.membership !== undefined) {
        const info = yield* exchange(sandbox, token, extras.getMembershipDetails({ hotelId, profileId, membershipType: guest.membership.type, membershipId: guest.membership.number }), 200)
        expect(extras.figuresFromMemberInfo(info.json).totalStays).toBeGreaterThan(0)
      }
      yield* exchange(sandbox, token, extras.getMembershipDetails({ hotelId, profileId, membershipType: "XX", membershipId: "0" }), 404)

      yield* exchange(sandbox, token, extras.addPreference({ hotelId, profileId, preferenceType: "ROOM", preferenceCode: "HF" }), 201)
      const preferences = yield* exchange(sandbox, token, extras.getPreferences({ hotelId, profileId }), 200)
      expect(extras.preferencesFrom(preferences.json)).toEqual([{ type: "ROOM", code: "HF", description: "High floor", hotels: [hotelId] }])
      const unknown = yield* exchange(sandbox, token, extras.addPreference({ hotelId, profileId, preferenceType: "ROOM", preferenceCode: "POOL" }), 400)
      expect(unknown.json["o:errorCode"]).toBe("INVALID_PREFERENCE")

      const twin = yield* send(sandbox, token, createProfile({ hotelId, givenName: guest.givenName, surname: guest.surname, ...(guest.email === undefined ? {} : { email: guest.email }) }))
      const twinId = idFromLinks(twin.json.links) ?? ""
      const matches = yield* exchange(sandbox, token, extras.getMatchProfiles({ hotelId, profileId }), 200)
      const found = extras.matchesFrom(matches.json, profileId)
      expect(found.profileIds).toContain(twinId)
      expect(found.verdict).toBe(guest.email === undefined ? "TentativeMatchFound" : "MatchFoundMerge")
      yield* exchange(sandbox, token, extras.getStayHistory({ hotelId, profileId: "1" }), 404)
    })))
})

describe("crm extras: forgetting a guest", () => {
  it.effect("validates, refuses a guest with an open stay, anonymises one without", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const staying = (yield* guestWith(sandbox, "InHouse")).guest
      const blocked = yield* exchange(sandbox, token, extras.validateForgetProfiles({ hotelId, profileIds: [staying.profileId] }), 200)
      expect(Option.getOrThrow(extras.forgetCheckFrom(blocked.json, staying.profileId))).toMatchObject({ canBeForgotten: false, reasons: [{ code: "ACTIVE_RESERVATION" }] })
      const refused = yield* exchange(sandbox, token, extras.forgetProfile({ hotelId, profileId: staying.profileId }), 400)
      expect(refused.json["o:errorCode"]).toBe("ACTIVE_RESERVATION")

      const created = yield* send(sandbox, token, createProfile({ hotelId, givenName: "Erin", surname: "Forgetme", email: "erin@example.org" }))
      const profileId = idFromLinks(created.json.links) ?? ""
      const ok = yield* exchange(sandbox, token, extras.validateForgetProfiles({ hotelId, profileIds: [profileId] }), 200)
      expect(Option.getOrThrow(extras.forgetCheckFrom(ok.json, profileId)).canBeForgotten).toBe(true)
      yield* exchange(sandbox, token, extras.forgetProfile({ hotelId, profileId }), 200)
      const after = yield* send(sandbox, token, getProfile({ hotelId, profileId }))
      expect(after.text).not.toContain("Forgetme")
      expect(after.text).not.toContain("erin@example.org")
      const again = yield* exchange(sandbox, token, extras.forgetProfile({ hotelId, profileId }), 400)
      expect(again.json["o:errorCode"]).toBe("ANONYMIZED")
    })))
})
