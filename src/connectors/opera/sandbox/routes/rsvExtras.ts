import { Clock, Effect, Schema } from "effect"
import { CreateGuestMessages, LinkReservationsCriteria, ReservationPackagesInfo } from "../../client/schemas/reservationExtras.js"
import { addDays, isoDateTimeOf, nightsBetween } from "../calendar.js"
import { BooleanParam, DateParam, decodeBody, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { badRequest, notFound } from "../ohipErrors.js"
import {
  renderActivity,
  renderGuestMessage,
  renderReservationPackage,
  renderStatisticSet
} from "../render/reservationExtras.js"
import { renderHotelReservation } from "../render/reservation.js"
import { findReservation } from "../reservationBook.js"
import {
  activityOf,
  addPackage,
  dayFigures,
  leaveMessage,
  linkGroupOf,
  linkReservations,
  packagesOn,
  removePackages,
  unlinkReservation
} from "../reservationExtrasRules.js"
import type { RouteEnv, SandboxRequest, SandboxRoute } from "../route.js"
import { bearerRoute } from "../route.js"

/** Reservation extras (rsv.json): cancellation history, statistics, packages, links, guest messages, activity log. */
const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const route = bearerRoute("rsv")

const reservationOf = (request: SandboxRequest, env: RouteEnv, name = "reservationId") =>
  Effect.flatMap(env.property.snapshot, (snapshot) => findReservation(snapshot, request.hotelId, request.params[name] ?? ""))

const status = (baseUrl: string, path: string) => ({ links: [{ href: `${baseUrl}${path}`, rel: "self", templated: false, method: "GET" }] })

const Paged = { limit: Schema.optional(single(WholeNumberParam)), offset: Schema.optional(single(WholeNumberParam)) }
const pagingHints = { limit: "a whole number", offset: "a whole number" }

const page = <A>(rows: ReadonlyArray<A>, query: { readonly limit?: number | undefined; readonly offset?: number | undefined }) => {
  const limit = Math.min(Math.max(query.limit ?? 20, 1), 200)
  const offset = query.offset ?? 0
  return {
    rows: rows.slice(offset, offset + limit),
    paging: { totalPages: Math.ceil(rows.length / limit), offset, limit, hasMore: offset + limit < rows.length, totalResults: rows.length }
  }
}

const StatisticsQuery = Schema.Struct({
  hotelId: Schema.optional(Schema.Array(Schema.String)),
  reportCode: Schema.optional(Schema.Array(Schema.Literal("ChannelMonitorSummary", "ReservationAndRevenueSummary"))),
  requestedReportsTypeStartDate: single(DateParam),
  requestedReportsTypeEndDate: single(DateParam)
})

const MessagesQuery = Schema.Struct({
  ...Paged,
  reservationId: Schema.optional(single(Schema.String)),
  retrieveDeliveredMessages: Schema.optional(single(BooleanParam)),
  retrieveUndeliveredMessages: Schema.optional(single(BooleanParam))
})

const ActivityQuery = Schema.Struct({
  ...Paged,
  parameterName: Schema.optional(Schema.Array(Schema.String)),
  parameterValue: Schema.optional(Schema.Array(Schema.String)),
  fromDate: Schema.optional(single(DateParam)),
  toDate: Schema.optional(single(DateParam))
})

/** The longest range the statistics report covers, and the activity log's 90-day window (rsv.json). */
const maxStatisticsDays = 62
const maxActivityDays = 90

export const rsvExtrasRoutes: ReadonlyArray<SandboxRoute> = [
  route("getCancellationHistory", "GET", "/hotels/{hotelId}/reservations/{reservationId}/cancellationHistory", "none", (request, env) =>
    Effect.map(reservationOf(request, env), (reservation) => ({
      status: 200,
      body: {
        cxlActivityLog: reservation.cancellation === undefined ? [] : [{
          reason: { code: reservation.cancellation.code, description: reservation.cancellation.description },
          cxlDate: reservation.cancellation.date,
          userId: 1,
          userName: "SANDBOX",
          cancellationIdList: [{ id: reservation.cancellation.number, type: "Cancellation" }]
        }]
      }
    }))),

  route("getReservationStatistics", "GET", "/reservations/statistics", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(StatisticsQuery, request.query, {
        requestedReportsTypeStartDate: "a date as YYYY-MM-DD",
        requestedReportsTypeEndDate: "a date as YYYY-MM-DD",
        reportCode: "ChannelMonitorSummary or ReservationAndRevenueSummary"
      })
      if (query.hotelId !== undefined && query.hotelId.some((hotelId) => hotelId !== request.hotelId)) {
        return yield* badRequest("hotelId must match the x-hotelid header.", "HOTEL_ID_MISMATCH")
      }
      if (query.reportCode !== undefined && !query.reportCode.includes("ReservationAndRevenueSummary")) {
        return yield* badRequest("The sandbox produces the ReservationAndRevenueSummary report only.", "UNSUPPORTED_REPORT")
      }
      const start = query.requestedReportsTypeStartDate
      const days = nightsBetween(start, query.requestedReportsTypeEndDate) + 1
      if (days < 1) return yield* badRequest("requestedReportsTypeEndDate must not be before requestedReportsTypeStartDate.")
      if (days > maxStatisticsDays) {
        return yield* badRequest(`The statistics report covers at most ${maxStatisticsDays} days.`, "DATE_RANGE_TOO_LONG")
      }
      const snapshot = yield* env.property.snapshot
      const hotel = snapshot.hotels.find((entry) => entry.hotelId === request.hotelId)
      const sets = Array.from({ length: days }, (_, index) => addDays(start, index))
        .map((date) => renderStatisticSet(date, dayFigures(snapshot, request.hotelId, date), "USD"))
      return {
        status: 200,
        body: {
          statisticsType: [{
            statisticCodesType: [{ statisticSetsType: sets, statCode: "RESERVATIONS", statCodeClass: "Reservation", description: "Reservations and room revenue" }],
            hotelId: request.hotelId,
            hotelName: hotel?.hotelName ?? request.hotelId,
            reportCode: "ReservationAndRevenueSummary",
            description: "Reservation and revenue summary"
          }]
        }
      }
    })),

  route("postReservationPackage", "POST", "/hotels/{hotelId}/reservations/{reservationId}/packages", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(ReservationPackagesInfo, request.body, "reservationPackagesInfo")
      const requested = body.reservationPackages?.[0]
      if (requested?.packageCode === undefined || (body.reservationPackages?.length ?? 0) > 1) {
        return yield* badRequest("reservationPackages must hold exactly one package with a packageCode.")
      }
      const reservation = yield* reservationOf(request, env)
      const nowIso = yield* now
      yield* env.property.reservationExtras.transact((extras) =>
        addPackage(extras, reservation, {
          packageCode: requested.packageCode ?? "",
          quantity: requested.consumptionDetails?.defaultQuantity,
          startDate: requested.startDate,
          endDate: requested.endDate
        }, nowIso)
      )
      return { status: 201, body: status(env.baseUrl, `${request.path}?productCode=${requested.packageCode}`) }
    })),

  route("getPackage", "GET", "/hotels/{hotelId}/reservations/{reservationId}/packages", "none", (request, env) =>
    Effect.gen(function*() {
      const productCode = request.query["productCode"]?.at(-1)
      if (productCode === undefined || productCode === "") return yield* badRequest("Query parameter \"productCode\" is required.")
      const reservation = yield* reservationOf(request, env)
      const found = packagesOn(yield* env.property.reservationExtras.snapshot, reservation)
        .filter((entry) => entry.packageCode === productCode)
      if (found.length === 0) return yield* notFound(`Package ${productCode} is not on this reservation.`)
      return { status: 200, body: { reservationPackages: { reservationPackage: found.map((entry) => renderReservationPackage(entry, reservation)) } } }
    })),

  route("deleteReservationPackage", "DELETE", "/hotels/{hotelId}/reservations/{reservationId}/packages", "none", (request, env) =>
    Effect.gen(function*() {
      const reservation = yield* reservationOf(request, env)
      const nowIso = yield* now
      yield* env.property.reservationExtras.transact((extras) => removePackages(extras, reservation, nowIso))
      return { status: 200, body: status(env.baseUrl, request.path) }
    })),

  route("postReservationLinks", "POST", "/hotels/{hotelId}/reservations/linkedReservations/{reservationId}", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(LinkReservationsCriteria, request.body, "linkReservationsCriteria")
      const otherId = body.linkToReservationId?.id
      if (otherId === undefined) return yield* badRequest("linkToReservationId.id is required.")
      const reservation = yield* reservationOf(request, env)
      const other = yield* Effect.flatMap(env.property.snapshot, (snapshot) => findReservation(snapshot, request.hotelId, otherId))
      const nowIso = yield* now
      yield* env.property.reservationExtras.transact((extras) => linkReservations(extras, reservation, other, nowIso))
      return { status: 201, body: status(env.baseUrl, `/rsv/v1/hotels/${request.hotelId}/reservations/${reservation.reservationId}/linked`) }
    })),

  route("deleteReservationLinks", "DELETE", "/hotels/{hotelId}/reservations/linkedReservations/{reservationId}", "none", (request, env) =>
    Effect.gen(function*() {
      const reservation = yield* reservationOf(request, env)
      const nowIso = yield* now
      yield* env.property.reservationExtras.transact((extras) => unlinkReservation(extras, reservation, nowIso))
      return { status: 200, body: status(env.baseUrl, request.path) }
    })),

  route("getLinkedReservations", "GET", "/hotels/{hotelId}/reservations/{reservationId}/linked", "none", (request, env) =>
    Effect.gen(function*() {
      const reservation = yield* reservationOf(request, env)
      const snapshot = yield* env.property.snapshot
      const members = linkGroupOf(yield* env.property.reservationExtras.snapshot, reservation.reservationId)
        .flatMap((id) => {
          const member = snapshot.reservations.get(id)
          return member === undefined ? [] : [renderHotelReservation(member, snapshot.guests.get(member.profileId), snapshot.businessDate)]
        })
      return { status: 200, body: { reservations: { linkedReservation: members, hasMore: false, totalResults: members.length, count: members.length } } }
    })),

  route("postGuestMessages", "POST", "/hotels/{hotelId}/reservations/{reservationId}/guestMessages", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(CreateGuestMessages, request.body, "createGuestMessages")
      const message = body.guestMessages?.[0]?.message
      if (message?.messageText === undefined || (body.guestMessages?.length ?? 0) > 1) {
        return yield* badRequest("guestMessages must hold exactly one message with messageText.")
      }
      const kind = message.typeOfMessage ?? "Tm"
      if (kind !== "Tm" && kind !== "Vm") return yield* badRequest("typeOfMessage must be Tm or Vm.")
      const reservation = yield* reservationOf(request, env)
      const nowIso = yield* now
      const left = yield* env.property.reservationExtras.transact((extras) =>
        leaveMessage(extras, reservation, { text: message.messageText ?? "", recipient: message.recipient, operator: message.operator, kind }, nowIso)
      )
      return { status: 201, body: { guestMessages: [renderGuestMessage(left, reservation)] } }
    })),

  route("getGuestMessages", "GET", "/hotels/{hotelId}/guestMessages", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(MessagesQuery, request.query, {
        ...pagingHints,
        retrieveDeliveredMessages: "true or false",
        retrieveUndeliveredMessages: "true or false"
      })
      const snapshot = yield* env.property.snapshot
      const extras = yield* env.property.reservationExtras.snapshot
      const wanted = extras.messages.filter((message) =>
        message.hotelId === request.hotelId &&
        (query.reservationId === undefined || message.reservationId === query.reservationId) &&
        (message.delivered ? query.retrieveDeliveredMessages !== false : query.retrieveUndeliveredMessages !== false)
      )
      const { rows, paging } = page(wanted, query)
      return {
        status: 200,
        body: { guestMessages: rows.map((message) => renderGuestMessage(message, snapshot.reservations.get(message.reservationId))), ...paging }
      }
    })),

  route("getReservationActivityLog", "GET", "/hotels/{hotelId}/reservations/activityLog", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(ActivityQuery, request.query, { ...pagingHints, fromDate: "a date as YYYY-MM-DD", toDate: "a date as YYYY-MM-DD" })
      const index = query.parameterName?.indexOf("RESV_NAME_ID") ?? -1
      const reservationId = index < 0 ? undefined : query.parameterValue?.[index]
      if (reservationId === undefined) {
        return yield* badRequest("Name the reservation with parameterName=RESV_NAME_ID and its id in parameterValue.")
      }
      const snapshot = yield* env.property.snapshot
      const toDate = query.toDate ?? snapshot.businessDate
      const fromDate = query.fromDate ?? addDays(toDate, -(maxActivityDays - 1))
      if (toDate < fromDate) return yield* badRequest("toDate must not be before fromDate.")
      if (nightsBetween(fromDate, toDate) + 1 > maxActivityDays) {
        return yield* badRequest(`The activity log covers a time span of at most ${maxActivityDays} days.`, "DATE_RANGE_TOO_LONG")
      }
      const reservation = yield* findReservation(snapshot, request.hotelId, reservationId)
      const entries = activityOf(yield* env.property.reservationExtras.snapshot, reservation)
        .filter((entry) => entry.loggedAt.slice(0, 10) >= fromDate && entry.loggedAt.slice(0, 10) <= toDate)
      const { rows, paging } = page(entries, query)
      return { status: 200, body: { activityLog: { activityLog: rows.map((entry, at) => renderActivity(entry, paging.offset + at)), ...paging, count: rows.length } } }
    }))
]
