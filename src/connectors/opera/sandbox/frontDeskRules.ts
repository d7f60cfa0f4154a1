import { Either } from "effect"
import { addDays, nightsBetween } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { businessRule, notFound } from "./ohipErrors.js"
import type { PropertySnapshot, ReservationRecord } from "./property.js"
import { findReservation } from "./reservationBook.js"
import type { HousekeepingStatus, RoomBoard, RoomRecord } from "./roomBoard.js"
import { occupantOf, repairOn, roomKey, withRoom } from "./roomBoard.js"

/**
 * Front desk rules (fof, and csh check-out) as pure steps over the room
 * board and the property: check-in needs an assigned, vacant, clean or
 * inspected room; check-out leaves the room vacant and dirty.
 */
type Joint<A> = Either.Either<readonly [A, RoomBoard, PropertySnapshot], RouteFailure>

const withReservation = (snapshot: PropertySnapshot, reservation: ReservationRecord): PropertySnapshot => ({
  ...snapshot,
  reservations: new Map(snapshot.reservations).set(reservation.reservationId, reservation)
})

export const findRoom = (board: RoomBoard, hotelId: string, roomId: string): Either.Either<RoomRecord, RouteFailure> => {
  const room = board.rooms.get(roomKey(hotelId, roomId))
  return room === undefined ? Either.left(notFound(`Hotel ${hotelId} has no room with this number.`)) : Either.right(room)
}

const overlaps = (a: ReservationRecord, start: string, end: string) => a.arrivalDate < end && start < a.departureDate

/** Another active stay holding the room on some night of [start, end). */
export const holderOf = (
  snapshot: PropertySnapshot,
  room: RoomRecord,
  start: string,
  end: string,
  except: string
): ReservationRecord | undefined => {
  for (const other of snapshot.reservations.values()) {
    if (other.reservationId === except || other.hotelId !== room.hotelId || other.roomId !== room.roomId) continue
    if ((other.status === "InHouse" || other.status === "Reserved") && overlaps(other, start, end)) return other
  }
  return undefined
}

/** Why the room cannot be given to this stay, if it cannot. */
const roomRefusal = (snapshot: PropertySnapshot, room: RoomRecord, reservation: ReservationRecord, start: string) => {
  const repair = [...Array(Math.max(1, nightsBetween(start, reservation.departureDate))).keys()]
    .map((night) => repairOn(room, addDays(start, night)))
    .find((found) => found !== undefined)
  if (repair !== undefined) {
    return businessRule(`Room ${room.roomId} is ${repair.kind === "OutOfOrder" ? "out of order" : "out of service"} during the stay.`, "ROOM_OUT_OF_ORDER")
  }
  if (holderOf(snapshot, room, start, reservation.departureDate, reservation.reservationId) !== undefined) {
    return businessRule(`Room ${room.roomId} is already assigned or occupied for these dates.`, "ROOM_NOT_AVAILABLE")
  }
  return undefined
}

const ready = (status: HousekeepingStatus) => status === "Clean" || status === "Inspected"

/** postRoomAssignment: a reserved (not yet arrived) stay gets a room of its type. */
export const assignRoom = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  roomId: string,
  nowIso: string
): Joint<ReservationRecord> =>
  Either.gen(function*() {
    const reservation = yield* findReservation(snapshot, hotelId, reservationId)
    if (reservation.status === "InHouse") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is checked in: move the guest instead of assigning a room.`, "RESERVATION_IN_HOUSE"))
    }
    if (reservation.status !== "Reserved") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is ${reservation.status} and cannot get a room.`, "RESERVATION_NOT_RESERVED"))
    }
    const room = yield* findRoom(board, hotelId, roomId)
    if (room.roomType !== reservation.roomType) {
      return yield* Either.left(businessRule(`Room ${roomId} is a ${room.roomType} room; the reservation is for ${reservation.roomType}.`, "ROOM_TYPE_MISMATCH"))
    }
    const start = reservation.arrivalDate < snapshot.businessDate ? snapshot.businessDate : reservation.arrivalDate
    const refusal = roomRefusal(snapshot, room, reservation, start)
    if (refusal !== undefined) return yield* Either.left(refusal)
    const assigned: ReservationRecord = { ...reservation, roomId, modifiedAt: nowIso }
    return [assigned, board, withReservation(snapshot, assigned)] as const
  })

/** deleteAssignRoom: takes the room off a reservation that has not checked in. */
export const unassignRoom = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  nowIso: string
): Joint<ReservationRecord> =>
  Either.gen(function*() {
    const reservation = yield* findReservation(snapshot, hotelId, reservationId)
    if (reservation.status === "InHouse") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is checked in: its room cannot be removed.`, "RESERVATION_IN_HOUSE"))
    }
    if (reservation.status !== "Reserved") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is ${reservation.status}; only reserved stays can release a room.`, "RESERVATION_NOT_RESERVED"))
    }
    if (reservation.roomId === undefined) {
      return yield* Either.left(businessRule(`Reservation ${reservationId} has no room assigned.`, "ROOM_NOT_ASSIGNED"))
    }
    const released: ReservationRecord = { ...reservation, roomId: undefined, modifiedAt: nowIso }
    return [released, board, withReservation(snapshot, released)] as const
  })

/** postCheckIn: today's arrival, with an assigned room that is vacant and clean or inspected. */
export const checkIn = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  expectedRoomId: string | undefined,
  nowIso: string
): Joint<ReservationRecord> =>
  Either.gen(function*() {
    const reservation = yield* findReservation(snapshot, hotelId, reservationId)
    if (reservation.status === "InHouse") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is already checked in.`, "RESERVATION_ALREADY_CHECKED_IN"))
    }
    if (reservation.status !== "Reserved") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is ${reservation.status} and cannot be checked in.`, "RESERVATION_NOT_RESERVED"))
    }
    if (reservation.arrivalDate !== snapshot.businessDate) {
      return yield* Either.left(businessRule(`Reservation ${reservationId} arrives on ${reservation.arrivalDate}, not on the business date ${snapshot.businessDate}.`, "NOT_ARRIVAL_DATE"))
    }
    if (reservation.roomId === undefined) {
      return yield* Either.left(businessRule(`Reservation ${reservationId} has no room assigned: assign a room before check-in.`, "ROOM_NOT_ASSIGNED"))
    }
    if (expectedRoomId !== undefined && expectedRoomId !== reservation.roomId) {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is assigned room ${reservation.roomId}, not the room given.`, "ROOM_MISMATCH"))
    }
    const room = yield* findRoom(board, hotelId, reservation.roomId)
    if (repairOn(room, snapshot.businessDate) !== undefined) {
      return yield* Either.left(businessRule(`Room ${room.roomId} is out of order or out of service.`, "ROOM_OUT_OF_ORDER"))
    }
    if (occupantOf(snapshot, hotelId, room.roomId) !== undefined) {
      return yield* Either.left(businessRule(`Room ${room.roomId} is still occupied.`, "ROOM_OCCUPIED"))
    }
    if (!ready(room.housekeepingStatus)) {
      return yield* Either.left(businessRule(`Room ${room.roomId} is ${room.housekeepingStatus}; it must be Clean or Inspected for check-in.`, "ROOM_NOT_CLEAN"))
    }
    const inHouse: ReservationRecord = { ...reservation, status: "InHouse", modifiedAt: nowIso }
    return [inHouse, board, withReservation(snapshot, inHouse)] as const
  })

/** postCheckOut (csh): an in-house guest leaves; the room becomes vacant and dirty. */
export const checkOut = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  nowIso: string
): Joint<ReservationRecord> =>
  Either.gen(function*() {
    const reservation = yield* findReservation(snapshot, hotelId, reservationId)
    if (reservation.status !== "InHouse") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is ${reservation.status}; only an in-house guest can check out.`, "RESERVATION_NOT_IN_HOUSE"))
    }
    const departed: ReservationRecord = {
      ...reservation,
      status: "CheckedOut",
      // An early departure ends the stay today.
      departureDate: reservation.departureDate > snapshot.businessDate ? snapshot.businessDate : reservation.departureDate,
      modifiedAt: nowIso
    }
    const room = reservation.roomId === undefined ? undefined : board.rooms.get(roomKey(hotelId, reservation.roomId))
    const nextBoard = room === undefined ? board : withRoom(board, { ...room, housekeepingStatus: "Dirty" })
    return [departed, nextBoard, withReservation(snapshot, departed)] as const
  })

/** moveInHouseGuest: an in-house guest changes to a vacant, ready room; the old room is left dirty. */
export const moveRoom = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  roomId: string,
  oldRoomStatus: HousekeepingStatus,
  nowIso: string
): Joint<ReservationRecord> =>
  Either.gen(function*() {
    const reservation = yield* findReservation(snapshot, hotelId, reservationId)
    if (reservation.status !== "InHouse") {
      return yield* Either.left(businessRule(`Reservation ${reservationId} is not checked in: assign a room instead of moving.`, "RESERVATION_NOT_IN_HOUSE"))
    }
    if (reservation.roomId === roomId) {
      return yield* Either.left(businessRule(`The guest is already in room ${roomId}.`, "SAME_ROOM"))
    }
    const room = yield* findRoom(board, hotelId, roomId)
    const refusal = roomRefusal(snapshot, room, reservation, snapshot.businessDate)
    if (refusal !== undefined) return yield* Either.left(refusal)
    if (!ready(room.housekeepingStatus)) {
      return yield* Either.left(businessRule(`Room ${roomId} is ${room.housekeepingStatus}; a guest can only move into a Clean or Inspected room.`, "ROOM_NOT_CLEAN"))
    }
    const moved: ReservationRecord = { ...reservation, roomId, roomType: room.roomType, modifiedAt: nowIso }
    const old = reservation.roomId === undefined ? undefined : board.rooms.get(roomKey(hotelId, reservation.roomId))
    const nextBoard = old === undefined ? board : withRoom(board, { ...old, housekeepingStatus: oldRoomStatus })
    return [moved, nextBoard, withReservation(snapshot, moved)] as const
  })

/** getSuggestedRooms: free, clean or inspected rooms of the type for the stay, best first (inspected before clean). */
export const suggestRooms = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  reservation: ReservationRecord,
  roomType: string
): ReadonlyArray<RoomRecord> => {
  const start = reservation.arrivalDate < snapshot.businessDate ? snapshot.businessDate : reservation.arrivalDate
  return [...board.rooms.values()]
    .filter((room) =>
      room.hotelId === reservation.hotelId && room.roomType === roomType && ready(room.housekeepingStatus) &&
      occupantOf(snapshot, room.hotelId, room.roomId) === undefined &&
      roomRefusal(snapshot, room, reservation, start) === undefined
    )
    .sort((left, right) =>
      Number(right.housekeepingStatus === "Inspected") - Number(left.housekeepingStatus === "Inspected") ||
      left.roomId.localeCompare(right.roomId)
    )
}
