import { Clock, Effect, Either, Schema } from "effect"
import { CompanyEnvelope, ForgetProfilesCriteria, Preferences } from "../../client/schemas/profileExtras.js"
import { isoDateTimeOf } from "../calendar.js"
import { decodeBody, decodeQuery, single } from "../decode.js"
import { badRequest, businessRule, notFound } from "../ohipErrors.js"
import {
  addPreference,
  anonymise,
  createCompany,
  findCompany,
  forgetCheck,
  liveGuest,
  matchesOf,
  stayFigures
} from "../profileExtrasRules.js"
import type { CompanyRecord, PreferenceRecord } from "../profileExtrasState.js"
import type { ReservationRecord } from "../property.js"
import { computedStatus } from "../property.js"
import type { RouteEnv, SandboxRequest, SandboxRoute } from "../route.js"
import { bearerRoute } from "../route.js"

/** Profile extras (crm.json): companies and travel agents, memberships, preferences, stay history, matches, forget. */
const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const route = bearerRoute("crm")

const profileIdOf = (request: SandboxRequest) => request.params["profileId"] ?? ""

const guestOf = (request: SandboxRequest, env: RouteEnv) =>
  Effect.gen(function*() {
    const snapshot = yield* env.property.snapshot
    return yield* liveGuest(snapshot, yield* env.property.profileExtras.snapshot, profileIdOf(request))
  })

const companyLink = (baseUrl: string, company: CompanyRecord) => ({
  href: `${baseUrl}/crm/v1/companies/${company.profileId}`,
  rel: "self",
  templated: false,
  method: "GET",
  operationId: "getCompanyProfile"
})

const renderCompany = (company: CompanyRecord) => ({
  company: {
    companyName: company.name,
    ...(company.iataCode === undefined ? {} : { iATAInfo: { iATACompany: company.iataCode, iATAValidationResult: true } }),
    ...(company.commissionCode === undefined ? {} : { commissionCode: company.commissionCode }),
    currencyCode: "USD"
  },
  ...(company.city === undefined && company.countryCode === undefined ? {} : {
    addresses: {
      addressInfo: [{
        address: {
          ...(company.city === undefined ? {} : { cityName: company.city }),
          ...(company.countryCode === undefined ? {} : { country: { code: company.countryCode } }),
          type: "BUSINESS",
          primaryInd: true
        },
        id: `${company.profileId}01`,
        type: "Address"
      }]
    }
  }),
  ...(company.phone === undefined ? {} : {
    telephones: { telephoneInfo: [{ telephone: { phoneTechType: "PHONE", phoneUseType: "BUSINESS", phoneNumber: company.phone, primaryInd: true }, id: `${company.profileId}02`, type: "Telephone" }] }
  }),
  ...(company.email === undefined ? {} : {
    emails: { emailInfo: [{ email: { emailAddress: company.email, type: "EMAIL", primaryInd: true }, id: `${company.profileId}03`, type: "Email" }] }
  }),
  profileType: company.profileType,
  statusCode: "Active",
  registeredProperty: company.registeredProperty,
  createDateTime: company.createdAt
})

const renderPreferences = (profileId: string, preferences: ReadonlyArray<PreferenceRecord>) => ({
  preferenceCollections: [...new Set(preferences.map((entry) => entry.preferenceType))].map((preferenceType) => ({
    preference: preferences.filter((entry) => entry.preferenceType === preferenceType).map((entry) => ({
      preferenceCode: entry.preferenceCode,
      description: entry.description,
      global: false,
      hotels: [entry.hotelId]
    })),
    preferenceType
  })),
  profileIdList: [{ id: profileId, type: "Profile" }]
})

const renderStay = (reservation: ReservationRecord, businessDate: string) => ({
  reservationIdList: [{ id: reservation.reservationId, type: "Reservation" }, { id: reservation.confirmationNumber, type: "Confirmation" }],
  roomStay: {
    arrivalDate: reservation.arrivalDate,
    departureDate: reservation.departureDate,
    adultCount: reservation.adults,
    childCount: reservation.children,
    roomType: reservation.roomType,
    ...(reservation.roomId === undefined ? {} : { roomId: reservation.roomId }),
    ratePlanCode: reservation.ratePlanCode,
    rateAmount: { amount: reservation.rateAmount, currencyCode: reservation.currencyCode }
  },
  hotelId: reservation.hotelId,
  reservationStatus: reservation.status,
  computedReservationStatus: computedStatus(reservation, businessDate)
})

const stayList = (rows: ReadonlyArray<ReservationRecord>, limit: number, businessDate: string) => ({
  reservationInfo: rows.slice(0, limit).map((row) => renderStay(row, businessDate)),
  hasMore: rows.length > limit,
  totalResults: rows.length,
  count: Math.min(rows.length, limit)
})

const MembershipQuery = Schema.Struct({ membershipType: Schema.optional(single(Schema.String)), membershipId: Schema.optional(single(Schema.String)) })

export const crmExtrasRoutes: ReadonlyArray<SandboxRoute> = [
  route("postCompanyProfile", "POST", "/companies", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(CompanyEnvelope, request.body, "company")
      const nowIso = yield* now
      const company = yield* env.property.profileExtras.transact((extras) => createCompany(extras, request.hotelId, body.companyDetails, nowIso))
      const link = companyLink(env.baseUrl, company)
      return { status: 201, body: { links: [link] }, headers: { location: link.href } }
    })),

  route("getCompanyProfile", "GET", "/companies/{corporateID}", "none", (request, env) =>
    Effect.gen(function*() {
      const company = yield* findCompany(yield* env.property.profileExtras.snapshot, request.params["corporateID"] ?? "")
      return {
        status: 200,
        body: { companyIdList: [{ id: company.profileId, type: "Profile" }], companyDetails: renderCompany(company), links: [companyLink(env.baseUrl, company)] }
      }
    })),

  route("getMembershipDetails", "GET", "/profiles/{profileId}/memberships/info", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(MembershipQuery, request.query, {})
      const guest = yield* guestOf(request, env)
      const membership = guest.membership
      if (
        membership === undefined ||
        (query.membershipType !== undefined && query.membershipType !== membership.type) ||
        (query.membershipId !== undefined && query.membershipId !== membership.number)
      ) {
        return yield* notFound("The profile has no such membership.")
      }
      const figures = stayFigures(yield* env.property.snapshot, guest.profileId)
      const points = Math.round(figures.revenue * 10)
      const details = {
        guestTotalNights: figures.nights,
        guestTotalStay: figures.stays,
        membershipTotalNights: figures.nights,
        membershipTotalStay: figures.stays,
        tierBaseRevenue: figures.revenue,
        totalAwardPoints: points
      }
      return { status: 200, body: { memberInfo: { memberInfoDetails: details, nextTierPoints: Math.max(0, 25_000 - points), pointsAvailable: points } } }
    })),

  route("getPreferenceForProfile", "GET", "/profiles/{profileId}/preferences", "none", (request, env) =>
    Effect.gen(function*() {
      const guest = yield* guestOf(request, env)
      const preferences = (yield* env.property.profileExtras.snapshot).preferences.get(guest.profileId) ?? []
      return { status: 200, body: renderPreferences(guest.profileId, preferences) }
    })),

  route("postPreference", "POST", "/profiles/{profileId}/preferences", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(Preferences, request.body, "preference")
      const group = body.preferenceCollections?.[0]
      const code = group?.preference?.[0]?.preferenceCode
      if (group?.preferenceType === undefined || code === undefined) {
        return yield* badRequest("preferenceCollections[0] needs a preferenceType and one preference with a preferenceCode.")
      }
      const guest = yield* guestOf(request, env)
      const nowIso = yield* now
      yield* env.property.profileExtras.transact((extras) =>
        addPreference(extras, guest.profileId, { type: group.preferenceType ?? "", code, hotelId: request.hotelId }, nowIso)
      )
      return { status: 201, body: { links: [{ href: `${env.baseUrl}${request.path}`, rel: "self", templated: false, method: "GET", operationId: "getPreferenceForProfile" }] } }
    })),

  route("getStayHistory", "GET", "/profiles/{profileId}/stayHistory", "none", (request, env) =>
    Effect.gen(function*() {
      const guest = yield* guestOf(request, env)
      const snapshot = yield* env.property.snapshot
      const limit = Number(request.query["limit"]?.[0] ?? "20")
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) return yield* badRequest("Query parameter \"limit\" must be a whole number from 1 to 200.")
      const hotelId = request.query["hotelId"]?.[0]
      const mine = [...snapshot.reservations.values()]
        .filter((entry) => entry.profileId === guest.profileId && (hotelId === undefined || entry.hotelId === hotelId))
        .sort((left, right) => left.arrivalDate < right.arrivalDate ? 1 : -1)
      const wanted = request.query["fetchInstructions"]
      const past = mine.filter((entry) => entry.status === "CheckedOut")
      const future = mine.filter((entry) => entry.status === "Reserved" || entry.status === "InHouse").reverse()
      return {
        status: 200,
        body: {
          profileStayDetails: {
            reservationInfoList: {
              ...(wanted === undefined || wanted.includes("HistoryReservation") ? { historyList: stayList(past, limit, snapshot.businessDate) } : {}),
              ...(wanted === undefined || wanted.includes("FutureReservation") ? { futureList: stayList(future, limit, snapshot.businessDate) } : {})
            }
          }
        }
      }
    })),

  route("getMatchProfiles", "GET", "/profiles/{profileId}/matches", "none", (request, env) =>
    Effect.gen(function*() {
      const guest = yield* guestOf(request, env)
      const found = matchesOf(yield* env.property.snapshot, yield* env.property.profileExtras.snapshot, guest)
      return {
        status: 200,
        body: {
          matchProfiles: {
            hotelId: request.hotelId,
            profileIdList: found.profileIds.map((id) => ({ id, type: "Profile" })),
            statusCode: found.statusCode
          }
        }
      }
    })),

  route("validateForgetProfiles", "PUT", "/validateForgetProfiles", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(ForgetProfilesCriteria, request.body, "forgetProfilesCriteria")
      const ids = (body.validateForgetProfilesCriteria?.profiles ?? []).flatMap((entry) => entry.id === undefined ? [] : [entry.id])
      if (ids.length === 0) return yield* badRequest("validateForgetProfilesCriteria.profiles must name at least one profile.")
      const snapshot = yield* env.property.snapshot
      const extras = yield* env.property.profileExtras.snapshot
      const missing = ids.find((id) => !snapshot.guests.has(id))
      if (missing !== undefined) return yield* notFound(`No guest profile has id ${missing}.`)
      return {
        status: 200,
        body: {
          validateForgetProfilesResults: ids.map((id) => {
            const check = forgetCheck(snapshot, extras, id)
            return {
              profileId: { id, type: "Profile" },
              canBeForgotten: check.canBeForgotten,
              ...(check.status === undefined ? {} : { status: check.status }),
              failureReasons: check.reasons
            }
          })
        }
      }
    })),

  route("deleteProfile", "DELETE", "/profiles/{profileId}", "none", (request, env) =>
    Effect.gen(function*() {
      const profileId = profileIdOf(request)
      const nowIso = yield* now
      const extras = yield* env.property.profileExtras.snapshot
      // The check and the anonymisation run in one step over the property, so no reservation can slip in between.
      yield* env.property.transact((snapshot) => {
        if (!snapshot.guests.has(profileId)) return Either.left(notFound("No profile has this id."))
        const check = forgetCheck(snapshot, extras, profileId)
        if (!check.canBeForgotten) {
          const reason = check.reasons[0]
          return Either.left(businessRule(`Profile ${profileId} cannot be forgotten: ${reason?.reasonDescription ?? "it is not eligible"}`, reason?.reasonCode ?? "NOT_ELIGIBLE"))
        }
        return anonymise(snapshot, profileId, nowIso)
      })
      yield* env.property.profileExtras.transact((current) => {
        const preferences = new Map(current.preferences)
        preferences.delete(profileId)
        return Either.right([undefined, { ...current, preferences, forgotten: new Map(current.forgotten).set(profileId, nowIso.slice(0, 10)) }] as const)
      })
      return { status: 200, body: { links: [{ href: `${env.baseUrl}/crm/v1/profiles/${profileId}`, rel: "self", templated: false, method: "GET", operationId: "getProfile" }] } }
    }))
]
