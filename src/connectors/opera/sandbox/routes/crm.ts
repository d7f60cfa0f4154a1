import { Clock, Effect } from "effect"
import { GuestEnvelope, ProfileEnvelope } from "../../client/schemas/profile.js"
import { isoDateTimeOf } from "../calendar.js"
import { decodeBody, decodeQuery } from "../decode.js"
import { badRequest } from "../ohipErrors.js"
import { changeProfile, createProfile, findGuest, ProfileSearchQuery, profileSearchHints, searchProfiles } from "../profileBook.js"
import type { GuestRecord } from "../property.js"
import { profileIds, profileLink, renderProfileDetails, renderProfileSummary } from "../render/profile.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"
import { bearerRoute } from "../route.js"
import { operaVersion } from "./rsv.js"

/** Customer relationship management: guest profiles (crm.json, base path /crm/v1). */
const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const param = (request: SandboxRequest, name: string): string => request.params[name] ?? ""

const route = bearerRoute("crm")

const profileEnvelope = (guest: GuestRecord, baseUrl: string) => ({
  profileIdList: profileIds(guest),
  profileDetails: renderProfileDetails(guest),
  links: [profileLink(baseUrl, guest, "profiles")]
})

const created = (guest: GuestRecord, baseUrl: string, kind: "profiles" | "guests") => {
  const link = profileLink(baseUrl, guest, kind)
  return { status: 201, body: { links: [link] }, headers: { location: link.href ?? "" } }
}

export const crmRoutes: ReadonlyArray<SandboxRoute> = [
  route("getProfiles", "GET", "/profiles", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(ProfileSearchQuery, request.query, profileSearchHints)
      const page = searchProfiles(yield* env.property.snapshot, query)
      return {
        status: 200,
        body: {
          profileSummaries: {
            profileInfo: page.rows.map((guest) => ({ profileIdList: profileIds(guest), profile: renderProfileSummary(guest) })),
            totalPages: Math.ceil(page.totalResults / page.limit),
            offset: page.offset,
            limit: page.limit,
            hasMore: page.offset + page.rows.length < page.totalResults,
            totalResults: page.totalResults,
            count: page.rows.length
          }
        }
      }
    })),

  route("getProfile", "GET", "/profiles/{profileId}", "none", (request, env) =>
    Effect.gen(function*() {
      const guest = yield* findGuest(yield* env.property.snapshot, param(request, "profileId"))
      return { status: 200, body: profileEnvelope(guest, env.baseUrl) }
    })),

  route("postProfile", "POST", "/profiles", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(ProfileEnvelope, request.body, "profile")
      const nowIso = yield* now
      const guest = yield* env.property.transact((snapshot) =>
        createProfile(snapshot, request.hotelId, body.profileDetails, nowIso)
      )
      return created(guest, env.baseUrl, "profiles")
    })),

  route("putProfile", "PUT", "/profiles/{profileId}", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(ProfileEnvelope, request.body, "profile")
      const profileId = param(request, "profileId")
      const ids = body.profileIdList ?? []
      if (ids.length > 0 && !ids.some((entry) => entry.id === profileId)) {
        return yield* badRequest("profileIdList names a different profile than the path.")
      }
      const nowIso = yield* now
      const guest = yield* env.property.transact((snapshot) => changeProfile(snapshot, profileId, body.profileDetails, nowIso))
      return { status: 200, body: profileEnvelope(guest, env.baseUrl) }
    })),

  route("getGuestProfile", "GET", "/guests/{guestId}", "none", (request, env) =>
    Effect.gen(function*() {
      const guest = yield* findGuest(yield* env.property.snapshot, param(request, "guestId"))
      return {
        status: 200,
        body: {
          guestIdList: profileIds(guest),
          guestDetails: renderProfileDetails(guest),
          links: [profileLink(env.baseUrl, guest, "guests")]
        }
      }
    })),

  route("postGuestProfile", "POST", "/guests", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(GuestEnvelope, request.body, "guest")
      const nowIso = yield* now
      const guest = yield* env.property.transact((snapshot) =>
        createProfile(snapshot, request.hotelId, body.guestDetails, nowIso)
      )
      return created(guest, env.baseUrl, "guests")
    })),

  route("pingProfileService", "GET", "/services/profile/status", "none", () =>
    Effect.succeed({ status: 200, body: { operaVersion } }))
]
