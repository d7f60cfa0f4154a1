import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fof from "../../../../src/connectors/opera/client/frontDesk.js"
import { setRoomStatus } from "../../../../src/connectors/opera/client/housekeeping.js"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import { createReservation } from "../../../../src/connectors/opera/client/reservations.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { expectError, expectValid, expectWellFormed } from "./fofSpec.js"
import { accessToken, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

/** Sends a request built by the client module, after checking it against the spec. */
const call = (sandbox: Sandbox, token: string, request: OperaRequest) => {
  expectWellFormed(request)
  return send(sandbox, token, request)
}

/** A KING stay arriving on the business date, for a new guest. */
const arrivalToday = (sandbox: Sandbox, token: string, roomType = "KING") =>
  Effect.gen(function*() {
    const answer = yield* send(sandbox, token, createReservation({
      hotelId: sandbox.hotelId,
      arrivalDate: sandbox.businessDate,
      departureDate: addDays(sandbox.businessDate, 2),
      roomType,
      ratePlanCode: "BAR",
      adults: 1,
      guest: { givenName: "Test", surname: "Arrival" }
    }))
    expect(answer.status).toBe(201)
    return String(answer.json.reservations.reservation[0].reservationIdList[0].id)
  })

const roomOf = (sandbox: Sandbox, token: string, roomNumber: string) =>
  send(sandbox, token, fof.hotelRooms({ hotelId: sandbox.hotelId, limit: 200 })).pipe(
    Effect.map((answer) => (answer.json.hotelRoomsDetails.room as Array<any>).find((room) => room.roomId === roomNumber))
  )

describe("fof: arrival to departure", () => {
  it.effect("assign → refuse dirty room → check in → move → check out leaves the room dirty", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const reservationId = yield* arrivalToday(sandbox, token)
      const ids = { hotelId, reservationId }

      expectError(yield* call(sandbox, token, fof.checkIn(ids)), "ROOM_NOT_ASSIGNED")

      const suggestRequest = fof.suggestedRooms(ids)
      const suggested = yield* call(sandbox, token, suggestRequest)
      expectValid(suggestRequest, 200, suggested)
      const roomIds = (suggested.json.suggestedRoomsType as Array<{ roomId: string }>).map((room) => room.roomId)
      expect(roomIds.length).toBeGreaterThan(1)
      const [first, second] = roomIds as [string, string]
      expect((yield* roomOf(sandbox, token, first)).roomType.roomType).toBe("KING")

      expectError(yield* call(sandbox, token, fof.assignRoom({ ...ids, roomNumber: "128" })), "ROOM_TYPE_MISMATCH")
      const assign = fof.assignRoom({ ...ids, roomNumber: first })
      expectValid(assign, 201, yield* call(sandbox, token, assign))

      yield* call(sandbox, token, setRoomStatus({ hotelId, roomNumbers: [first], status: "Dirty" }))
      const refused = yield* call(sandbox, token, fof.checkIn({ ...ids, roomNumber: first }))
      expectError(refused, "ROOM_NOT_CLEAN")
      expect(refused.json.detail).toContain("Clean or Inspected")
      expectError(yield* call(sandbox, token, fof.checkIn({ ...ids, roomNumber: second })), "ROOM_MISMATCH")

      yield* call(sandbox, token, setRoomStatus({ hotelId, roomNumbers: [first], status: "Inspected" }))
      const checkIn = fof.checkIn({ ...ids, roomNumber: first })
      const checkedIn = yield* call(sandbox, token, checkIn)
      expectValid(checkIn, 201, checkedIn)
      expect(checkedIn.json.reservation[0].reservationStatus).toBe("InHouse")
      expect((yield* roomOf(sandbox, token, first)).housekeeping.roomStatus.frontOfficeStatus).toBe("Occupied")
      expectError(yield* call(sandbox, token, fof.checkIn(ids)), "RESERVATION_ALREADY_CHECKED_IN")
      expectError(yield* call(sandbox, token, fof.unassignRoom(ids)), "RESERVATION_IN_HOUSE")

      const move = fof.moveRoom({ ...ids, roomNumber: second, oldRoomStatus: "Pickup" })
      expectValid(move, 200, yield* call(sandbox, token, move))
      expect((yield* roomOf(sandbox, token, first)).housekeeping.roomStatus).toMatchObject({ roomStatus: "Pickup", frontOfficeStatus: "Vacant" })
      expect((yield* roomOf(sandbox, token, second)).housekeeping.roomStatus.frontOfficeStatus).toBe("Occupied")

      const checkOut = fof.checkOut(ids)
      expectValid(checkOut, 201, yield* call(sandbox, token, checkOut))
      expect((yield* roomOf(sandbox, token, second)).housekeeping.roomStatus).toMatchObject({ roomStatus: "Dirty", frontOfficeStatus: "Vacant" })
      const again = yield* call(sandbox, token, checkOut)
      expectError(again, "RESERVATION_NOT_IN_HOUSE")
      const state = (yield* sandbox.snapshot).reservations.get(reservationId)
      expect(state?.status).toBe("CheckedOut")
    })))

  it.effect("unassigns a reserved stay's room, and refuses when there is none", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const reservationId = yield* arrivalToday(sandbox, token, "QUEEN")
      const ids = { hotelId: sandbox.hotelId, reservationId }
      const room = (yield* call(sandbox, token, fof.suggestedRooms(ids))).json.suggestedRoomsType[0].roomId
      yield* call(sandbox, token, fof.assignRoom({ ...ids, roomNumber: room }))
      const unassign = fof.unassignRoom(ids)
      expectValid(unassign, 200, yield* call(sandbox, token, unassign))
      expect((yield* sandbox.snapshot).reservations.get(reservationId)?.roomId).toBeUndefined()
      expectError(yield* call(sandbox, token, unassign), "ROOM_NOT_ASSIGNED")
    })))
})

describe("fof: rooms and statistics", () => {
  it.effect("lists rooms with filters and paging, and counts them by status", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const list = fof.hotelRooms({ hotelId: sandbox.hotelId, statuses: ["Dirty"], frontOfficeStatus: "Vacant", limit: 5 })
      const page = yield* call(sandbox, token, list)
      expectValid(list, 200, page)
      expect(page.json.count).toBe(5)
      expect(page.json.hasMore).toBe(true)
      for (const room of page.json.hotelRoomsDetails.room) {
        expect(room.housekeeping.roomStatus).toMatchObject({ roomStatus: "Dirty", frontOfficeStatus: "Vacant" })
      }
      const stats = fof.roomStatusStatistics({ hotelId: sandbox.hotelId })
      const answer = yield* call(sandbox, token, stats)
      expectValid(stats, 200, answer)
      const counts = fof.roomStatusCounts(answer.json)
      expect(counts.reduce((sum, row) => sum + row.rooms, 0)).toBe(120)
      expect(counts.some((row) => row.status === "OutOfOrder")).toBe(true)
    })))

  it.effect("reports the house summary for a date, and refuses other statistics codes", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const request = fof.houseSummary({ hotelId: sandbox.hotelId, date: sandbox.businessDate })
      const answer = yield* call(sandbox, token, request)
      expectValid(request, 200, answer)
      const report = fof.occupancyFromStatistics(answer.json, sandbox.businessDate)
      expect(report.totalRooms).toBe(120)
      expect(report.outOfOrder).toBe(1)
      expect(report.occupiedRooms).toBeGreaterThan(0)
      expect(report.occupancyPercent).toBeCloseTo(((report.occupiedRooms ?? 0) / (report.roomsToSell ?? 1)) * 100, 0)
      const other = yield* send(sandbox, token, { ...request, params: { hotelId: sandbox.hotelId, statisticsCode: "Turndown" } })
      expectError(other, "STATISTICS_CODE_NOT_SUPPORTED")
    })))
})
