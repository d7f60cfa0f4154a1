import { Clock, Effect, Schema } from "effect"
import {
  CheckInRequest,
  CheckOutRequest,
  MoveRoomRequest,
  RoomAssignmentRequest,
  UnassignRoomRequest
} from "../../client/schemas/frontDesk.js"
import { isoDateTimeOf } from "../calendar.js"
import { CsvParam, DateParam, decodeBody, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { assignRoom, checkIn, checkOut, moveRoom, suggestRooms, unassignRoom } from "../frontDeskRules.js"
import { badRequest, businessRule } from "../ohipErrors.js"
import type { PropertySnapshot, ReservationRecord } from "../property.js"
import { roomTypes } from "../property.js"
import { renderHotelReservation, reservationLink } from "../render/reservation.js"
import { displayStatus, renderRoom } from "../render/room.js"
import { findReservation } from "../reservationBook.js"
import { occupantOf, roomsOf } from "../roomBoard.js"
import { houseSummary, roomStatusStatistics } from "../roomStatistics.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"

/** Front desk (fof.json, base path /fof/v1), and check-out, which OHIP files under cashiering (csh.json). */
const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const param = (request: SandboxRequest, name: string): string => request.params[name] ?? ""

const route = (
  module: "fof" | "csh",
  operationId: string,
  method: SandboxRoute["method"],
  template: string,
  body: SandboxRoute["body"],
  handler: SandboxRoute["handler"]
): SandboxRoute => ({ module, operationId, method, template, auth: "bearer", body, handler })

const selfLink = (baseUrl: string, request: SandboxRequest, operationId: string) => ({
  href: `${baseUrl}${request.path}`,
  rel: "self",
  templated: false,
  method: request.method.toUpperCase() as "GET" | "POST" | "PUT",
  operationId
})

const reservationLinks = (baseUrl: string, reservation: ReservationRecord) => ({ links: [reservationLink(baseUrl, reservation)] })

const RoomStatus = Schema.Literal("Clean", "Dirty", "Pickup", "Inspected", "OutOfOrder", "OutOfService")
const FrontOfficeStatus = Schema.Literal("Vacant", "Occupied")

const HotelRoomsQuery = Schema.Struct({
  limit: Schema.optional(single(WholeNumberParam)),
  offset: Schema.optional(single(WholeNumberParam)),
  hotelRoomStatus: Schema.optional(Schema.compose(CsvParam, Schema.Array(RoomStatus))),
  hotelFORoomStatus: Schema.optional(Schema.compose(CsvParam, Schema.Array(FrontOfficeStatus))),
  roomType: Schema.optional(CsvParam),
  floor: Schema.optional(single(Schema.String)),
  roomNumberWildcard: Schema.optional(single(Schema.String))
})

const hints = {
  limit: "a whole number",
  offset: "a whole number",
  hotelRoomStatus: "Clean, Dirty, Pickup, Inspected, OutOfOrder or OutOfService",
  hotelFORoomStatus: "Vacant or Occupied",
  frontOfficeStatus: "Vacant or Occupied",
  date: "a date as YYYY-MM-DD",
  roomType: "a room type code"
}

const ForReservation = Schema.Struct({ roomType: Schema.optional(single(Schema.String)) })

/** The reservation named in a body's reservationIdList must be the one in the path. */
const samePathReservation = (request: SandboxRequest, ids: ReadonlyArray<{ readonly id?: string | undefined }> | undefined) =>
  ids !== undefined && ids.length > 0 && !ids.some((entry) => entry.id === param(request, "reservationId"))
    ? Effect.fail(badRequest("reservationIdList names a different reservation than the path."))
    : Effect.void

const checkedIn = (snapshot: PropertySnapshot, reservation: ReservationRecord, baseUrl: string) => ({
  reservation: [renderHotelReservation(reservation, snapshot.guests.get(reservation.profileId), snapshot.businessDate)],
  ...reservationLinks(baseUrl, reservation)
})

export const fofRoutes: ReadonlyArray<SandboxRoute> = [
  route("fof", "getHotelRooms", "GET", "/hotels/{hotelId}/rooms", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(HotelRoomsQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const board = yield* env.property.rooms.snapshot
      const matching = roomsOf(board, request.hotelId).filter((room) => {
        const frontOffice = occupantOf(snapshot, room.hotelId, room.roomId) === undefined ? "Vacant" : "Occupied"
        return (query.hotelRoomStatus === undefined || query.hotelRoomStatus.includes(displayStatus(room, snapshot.businessDate))) &&
          (query.hotelFORoomStatus === undefined || query.hotelFORoomStatus.includes(frontOffice)) &&
          (query.roomType === undefined || query.roomType.includes(room.roomType)) &&
          (query.floor === undefined || query.floor === room.floor) &&
          (query.roomNumberWildcard === undefined || room.roomId.startsWith(query.roomNumberWildcard.replace(/[%*]/g, "")))
      })
      const limit = Math.min(query.limit ?? 20, 200) || 20
      const offset = query.offset ?? 0
      const page = matching.slice(offset, offset + limit)
      return {
        status: 200,
        body: {
          hotelRoomsDetails: { room: page.map((room) => renderRoom(room, snapshot, "fof")), hotelId: request.hotelId },
          totalPages: Math.ceil(matching.length / limit),
          offset,
          limit,
          hasMore: offset + page.length < matching.length,
          totalResults: matching.length,
          count: page.length,
          links: [selfLink(env.baseUrl, request, "getHotelRooms")]
        }
      }
    })),

  route("fof", "getRoomsByRoomStatus", "GET", "/hotels/{hotelId}/roomStatusStatistics", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(Schema.Struct({ frontOfficeStatus: Schema.optional(single(FrontOfficeStatus)) }), request.query, hints)
      const statistics = roomStatusStatistics(yield* env.property.rooms.snapshot, yield* env.property.snapshot, request.hotelId, query.frontOfficeStatus)
      return { status: 200, body: { roomStatusStatistics: statistics, links: [selfLink(env.baseUrl, request, "getRoomsByRoomStatus")] } }
    })),

  route("fof", "getFrontOfficeStatistics", "GET", "/hotels/{hotelId}/frontOfficeStatistics/{statisticsCode}", "none", (request, env) =>
    Effect.gen(function*() {
      if (param(request, "statisticsCode") !== "HouseSummary") {
        return yield* businessRule("This property reports the HouseSummary statistics only.", "STATISTICS_CODE_NOT_SUPPORTED")
      }
      const query = yield* decodeQuery(Schema.Struct({ date: Schema.optional(single(DateParam)), metric: Schema.optional(CsvParam) }), request.query, hints)
      const snapshot = yield* env.property.snapshot
      const date = query.date ?? snapshot.businessDate
      const metrics = houseSummary(yield* env.property.rooms.snapshot, snapshot, request.hotelId, date)
        .filter((entry) => query.metric === undefined || query.metric.includes(entry.code))
      return {
        status: 200,
        body: {
          statisticsCode: "HouseSummary",
          calendarDate: date,
          metricSet: [{ metrics, start: date, end: date }],
          links: [selfLink(env.baseUrl, request, "getFrontOfficeStatistics")]
        }
      }
    })),

  route("fof", "getSuggestedRooms", "GET", "/hotels/{hotelId}/reservations/{reservationId}/suggestedRooms", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(ForReservation, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const reservation = yield* findReservation(snapshot, request.hotelId, param(request, "reservationId"))
      const roomType = query.roomType ?? reservation.roomType
      if (!roomTypes.some((type) => type.code === roomType)) {
        return yield* badRequest(`Unknown room type; this hotel has ${roomTypes.map((type) => type.code).join(", ")}.`, "INVALID_ROOM_TYPE")
      }
      if (reservation.status !== "Reserved" && reservation.status !== "InHouse") {
        return yield* businessRule(`Reservation ${reservation.reservationId} is ${reservation.status}; it needs no room.`, "RESERVATION_NOT_ACTIVE")
      }
      const rooms = suggestRooms(yield* env.property.rooms.snapshot, snapshot, reservation, roomType)
      return {
        status: 200,
        body: {
          suggestedRoomsType: rooms.slice(0, 20).map((room) => ({ roomId: room.roomId })),
          links: [selfLink(env.baseUrl, request, "getSuggestedRooms")]
        }
      }
    })),

  route("fof", "postRoomAssignment", "POST", "/hotels/{hotelId}/reservations/{reservationId}/roomAssignments", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(RoomAssignmentRequest, request.body, "room")
      yield* samePathReservation(request, body.criteria?.reservationIdList)
      const roomId = body.criteria?.roomId
      if (roomId === undefined || roomId === "") return yield* badRequest("criteria.roomId must name the room to assign.")
      const nowIso = yield* now
      const assigned = yield* env.property.rooms.transactWith(env.property, (board, snapshot) =>
        assignRoom(board, snapshot, request.hotelId, param(request, "reservationId"), roomId, nowIso)
      )
      return { status: 201, body: reservationLinks(env.baseUrl, assigned) }
    })),

  route("fof", "deleteAssignRoom", "PUT", "/hotels/{hotelId}/reservations/{reservationId}/rooms", "json", (request, env) =>
    Effect.gen(function*() {
      yield* decodeBody(UnassignRoomRequest, request.body, "unAssignRoomCriteria")
      const nowIso = yield* now
      const released = yield* env.property.rooms.transactWith(env.property, (board, snapshot) =>
        unassignRoom(board, snapshot, request.hotelId, param(request, "reservationId"), nowIso)
      )
      return { status: 200, body: reservationLinks(env.baseUrl, released) }
    })),

  route("fof", "moveInHouseGuest", "PUT", "/hotels/{hotelId}/reservations/{reservationId}/rooms/{roomId}/roomMoves", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(MoveRoomRequest, request.body, "moveInHouseGuest")
      yield* samePathReservation(request, body.criteria?.reservationIdList)
      const roomId = param(request, "roomId")
      if (body.criteria?.roomId !== undefined && body.criteria.roomId !== roomId) {
        return yield* badRequest("criteria.roomId must be the room in the path.")
      }
      const nowIso = yield* now
      const moved = yield* env.property.rooms.transactWith(env.property, (board, snapshot) =>
        moveRoom(board, snapshot, request.hotelId, param(request, "reservationId"), roomId, body.criteria?.oldRoomStatus ?? "Dirty", nowIso)
      )
      return { status: 200, body: reservationLinks(env.baseUrl, moved) }
    })),

  route("fof", "postCheckIn", "POST", "/hotels/{hotelId}/reservations/{reservationId}/checkIns", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(CheckInRequest, request.body, "reservation")
      const nowIso = yield* now
      const inHouse = yield* env.property.rooms.transactWith(env.property, (board, snapshot) =>
        checkIn(board, snapshot, request.hotelId, param(request, "reservationId"), body.reservation?.roomId, nowIso)
      )
      return { status: 201, body: checkedIn(yield* env.property.snapshot, inHouse, env.baseUrl) }
    })),

  // OHIP files check-out under cashiering; it lives here because it is the end of the front desk's stay.
  route("csh", "postCheckOut", "POST", "/hotels/{hotelId}/reservations/{reservationId}/checkOuts", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(CheckOutRequest, request.body, "reservation")
      yield* samePathReservation(request, body.reservation?.reservationIdList)
      if (body.reservation?.hotelId !== undefined && body.reservation.hotelId !== request.hotelId) {
        return yield* badRequest("reservation.hotelId must match the hotel in the path.")
      }
      const nowIso = yield* now
      const reservationId = param(request, "reservationId")
      if (body.verificationOnly === true) {
        const snapshot = yield* env.property.snapshot
        const current = yield* findReservation(snapshot, request.hotelId, reservationId)
        if (current.status !== "InHouse") {
          return yield* businessRule(`Reservation ${reservationId} is ${current.status}; only an in-house guest can check out.`, "RESERVATION_NOT_IN_HOUSE")
        }
        return { status: 201, body: reservationLinks(env.baseUrl, current) }
      }
      const departed = yield* env.property.rooms.transactWith(env.property, (board, snapshot) =>
        checkOut(board, snapshot, request.hotelId, reservationId, nowIso)
      )
      return { status: 201, body: reservationLinks(env.baseUrl, departed) }
    }))
]
