import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { atTheDesk, businessDate, ok, readyRoom, refused } from "../frontDesk/harness.js"

// Confirmation of destructive tools is tested in frontDesk/checkOut.test.ts.
const previous = process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
beforeAll(() => {
  process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = "false"
})
afterAll(() => {
  if (previous === undefined) delete process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
  else process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = previous
})

describe("rooms and their status", () => {
  it.effect("list_rooms filters by status, type and floor; update_room_status changes it and refuses a room out of order", () =>
    atTheDesk(Effect.gen(function*() {
      const dirty = yield* ok("list_rooms", { statuses: ["Dirty"], floor: "2", limit: 200 })
      expect(dirty.data.rooms.length).toBeGreaterThan(0)
      expect(dirty.data.rooms.every((room: any) => room.status === "Dirty" && room.floor === "2")).toBe(true)
      expect(dirty.text).toMatch(/rooms 1–\d+ of \d+/)
      const page = yield* ok("list_rooms", { roomType: "STE", limit: 3 })
      expect(page.data.paging).toMatchObject({ count: 3, hasMore: true })
      expect(page.data.rooms.every((room: any) => room.roomType === "STE")).toBe(true)

      const room = dirty.data.rooms[0].roomNumber
      const updated = yield* ok("update_room_status", { roomNumbers: [room], status: "Inspected" })
      expect(updated.text).toBe(`Room ${room} now Inspected.`)
      const after = (yield* ok("list_rooms", { floor: "2", limit: 200 })).data.rooms.find((entry: any) => entry.roomNumber === room)
      expect(after.status).toBe("Inspected")

      const outOfOrder = (yield* ok("list_out_of_order_rooms", {})).data.rooms[0].roomNumber
      expect(yield* refused("update_room_status", { roomNumbers: [outOfOrder], status: "Clean" })).toContain("out of order")
      expect(yield* refused("update_room_status", { roomNumbers: [room], status: "OutOfOrder" })).toContain("status")
    })))

  it.effect("get_housekeeping_overview counts every room and pages the board", () =>
    atTheDesk(Effect.gen(function*() {
      const overview = yield* ok("get_housekeeping_overview", { limit: 10 })
      expect(overview.data.counts.reduce((sum: number, entry: any) => sum + entry.rooms, 0)).toBe(120)
      expect(overview.data.paging).toMatchObject({ count: 10, totalResults: 120, hasMore: true })
      expect(overview.text).toContain("Housekeeping:")
      const occupied = yield* ok("get_housekeeping_overview", { frontOfficeStatus: "Occupied", limit: 200 })
      expect(occupied.data.rooms.every((room: any) => room.frontOfficeStatus === "Occupied")).toBe(true)
      expect(yield* refused("get_housekeeping_overview", { hotelId: "NOPE1" })).toMatch(/does not allow|not allowed|may not/i)
    })))
})

describe("out of order and out of service", () => {
  it.effect("set_room_out_of_order → list → release returns the room; OPERA refuses occupied rooms and repeats", () =>
    atTheDesk(Effect.gen(function*() {
      const room = yield* readyRoom("DBL")
      const set = yield* ok("set_room_out_of_order", { roomNumbers: [room], reasonCode: "MAINT", to: "2025-06-12", remarks: "Leak", returnStatus: "Inspected" })
      expect(set.data).toMatchObject({ kind: "OutOfOrder", from: businessDate, to: "2025-06-12" })
      const listed = (yield* ok("list_out_of_order_rooms", { to: "2025-06-11" })).data.rooms.find((entry: any) => entry.roomNumber === room)
      expect(listed).toMatchObject({ status: "OutOfOrder", repair: { kind: "OutOfOrder", reasonCode: "MAINT", remarks: expect.stringContaining(">Leak</untrusted-opera-text>"), to: "2025-06-12" } })
      expect(yield* refused("set_room_out_of_order", { roomNumbers: [room], reasonCode: "MAINT", to: "2025-06-12" })).toContain("already out of order")
      const released = yield* ok("release_out_of_order_room", { roomNumber: room })
      expect(released.text).toContain(`Room ${room} is back in inventory`)
      const back = (yield* ok("list_rooms", { limit: 200 })).data.rooms.find((entry: any) => entry.roomNumber === room)
      expect(back.status).toBe("Inspected")
      expect(yield* refused("release_out_of_order_room", { roomNumber: room })).toContain("is not out of order")

      const inHouse = (yield* ok("list_in_house_guests", { limit: 1 })).data.reservations[0].roomNumber
      expect(yield* refused("set_room_out_of_order", { roomNumbers: [inHouse], reasonCode: "DMG", to: "2025-06-11" })).toContain("occupied")
    })))

  it.effect("out of service works the same way under kind OutOfService", () =>
    atTheDesk(Effect.gen(function*() {
      const before = (yield* ok("list_out_of_order_rooms", { kind: "OutOfService" })).data.rooms
      expect(before.length).toBe(1)
      const room = yield* readyRoom("QUEEN")
      yield* ok("set_room_out_of_order", { kind: "OutOfService", roomNumbers: [room], reasonCode: "PEST", to: businessDate })
      const during = (yield* ok("list_out_of_order_rooms", { kind: "OutOfService" })).data.rooms
      expect(during.map((entry: any) => entry.roomNumber)).toContain(room)
      expect(yield* refused("release_out_of_order_room", { kind: "OutOfOrder", roomNumber: room })).toContain("not out of order")
      yield* ok("release_out_of_order_room", { kind: "OutOfService", roomNumber: room })
      expect(yield* refused("set_room_out_of_order", { roomNumbers: [room], reasonCode: "PEST", from: "2025-06-01", to: businessDate })).toContain("before the business date")
    })))
})

describe("tasks, maintenance and inventory", () => {
  it.effect("list_housekeeping_tasks gives today's sheets and refuses another date", () =>
    atTheDesk(Effect.gen(function*() {
      const tasks = yield* ok("list_housekeeping_tasks", {})
      expect(tasks.data.date).toBe(businessDate)
      expect(tasks.data.sheets.length).toBe(4)
      const rooms = tasks.data.sheets.flatMap((sheet: any) => sheet.rooms)
      expect(rooms.length).toBeGreaterThan(0)
      expect(rooms.every((room: any) => room.status === "Dirty" || room.status === "Pickup")).toBe(true)
      const room = rooms[0].roomNumber
      yield* ok("update_room_status", { roomNumbers: [room], status: "Clean" })
      const after = (yield* ok("list_housekeeping_tasks", {})).data.sheets.flatMap((sheet: any) => sheet.rooms)
      expect(after.map((entry: any) => entry.roomNumber)).not.toContain(room)
      expect(yield* refused("list_housekeeping_tasks", { date: "2025-06-11" })).toContain("business date")
    })))

  it.effect("maintenance requests: list → create → resolve; OPERA refuses unknown codes and a second resolve", () =>
    atTheDesk(Effect.gen(function*() {
      const open = yield* ok("list_maintenance_requests", {})
      expect(open.data.requests.length).toBe(2)
      const created = yield* ok("create_maintenance_request", { roomNumber: "312", code: "LOCK", remarks: "Card reader dead" })
      expect(created.data.request).toMatchObject({ roomNumber: "312", code: "LOCK", status: "Open", remarks: expect.stringContaining(">Card reader dead<") })
      const id = created.data.request.maintenanceId
      const resolved = yield* ok("resolve_maintenance_request", { maintenanceId: id, remarks: "Replaced" })
      expect(resolved.text).toBe(`Maintenance request #${id} resolved.`)
      const done = yield* ok("list_maintenance_requests", { status: "Resolved" })
      expect(done.data.requests.map((entry: any) => entry.maintenanceId)).toEqual([id])
      expect(yield* refused("resolve_maintenance_request", { maintenanceId: id })).toContain("already resolved")
      expect(yield* refused("create_maintenance_request", { roomNumber: "312", code: "MAGIC" })).toContain("Unknown maintenance code")
    })))

  it.effect("get_inventory_statistics: a week by default, drops when a room goes out of order, refuses long ranges", () =>
    atTheDesk(Effect.gen(function*() {
      const week = yield* ok("get_inventory_statistics", {})
      expect(week.data.days.map((day: any) => day.date)).toEqual(
        ["2025-06-10", "2025-06-11", "2025-06-12", "2025-06-13", "2025-06-14", "2025-06-15", "2025-06-16"]
      )
      const future = { from: "2025-07-01", to: "2025-07-01", roomType: "DBL" }
      const before = (yield* ok("get_inventory_statistics", future)).data.days[0]
      expect(before.physicalRooms).toBe(20)
      const room = yield* readyRoom("DBL")
      yield* ok("set_room_out_of_order", { roomNumbers: [room], reasonCode: "RENO", from: "2025-07-01", to: "2025-07-01" })
      const after = (yield* ok("get_inventory_statistics", future)).data.days[0]
      expect(after.outOfOrder).toBe(before.outOfOrder + 1)
      expect(after.available).toBe(before.available - 1)
      expect(yield* refused("get_inventory_statistics", { from: "2025-06-10", to: "2025-08-30" })).toContain("at most 31 days")
    })))
})
