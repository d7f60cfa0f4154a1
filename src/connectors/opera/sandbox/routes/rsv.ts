import { Clock, Effect } from "effect"
import {
  CancelReservationRequest,
  ChangeReservationRequest,
  CreateReservationRequest,
  ReinstateReservationRequest
} from "../../client/schemas/reservation.js"
import { isoDateTimeOf } from "../calendar.js"
import { decodeBody, decodeQuery } from "../decode.js"
import { badRequest } from "../ohipErrors.js"
import type { PropertySnapshot, ReservationRecord } from "../property.js"
import { renderHotelReservation, renderReservationInfo, reservationLink } from "../render/reservation.js"
import {
  cancelReservation,
  changeReservation,
  createReservation,
  findReservation,
  reinstateReservation
} from "../reservationBook.js"
import { ReservationSearchQuery, reservationSearchHints, searchReservations } from "../reservationSearch.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"
import { bearerRoute } from "../route.js"

/** Reservations (rsv.json, base path /rsv/v1). */
export const operaVersion = "25.5.0.0"

const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const param = (request: SandboxRequest, name: string): string => request.params[name] ?? ""

const hotelNameOf = (snapshot: PropertySnapshot, hotelId: string) =>
  snapshot.hotels.find((hotel) => hotel.hotelId === hotelId)?.hotelName ?? hotelId

const reservationEnvelope = (snapshot: PropertySnapshot, reservation: ReservationRecord, baseUrl: string) => ({
  reservations: {
    reservation: [renderHotelReservation(reservation, snapshot.guests.get(reservation.profileId), snapshot.businessDate)]
  },
  links: [reservationLink(baseUrl, reservation)]
})

const route = bearerRoute("rsv")

export const rsvRoutes: ReadonlyArray<SandboxRoute> = [
  route("getHotelReservations", "GET", "/hotels/{hotelId}/reservations", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(ReservationSearchQuery, request.query, reservationSearchHints)
      const snapshot = yield* env.property.snapshot
      const page = searchReservations(snapshot, request.hotelId, query)
      const hotelName = hotelNameOf(snapshot, request.hotelId)
      return {
        status: 200,
        body: {
          reservations: {
            reservationInfo: page.rows.map((reservation) =>
              renderReservationInfo(reservation, snapshot.guests.get(reservation.profileId), hotelName, snapshot.businessDate)
            ),
            totalPages: Math.ceil(page.totalResults / page.limit),
            offset: page.offset,
            limit: page.limit,
            hasMore: page.offset + page.rows.length < page.totalResults,
            totalResults: page.totalResults,
            count: page.rows.length
          },
          links: [{ href: `${env.baseUrl}${request.path}`, rel: "self", templated: false, method: "GET", operationId: "getHotelReservations" }]
        }
      }
    })),

  route("getReservation", "GET", "/hotels/{hotelId}/reservations/{reservationId}", "none", (request, env) =>
    Effect.gen(function*() {
      const snapshot = yield* env.property.snapshot
      const reservation = yield* findReservation(snapshot, request.hotelId, param(request, "reservationId"))
      return { status: 200, body: reservationEnvelope(snapshot, reservation, env.baseUrl) }
    })),

  route("postReservation", "POST", "/hotels/{hotelId}/reservations", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(CreateReservationRequest, request.body, "createReservation")
      if (body.reservations.reservation.length > 1) {
        return yield* badRequest("The sandbox books one reservation per request.")
      }
      const nowIso = yield* now
      const created = yield* env.property.transact((snapshot) =>
        createReservation(snapshot, request.hotelId, body.reservations.reservation[0], nowIso)
      )
      const snapshot = yield* env.property.snapshot
      const location = reservationLink(env.baseUrl, created).href ?? ""
      return { status: 201, body: reservationEnvelope(snapshot, created, env.baseUrl), headers: { location } }
    })),

  route("putReservation", "PUT", "/hotels/{hotelId}/reservations/{reservationId}", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(ChangeReservationRequest, request.body, "changeReservation")
      const reservationId = param(request, "reservationId")
      const ids = body.reservations[0].reservationIdList
      if (ids !== undefined && ids.length > 0 && !ids.some((entry) => entry.id === reservationId)) {
        return yield* badRequest("reservations[0].reservationIdList names a different reservation than the path.")
      }
      const nowIso = yield* now
      const changed = yield* env.property.transact((snapshot) =>
        changeReservation(snapshot, request.hotelId, reservationId, body.reservations[0], nowIso)
      )
      const snapshot = yield* env.property.snapshot
      return { status: 200, body: reservationEnvelope(snapshot, changed, env.baseUrl) }
    })),

  route("postCancelReservation", "POST", "/hotels/{hotelId}/reservations/{reservationId}/cancellations", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(CancelReservationRequest, request.body, "cancelReservation")
      const reservationId = param(request, "reservationId")
      const ids = (body.reservations ?? []).flatMap((entry) => entry.reservationIdList ?? [])
      if (ids.length > 0 && !ids.some((entry) => entry.id === reservationId)) {
        return yield* badRequest("reservations[].reservationIdList names a different reservation than the path.")
      }
      const reason = { code: body.reason?.code ?? "CANCEL", description: body.reason?.description ?? "Cancelled on request" }
      const nowIso = yield* now
      const cancelled = yield* env.property.transact((snapshot) =>
        cancelReservation(snapshot, request.hotelId, reservationId, reason, body.verificationOnly === true, nowIso)
      )
      const link = reservationLink(env.baseUrl, cancelled)
      return {
        status: 201,
        body: {
          reservations: [{
            reservationIdList: [
              { id: cancelled.reservationId, type: "Reservation" },
              { id: cancelled.confirmationNumber, type: "Confirmation" },
              ...(cancelled.cancellation === undefined ? [] : [{ id: cancelled.cancellation.number, type: "Cancellation" }])
            ],
            ...(cancelled.cancellation === undefined ? {} : {
              cancellationInfo: {
                code: cancelled.cancellation.code,
                description: cancelled.cancellation.description,
                date: cancelled.cancellation.date
              }
            }),
            hotelId: cancelled.hotelId,
            reservationStatus: cancelled.status
          }],
          links: [link]
        },
        headers: { location: link.href ?? "" }
      }
    })),

  route("putReinstateReservation", "PUT", "/hotels/{hotelId}/reservations/{reservationId}/cancellations", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(ReinstateReservationRequest, request.body, "reinstateReservation")
      if (body.hotelId !== undefined && body.hotelId !== request.hotelId) {
        return yield* badRequest("hotelId in the body must match the hotel in the path.")
      }
      const nowIso = yield* now
      const reinstated = yield* env.property.transact((snapshot) =>
        reinstateReservation(snapshot, request.hotelId, param(request, "reservationId"), nowIso)
      )
      const link = reservationLink(env.baseUrl, reinstated)
      return { status: 200, body: { links: [link] }, headers: { location: link.href ?? "" } }
    })),

  route("pingReservationService", "GET", "/services/reservations/status", "none", () =>
    Effect.succeed({ status: 200, body: { operaVersion } }))
]
