import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as hsk from "../../../../src/connectors/opera/client/housekeeping.js"
import { inventoryDays, inventoryStatistics } from "../../../../src/connectors/opera/client/inventory.js"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { expectError, expectValid, expectWellFormed } from "./fofSpec.js"
import { accessToken, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const call = (sandbox: Sandbox, token: string, request: OperaRequest) => {
  expectWellFormed(request)
  return send(sandbox, token, request)
}

const statusOf = (sandbox: Sandbox, token: string, roomNumber: string) =>
  send(sandbox, token, hsk.housekeepingOverview({ hotelId: sandbox.hotelId, limit: 200 })).pipe(
    Effect.map((answer) => hsk.overviewFromBoard(answer.json).rooms.find((room) => room.roomNumber === roomNumber))
  )

describe("hsk: room status", () => {
  it.effect("sets rooms clean, dirty or inspected, and refuses a room under repair", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const request = hsk.setRoomStatus({ hotelId: sandbox.hotelId, roomNumbers: ["101", "102"], status: "Inspected" })
      expectValid(request, 200, yield* call(sandbox, token, request))
      expect((yield* statusOf(sandbox, token, "101"))?.status).toBe("Inspected")
      expect((yield* statusOf(sandbox, token, "102"))?.status).toBe("Inspected")
      const blocked = (yield* send(sandbox, token, hsk.repairRooms({ hotelId: sandbox.hotelId, kind: "OutOfOrder", from: sandbox.businessDate }))).json
      const roomNumber = blocked.housekeepingRooms.room[0].roomId
      const refused = yield* call(sandbox, token, hsk.setRoomStatus({ hotelId: sandbox.hotelId, roomNumbers: [roomNumber], status: "Clean" }))
      expectError(refused, "ROOM_OUT_OF_ORDER")
      expectError(yield* call(sandbox, token, hsk.setRoomStatus({ hotelId: sandbox.hotelId, roomNumbers: ["999"], status: "Clean" })), "NOT_FOUND", 404)
    })))

  it.effect("gives an overview with counts per status and paging", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const request = hsk.housekeepingOverview({ hotelId: sandbox.hotelId, limit: 10 })
      const answer = yield* call(sandbox, token, request)
      expectValid(request, 200, answer)
      const overview = hsk.overviewFromBoard(answer.json)
      expect(overview.counts.reduce((sum, entry) => sum + entry.rooms, 0)).toBe(120)
      expect(overview.paging).toMatchObject({ count: 10, totalResults: 120, hasMore: true })
      const dirty = hsk.overviewFromBoard((yield* call(sandbox, token, hsk.housekeepingOverview({ hotelId: sandbox.hotelId, statuses: ["Dirty"], limit: 200 }))).json)
      expect(dirty.rooms.length).toBeGreaterThan(0)
      expect(dirty.rooms.every((room) => room.status === "Dirty")).toBe(true)
    })))
})

describe("hsk: out of order and out of service", () => {
  for (const kind of ["OutOfOrder", "OutOfService"] as const) {
    it.effect(`${kind}: list → set → list → complete → complete again fails`, () =>
      withSandbox(Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const token = yield* accessToken(sandbox)
        const hotelId = sandbox.hotelId
        const list = hsk.repairRooms({ hotelId, kind, from: sandbox.businessDate, to: addDays(sandbox.businessDate, 3) })
        const before = yield* call(sandbox, token, list)
        expectValid(list, 200, before)
        expect(hsk.roomsUnderRepair(before.json).length).toBe(1)
        const vacant = hsk.overviewFromBoard((yield* send(sandbox, token, hsk.housekeepingOverview({ hotelId, frontOfficeStatus: "Vacant", floor: "3", limit: 200 }))).json)
          .rooms.find((room) => room.reservationStatus === "NotReserved" && room.status !== "OutOfOrder")!
        const start = hsk.startRepair({
          hotelId, kind, roomNumbers: [vacant.roomNumber], reasonCode: "MAINT", remarks: "Replace carpet",
          from: sandbox.businessDate, to: addDays(sandbox.businessDate, 2), returnStatus: "Inspected"
        })
        expectValid(start, 201, yield* call(sandbox, token, start))
        expectError(yield* call(sandbox, token, start), "ROOM_ALREADY_OUT_OF_ORDER")
        const after = hsk.roomsUnderRepair((yield* call(sandbox, token, list)).json)
        const listed = after.find((room) => room.roomNumber === vacant.roomNumber)
        expect(listed?.repair).toMatchObject({ kind, reasonCode: "MAINT", remarks: "Replace carpet", returnStatus: "Inspected" })
        expect(listed?.status).toBe(kind)
        const complete = hsk.completeRepair({ hotelId, kind, roomNumber: vacant.roomNumber })
        expectValid(complete, 200, yield* call(sandbox, token, complete))
        expect((yield* statusOf(sandbox, token, vacant.roomNumber))?.status).toBe("Inspected")
        expectError(yield* call(sandbox, token, complete), kind === "OutOfOrder" ? "ROOM_NOT_OUT_OF_ORDER" : "ROOM_NOT_OUT_OF_SERVICE")
      })))
  }

  it.effect("refuses a repair that starts in the past or with an unknown reason", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const base = { hotelId: sandbox.hotelId, kind: "OutOfOrder" as const, roomNumbers: ["301"], returnStatus: "Dirty" as const }
      expectError(yield* call(sandbox, token, hsk.startRepair({ ...base, reasonCode: "RENO", from: addDays(sandbox.businessDate, -1), to: sandbox.businessDate })), "DATE_IN_PAST")
      expectError(yield* call(sandbox, token, hsk.startRepair({ ...base, reasonCode: "NOPE", from: sandbox.businessDate, to: sandbox.businessDate })), "INVALID_REASON_CODE")
    })))
})

describe("hsk: task sheets and maintenance", () => {
  it.effect("task sheets list the rooms to clean per floor, for the business date only", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const request = hsk.housekeepingTasks({ hotelId: sandbox.hotelId, taskDate: sandbox.businessDate })
      const answer = yield* call(sandbox, token, request)
      expectValid(request, 200, answer)
      const sheets = hsk.taskSheetsFrom(answer.json)
      expect(sheets.length).toBe(4)
      expect(sheets.flatMap((sheet) => sheet.rooms).every((room) => room.status === "Dirty" || room.status === "Pickup")).toBe(true)
      expectError(yield* call(sandbox, token, hsk.housekeepingTasks({ hotelId: sandbox.hotelId, taskDate: addDays(sandbox.businessDate, 1) })), "TASK_DATE_NOT_BUSINESS_DATE")
    })))

  it.effect("maintenance: list → create → resolve → resolve again fails; unknown codes are refused", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const list = hsk.roomMaintenance({ hotelId, status: "UnResolved" })
      const before = yield* call(sandbox, token, list)
      expectValid(list, 200, before)
      expect(hsk.maintenanceFrom(before.json).length).toBe(2)
      const create = hsk.createMaintenance({ hotelId, code: "TV", roomNumber: "310", remarks: "Remote missing" })
      expectValid(create, 201, yield* call(sandbox, token, create))
      const created = hsk.maintenanceFrom((yield* call(sandbox, token, hsk.roomMaintenance({ hotelId, roomNumber: "310" }))).json)
      expect(created).toEqual([expect.objectContaining({ roomNumber: "310", code: "TV", remarks: "Remote missing", status: "Open" })])
      const resolve = hsk.resolveMaintenance({ hotelId, maintenanceId: created[0]!.maintenanceId })
      expectValid(resolve, 200, yield* call(sandbox, token, resolve))
      const resolved = hsk.maintenanceFrom((yield* call(sandbox, token, hsk.roomMaintenance({ hotelId, status: "Resolved" }))).json)
      expect(resolved.map((entry) => entry.maintenanceId)).toEqual([created[0]!.maintenanceId])
      expectError(yield* call(sandbox, token, resolve), "MAINTENANCE_ALREADY_RESOLVED")
      expectError(yield* call(sandbox, token, hsk.createMaintenance({ hotelId, code: "XYZ", roomNumber: "310" })), "INVALID_MAINTENANCE_CODE")
    })))
})

describe("inv: inventory statistics", () => {
  it.effect("counts rooms per day and type; availability drops when a room goes out of order", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const request = inventoryStatistics({ hotelId, from: sandbox.businessDate, to: addDays(sandbox.businessDate, 2) })
      const answer = yield* call(sandbox, token, request)
      expectValid(request, 200, answer)
      const days = inventoryDays(answer.json)
      expect(days.filter((day) => day.roomType === "ALL").length).toBe(3)
      const today = days.find((day) => day.roomType === "ALL" && day.date === sandbox.businessDate)!
      expect(today.physicalRooms).toBe(120)
      const future = addDays(sandbox.businessDate, 30)
      const before = inventoryDays((yield* send(sandbox, token, inventoryStatistics({ hotelId, from: future, to: future }))).json)
        .find((day) => day.roomType === "ALL")!
      const start = yield* send(sandbox, token, hsk.startRepair({ hotelId, kind: "OutOfOrder", roomNumbers: ["305"], reasonCode: "RENO", from: future, to: future, returnStatus: "Dirty" }))
      expect(start.status, JSON.stringify(start.json)).toBe(201)
      const after = inventoryDays((yield* send(sandbox, token, inventoryStatistics({ hotelId, from: future, to: future }))).json)
        .find((day) => day.roomType === "ALL")!
      expect(after.outOfOrder).toBe((before.outOfOrder ?? 0) + 1)
      expect(after.available).toBe((before.available ?? 0) - 1)
      const tooLong = yield* send(sandbox, token, inventoryStatistics({ hotelId, from: sandbox.businessDate, to: addDays(sandbox.businessDate, 40) }))
      expectError(tooLong, "DATE_RANGE_TOO_LONG")
    })))
})
