import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Schema } from "effect"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import {
  createdProfileId,
  createGuestProfile,
  CreateGuestProfileResponse,
  createProfile,
  CreateProfileResponse,
  getGuestProfile,
  GetGuestProfileResponse,
  getProfile,
  GetProfileResponse,
  guestFromGuestEnvelope,
  guestFromProfile,
  guestsFromSearch,
  pingProfileService,
  PingProfileServiceResponse,
  searchProfiles,
  SearchProfilesResponse,
  updateProfile,
  UpdateProfileResponse
} from "../../../../src/connectors/opera/client/profiles.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, describeErrors, findOperation, requestBodyErrors, requestProblems, send } from "../sandbox/helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

/** Sends a built request and decodes the answer with the module's Schema, as OperaClient.execute does. */
const execute = <A, I>(sandbox: Sandbox, token: string, request: OperaRequest, response: Schema.Schema<A, I>) =>
  send(sandbox, token, request).pipe(
    Effect.tap((answer) => expect(answer.status, answer.text).toBeLessThan(300)),
    Effect.flatMap((answer) => Schema.decodeUnknown(response)(answer.json ?? {})),
    Effect.orDie
  )

describe("profile request builders", () => {
  it("build requests that match crm.json: method, path, declared query parameters, body definition", () => {
    const hotelId = "SAND01"
    const details = {
      givenName: "Ines", surname: "Marlowe", email: "ines.marlowe@example.org", phone: "+1-555-0123",
      address: { line: "12 Mill Street", city: "Lyon", postalCode: "69002", state: "ARA", countryCode: "FR" }, language: "E", vipCode: "VIP1"
    }
    const requests = [
      searchProfiles({
        hotelId, surname: "Mar", givenName: "In", email: "ines.marlowe@example.org", phone: "0123", city: "Lyon",
        membershipNumber: "12345678", profileIds: ["100001", "100002"], limit: 10, offset: 20
      }),
      getProfile({ hotelId, profileId: "100001" }),
      getGuestProfile({ hotelId, guestId: "100001" }),
      createProfile({ hotelId, ...details }),
      createGuestProfile({ hotelId, ...details }),
      updateProfile({ hotelId, profileId: "100001", email: "new@example.com" }),
      pingProfileService(hotelId)
    ]
    for (const request of requests) {
      expect(requestProblems(request)).toEqual([])
      if (request.body !== undefined) {
        expect(describeErrors(requestBodyErrors(request.module, request.operationId, request.body))).toBe("No errors")
      }
      expect(request.hotelId).toBe(hotelId)
    }
  })

  it("search guests only and send only what was asked for", () => {
    expect(searchProfiles({ hotelId: "SAND01" }).query).toEqual({ profileType: ["Guest"] })
    expect(updateProfile({ hotelId: "SAND01", profileId: "7", phone: "+1-555-0100" }).body).toEqual({
      profileIdList: [{ id: "7", type: "Profile" }],
      profileDetails: {
        customer: {},
        telephones: { telephoneInfo: [{ telephone: { phoneTechType: "PHONE", phoneUseType: "HOME", phoneNumber: "+1-555-0100", primaryInd: true } }] },
        profileType: "Guest"
      }
    })
  })
})

describe("profile decoders", () => {
  it("read Oracle's getProfile and getGuestProfile examples", () => {
    for (const [operationId, schema, map] of [
      ["getProfile", GetProfileResponse, guestFromProfile],
      ["getGuestProfile", GetGuestProfileResponse, guestFromGuestEnvelope]
    ] as const) {
      const example = findOperation("crm", operationId).operation.responses["200"].examples["application/json"]
      const guest = Option.getOrThrow((map as (body: unknown) => Option.Option<any>)(Schema.decodeUnknownSync(schema as Schema.Schema<any, any>)(example)))
      expect(guest).toMatchObject({
        name: "Thomas Smith",
        email: "eg@example.com",
        phone: "+1 415 555 0100",
        city: "Redwood Shores",
        country: "US",
        vip: { code: "2", description: "Gold" }
      })
    }
  })

  it("reject bodies of the wrong shape", () => {
    expect(Either.isLeft(Schema.decodeUnknownEither(SearchProfilesResponse)({ profileSummaries: { profileInfo: "none" } }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(GetProfileResponse)({ profileDetails: { customer: { personName: {} } } }))).toBe(true)
    expect(Option.isNone(createdProfileId({}))).toBe(true)
  })
})

describe("profiles against the live sandbox", () => {
  it.effect("search by surname and read one guest in full", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const seeded = sandbox.seededGuests.find((guest) =>
        guest.email !== undefined && guest.phone !== undefined && guest.address !== undefined && guest.membership !== undefined
      )!
      const found = guestsFromSearch(yield* execute(sandbox, token,
        searchProfiles({ hotelId: sandbox.hotelId, surname: seeded.surname, limit: 200 }), SearchProfilesResponse))
      const row = found.guests.find((guest) => guest.profileId === seeded.profileId)
      expect(row).toMatchObject({ name: `${seeded.givenName} ${seeded.surname}`, email: seeded.email, phone: seeded.phone })
      expect(found.paging.totalResults).toBe(found.guests.length)

      const full = Option.getOrThrow(guestFromProfile(yield* execute(sandbox, token,
        getProfile({ hotelId: sandbox.hotelId, profileId: seeded.profileId }), GetProfileResponse)))
      expect(full).toEqual({
        profileId: seeded.profileId,
        name: `${seeded.givenName} ${seeded.surname}`,
        givenName: seeded.givenName,
        surname: seeded.surname,
        email: seeded.email,
        phone: seeded.phone,
        city: seeded.address!.city,
        country: seeded.address!.countryCode,
        ...(seeded.vip === undefined ? {} : { vip: { code: seeded.vip.code, description: seeded.vip.description } }),
        membership: { type: seeded.membership!.type, number: seeded.membership!.number, level: seeded.membership!.level },
        status: "Active"
      })
      const asGuest = Option.getOrThrow(guestFromGuestEnvelope(yield* execute(sandbox, token,
        getGuestProfile({ hotelId: sandbox.hotelId, guestId: seeded.profileId }), GetGuestProfileResponse)))
      expect(asGuest).toEqual(full)
    })))

  it.effect("create, read back and update a guest", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const created = yield* execute(sandbox, token, createProfile({
        hotelId: sandbox.hotelId, givenName: "Odile", surname: "Fairweather", email: "odile@example.org", phone: "+1-555-0177",
        address: { city: "Toronto", countryCode: "CA" }
      }), CreateProfileResponse)
      const profileId = Option.getOrThrow(createdProfileId(created))
      const read = Option.getOrThrow(guestFromProfile(yield* execute(sandbox, token,
        getProfile({ hotelId: sandbox.hotelId, profileId }), GetProfileResponse)))
      expect(read).toMatchObject({ profileId, name: "Odile Fairweather", email: "odile@example.org", city: "Toronto", country: "CA" })

      const updated = Option.getOrThrow(guestFromProfile(yield* execute(sandbox, token,
        updateProfile({ hotelId: sandbox.hotelId, profileId, email: "o.fairweather@example.com", vipCode: "VIP3" }), UpdateProfileResponse)))
      expect(updated).toMatchObject({ name: "Odile Fairweather", email: "o.fairweather@example.com", vip: { code: "VIP3" } })

      const viaGuests = yield* execute(sandbox, token,
        createGuestProfile({ hotelId: sandbox.hotelId, surname: "Quill" }), CreateGuestProfileResponse)
      const guestId = Option.getOrThrow(createdProfileId(viaGuests))
      expect(guestId).not.toBe(profileId)
      const version = yield* execute(sandbox, token, pingProfileService(sandbox.hotelId), PingProfileServiceResponse)
      expect(version.operaVersion).toBe("25.5.0.0")
    })))
})
