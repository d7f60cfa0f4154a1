import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, callOhip, definitionErrors, describeErrors, findOperation, requestBodyErrors, responseErrors } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const expectValid = (operationId: string, status: number, answer: { readonly status: number; readonly json: unknown }) => {
  expect(answer.status).toBe(status)
  expect(describeErrors(responseErrors("crm", operationId, status, answer.json))).toBe("No errors")
}

const expectError = (answer: { readonly status: number; readonly json: any }, status: number, code?: string) => {
  expect(answer.status).toBe(status)
  expect(describeErrors(definitionErrors("crm", "exceptionDetailType", answer.json))).toBe("No errors")
  if (code !== undefined) expect(answer.json["o:errorCode"]).toBe(code)
}

const newGuest = {
  profileDetails: {
    customer: { personName: [{ givenName: "Wren", surname: "Halloway", nameType: "Primary" }], language: "E" },
    emails: { emailInfo: [{ email: { emailAddress: "wren.halloway@example.org", type: "EMAIL", primaryInd: true } }] },
    telephones: { telephoneInfo: [{ telephone: { phoneTechType: "PHONE", phoneNumber: "+1-555-0142", primaryInd: true } }] },
    profileType: "Guest"
  }
}

describe("crm: getProfiles", () => {
  it.effect("searches guests by surname prefix, shaped as profileSummaries", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const guest = sandbox.seededGuests[3]!
      const answer = yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles", {
        query: `?profileName=${guest.surname.slice(0, 3).toLowerCase()}&limit=200`
      })
      expectValid("getProfiles", 200, answer)
      const rows: Array<any> = answer.json.profileSummaries.profileInfo
      expect(rows.some((row) => row.profileIdList[0].id === guest.profileId)).toBe(true)
      expect(rows.every((row) => row.profile.altName.name.startsWith(guest.surname.slice(0, 3)))).toBe(true)
    })))

  it.effect("finds a guest by e-mail and by the tail of a phone number", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const guest = sandbox.seededGuests.find((entry) => entry.email !== undefined && entry.phone !== undefined)!
      const byEmail = (yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles", {
        query: `?email=${encodeURIComponent(guest.email!.toUpperCase())}`
      })).json.profileSummaries
      expect(byEmail.totalResults).toBe(1)
      expect(byEmail.profileInfo[0].profile.emailInfo.email.emailAddress).toBe(guest.email)
      const byPhone = (yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles", {
        query: `?phone=${guest.phone!.slice(-4)}&limit=200`
      })).json.profileSummaries.profileInfo as Array<any>
      expect(byPhone.some((row) => row.profileIdList[0].id === guest.profileId)).toBe(true)
    })))

  it.effect("pages with limit/offset over all guests", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const ids: Array<string> = []
      for (let offset = 0; ; offset += 50) {
        const page = (yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles", { query: `?limit=50&offset=${offset}` })).json
          .profileSummaries
        ids.push(...page.profileInfo.map((row: any) => row.profileIdList[0].id))
        if (!page.hasMore) {
          expect(page.totalResults).toBe(sandbox.seededGuests.length)
          break
        }
      }
      expect(new Set(ids).size).toBe(sandbox.seededGuests.length)
    })))

  it.effect("400 for a bad limit or profile type, naming the parameter", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const badLimit = yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles", { query: "?limit=-5" })
      expectError(badLimit, 400)
      expect(badLimit.json.detail).toContain("limit")
      expectError(yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles", { query: "?profileType=Alien" }), 400)
    })))
})

describe("crm: one profile", () => {
  it.effect("getProfile and getGuestProfile answer the seeded guest; unknown ids are 404", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const guest = sandbox.seededGuests.find((entry) => entry.membership !== undefined && entry.address !== undefined)!
      const profile = yield* callOhip(sandbox, token, "GET", `/crm/v1/profiles/${guest.profileId}`)
      expectValid("getProfile", 200, profile)
      const details = profile.json.profileDetails
      expect(details.customer.personName[0]).toMatchObject({ givenName: guest.givenName, surname: guest.surname })
      expect(details.addresses.addressInfo[0].address.cityName).toBe(guest.address!.city)
      expect(details.profileMemberships.profileMembership[0].membershipId).toBe(guest.membership!.number)
      const asGuest = yield* callOhip(sandbox, token, "GET", `/crm/v1/guests/${guest.profileId}`)
      expectValid("getGuestProfile", 200, asGuest)
      expect(asGuest.json.guestIdList[0].id).toBe(guest.profileId)
      expectError(yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles/42"), 404)
      expectError(yield* callOhip(sandbox, token, "GET", "/crm/v1/guests/42"), 404)
    })))

  it.effect("postProfile creates, getProfile reads it back, putProfile changes it", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      expect(describeErrors(requestBodyErrors("crm", "postProfile", newGuest))).toBe("No errors")
      const created = yield* callOhip(sandbox, token, "POST", "/crm/v1/profiles", { body: newGuest })
      expectValid("postProfile", 201, created)
      const location = created.headers.get("location")!
      expect(created.json.links[0].href).toBe(location)
      const profileId = location.split("/").at(-1)!
      const fetched = (yield* callOhip(sandbox, token, "GET", `/crm/v1/profiles/${profileId}`)).json.profileDetails
      expect(fetched.emails.emailInfo[0].email.emailAddress).toBe("wren.halloway@example.org")
      expect(fetched.registeredProperty).toBe(sandbox.hotelId)

      const change = {
        profileIdList: [{ id: profileId, type: "Profile" }],
        profileDetails: { emails: { emailInfo: [{ email: { emailAddress: "w.halloway@example.com" } }] }, customer: { vipStatus: "VIP2" } }
      }
      expect(describeErrors(requestBodyErrors("crm", "putProfile", change))).toBe("No errors")
      const changed = yield* callOhip(sandbox, token, "PUT", `/crm/v1/profiles/${profileId}`, { body: change })
      expectValid("putProfile", 200, changed)
      expect(changed.json.profileDetails.emails.emailInfo[0].email.emailAddress).toBe("w.halloway@example.com")
      expect(changed.json.profileDetails.customer.personName[0].surname).toBe("Halloway")
      expect(changed.json.profileDetails.customer.vipStatus).toBe("VIP2")
    })))

  it.effect("postGuestProfile creates through the guest resource", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const body = { guestDetails: newGuest.profileDetails }
      expect(describeErrors(requestBodyErrors("crm", "postGuestProfile", body))).toBe("No errors")
      const created = yield* callOhip(sandbox, token, "POST", "/crm/v1/guests", { body })
      expectValid("postGuestProfile", 201, created)
      const guestId = created.headers.get("location")!.split("/").at(-1)!
      const fetched = yield* callOhip(sandbox, token, "GET", `/crm/v1/guests/${guestId}`)
      expect(fetched.json.guestDetails.customer.personName[0].givenName).toBe("Wren")
    })))

  it.effect("Oracle's own postProfile example creates a guest profile", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const parameter = findOperation("crm", "postProfile").parameters.find((entry: any) => entry.in === "body")
      const example = structuredClone(parameter.schema.allOf[1].example)
      const created = yield* callOhip(sandbox, token, "POST", "/crm/v1/profiles", { body: example })
      expectValid("postProfile", 201, created)
      const profileId = created.headers.get("location")!.split("/").at(-1)!
      expect(profileId).not.toBe("3149001")
      const details = (yield* callOhip(sandbox, token, "GET", `/crm/v1/profiles/${profileId}`)).json.profileDetails
      expect(details.customer.personName[0]).toMatchObject({ givenName: "William", surname: "Smith" })
      expect(details.telephones.telephoneInfo[0].telephone.phoneNumber).toBe("+1 415 555 0100")
      expect(details.addresses.addressInfo[0].address.cityName).toBe("Redwood Shores")
    })))

  it.effect("refuses a profile without a surname, a bad e-mail, a company, or a mismatched id", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const before = (yield* sandbox.snapshot).guests.size
      expectError(yield* callOhip(sandbox, token, "POST", "/crm/v1/profiles", {
        body: { profileDetails: { customer: { personName: [{ givenName: "Only" }] } } }
      }), 400, "NAME_REQUIRED")
      const badEmail = yield* callOhip(sandbox, token, "POST", "/crm/v1/profiles", {
        body: { profileDetails: { ...newGuest.profileDetails, emails: { emailInfo: [{ email: { emailAddress: "wren-at-example" } }] } } }
      })
      expectError(badEmail, 400, "INVALID_EMAIL")
      expect(badEmail.text).not.toContain("wren-at-example")
      expectError(yield* callOhip(sandbox, token, "POST", "/crm/v1/profiles", {
        body: { profileDetails: { ...newGuest.profileDetails, profileType: "Company" } }
      }), 400, "UNSUPPORTED_PROFILE_TYPE")
      expectError(yield* callOhip(sandbox, token, "POST", "/crm/v1/profiles", {
        body: { profileDetails: { customer: { personName: "Wren Halloway" } } }
      }), 400)
      const guest = sandbox.seededGuests[0]!
      expectError(yield* callOhip(sandbox, token, "PUT", `/crm/v1/profiles/${guest.profileId}`, {
        body: { profileIdList: [{ id: "1", type: "Profile" }], profileDetails: {} }
      }), 400)
      expectError(yield* callOhip(sandbox, token, "PUT", "/crm/v1/profiles/42", { body: { profileDetails: {} } }), 404)
      expect((yield* sandbox.snapshot).guests.size).toBe(before)
    })))

  it.effect("pingProfileService answers operaVersion", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      expectValid("pingProfileService", 200, yield* callOhip(sandbox, token, "GET", "/crm/v1/services/profile/status"))
    })))
})
