import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { atTheDesk, businessDate, ok, readyRoom, refused, theSandbox } from "./harness.js"

// Confirmation of destructive tools is tested in checkOut.test.ts; here check-out runs at once.
const previous = process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
beforeAll(() => {
  process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = "false"
})
afterAll(() => {
  if (previous === undefined) delete process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
  else process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = previous
})

/** Books a new stay arriving today through the reservations tool. */
const bookToday = (roomType = "KING") =>
  ok("create_reservation", {
    guest: { givenName: "Ada", surname: "Walkway" },
    arrivalDate: businessDate,
    departureDate: "2025-06-12",
    roomType,
    ratePlanCode: "BAR",
    adults: 1
  }).pipe(Effect.map(({ data }) => String(data.reservation.reservationId)))

describe("front desk lists", () => {
  it.effect("list_arrivals, list_departures and list_in_house_guests default to today and pass paging through", () =>
    atTheDesk(Effect.gen(function*() {
      const arrivals = yield* ok("list_arrivals", { limit: 5 })
      expect(arrivals.data.date).toBe(businessDate)
      expect(arrivals.data.reservations.length).toBe(5)
      expect(arrivals.data.reservations.every((row: any) => row.arrivalDate === businessDate)).toBe(true)
      expect(arrivals.data.paging).toMatchObject({ limit: 5, offset: 0, hasMore: true })
      expect(arrivals.text).toContain(`arrivals for ${businessDate}`)
      const next = yield* ok("list_arrivals", { limit: 5, offset: 5 })
      expect(next.data.reservations[0].reservationId).not.toBe(arrivals.data.reservations[0].reservationId)

      const departures = yield* ok("list_departures", { limit: 200 })
      expect(departures.data.reservations.length).toBeGreaterThan(0)
      expect(departures.data.reservations.every((row: any) => row.departureDate === businessDate)).toBe(true)

      const inHouse = yield* ok("list_in_house_guests", { limit: 200 })
      expect(inHouse.data.reservations.length).toBeGreaterThan(10)
      expect(inHouse.data.reservations.every((row: any) => row.status === "InHouse")).toBe(true)
      expect(inHouse.data.reservations.some((row: any) => row.departureDate === businessDate)).toBe(true)
    })))

  it.effect("get_no_show_report lists the no-shows of an arrival date", () =>
    atTheDesk(Effect.gen(function*() {
      const sandbox = yield* theSandbox
      const noShow = [...(yield* sandbox.snapshot).reservations.values()]
        .find((reservation) => reservation.status === "NoShow" && reservation.hotelId === sandbox.hotelId)!
      const report = yield* ok("get_no_show_report", { date: noShow.arrivalDate })
      expect(report.data.reservations.map((row: any) => row.reservationId)).toContain(noShow.reservationId)
      expect(report.data.reservations.every((row: any) => row.status === "NoShow")).toBe(true)
      const byDefault = yield* ok("get_no_show_report", {})
      expect(byDefault.data.date).toBe("2025-06-09")
    })))

  it.effect("lists refuse a hotel OPERA does not allow, and impossible dates", () =>
    atTheDesk(Effect.gen(function*() {
      for (const name of ["list_arrivals", "list_departures", "list_in_house_guests", "get_no_show_report", "get_occupancy_report", "get_room_status_statistics"]) {
        expect(yield* refused(name, { hotelId: "NOPE1" })).toMatch(/does not allow|not allowed|may not/i)
      }
      expect(yield* refused("list_arrivals", { date: "2025-02-30" })).toContain("date")
    })))
})

describe("arrival, stay and departure", () => {
  it.effect("check_in_guest refuses without a room and with a dirty room, then checks in; move_room and check_out_guest follow", () =>
    atTheDesk(Effect.gen(function*() {
      const reservationId = yield* bookToday()
      expect(yield* refused("check_in_guest", { reservationId })).toContain("no room assigned")

      const suggested = yield* ok("get_suggested_rooms", { reservationId })
      expect(suggested.data.roomNumbers.length).toBeGreaterThan(1)
      expect(suggested.text).toContain("Suggested rooms")
      const [first, second] = suggested.data.roomNumbers as [string, string]

      yield* ok("update_room_status", { roomNumbers: [first], status: "Dirty" })
      const dirty = yield* refused("check_in_guest", { reservationId, roomNumber: first })
      expect(dirty).toContain(`Room ${first} is Dirty`)
      expect(dirty).toContain("Clean or Inspected")

      yield* ok("update_room_status", { roomNumbers: [first], status: "Clean" })
      const checkedIn = yield* ok("check_in_guest", { reservationId, roomNumber: first })
      expect(checkedIn.data.reservation).toMatchObject({ reservationId, status: "InHouse", roomNumber: first })
      expect(checkedIn.text).toContain("Checked in")
      expect(yield* refused("check_in_guest", { reservationId })).toContain("already checked in")

      const moved = yield* ok("move_room", { reservationId, roomNumber: second, reason: "Noise" })
      expect(moved.data).toMatchObject({ previousRoomNumber: first, reservation: { roomNumber: second } })
      expect(yield* refused("move_room", { reservationId, roomNumber: second })).toContain("already in room")

      const checkedOut = yield* ok("check_out_guest", { reservationId })
      expect(checkedOut.data.reservation.status).toBe("CheckedOut")
      expect(checkedOut.text).toContain(`Room ${second} is now vacant and dirty`)
      const room = (yield* ok("list_rooms", { limit: 200 })).data.rooms.find((entry: any) => entry.roomNumber === second)
      expect(room).toMatchObject({ status: "Dirty", frontOfficeStatus: "Vacant" })
      expect(yield* refused("check_out_guest", { reservationId })).toContain("only an in-house guest can check out")
    })))

  it.effect("assign_room and unassign_room, with OPERA's refusals", () =>
    atTheDesk(Effect.gen(function*() {
      const reservationId = yield* bookToday("QUEEN")
      const room = yield* readyRoom("QUEEN")
      expect(yield* refused("assign_room", { reservationId, roomNumber: "101" })).toContain("is a KING room")
      const assigned = yield* ok("assign_room", { reservationId, roomNumber: room })
      expect(assigned.data.reservation.roomNumber).toBe(room)
      const other = yield* bookToday("QUEEN")
      expect(yield* refused("assign_room", { reservationId: other, roomNumber: room })).toContain("already assigned or occupied")
      const released = yield* ok("unassign_room", { reservationId })
      expect(released.data.reservation.roomNumber).toBeUndefined()
      expect(yield* refused("unassign_room", { reservationId })).toContain("has no room assigned")
      expect(yield* refused("get_suggested_rooms", { reservationId: "999999" })).toMatch(/no such record|no reservation/i)
    })))

  it.effect("walk_in_guest books and checks in at once; without a free room it says what is left to do", () =>
    atTheDesk(Effect.gen(function*() {
      const walkIn = yield* ok("walk_in_guest", { givenName: "Wanda", surname: "Walker", roomType: "STE", nights: 2 })
      expect(walkIn.data.reservation).toMatchObject({ status: "InHouse", arrivalDate: businessDate, departureDate: "2025-06-12", roomType: "STE" })
      expect(walkIn.data.reservation.roomNumber).toBeDefined()
      expect(walkIn.text).toContain("Walk-in checked in")

      const dirtyRoom = yield* readyRoom("DBL")
      yield* ok("update_room_status", { roomNumbers: [dirtyRoom], status: "Pickup" })
      const failed = yield* refused("walk_in_guest", { surname: "Late", roomType: "DBL", roomNumber: dirtyRoom })
      expect(failed).toMatch(/Reservation \d+ was booked but the guest is not checked in/)
      expect(failed).toContain("Pickup")
    })))
})

describe("front desk reports", () => {
  it.effect("get_occupancy_report follows check-ins; get_room_status_statistics counts every room", () =>
    atTheDesk(Effect.gen(function*() {
      const report = yield* ok("get_occupancy_report", {})
      expect(report.data).toMatchObject({ date: businessDate, totalRooms: 120, outOfOrder: 1, outOfService: 1, roomsToSell: 119 })
      expect(report.text).toContain(`Occupancy ${businessDate}`)
      yield* ok("walk_in_guest", { surname: "Counter", roomType: "KING" })
      const after = yield* ok("get_occupancy_report", { date: businessDate })
      expect(after.data.occupiedRooms).toBe(report.data.occupiedRooms + 1)
      expect(after.data.arrivalsCheckedIn).toBe(report.data.arrivalsCheckedIn + 1)

      const stats = yield* ok("get_room_status_statistics", {})
      expect(stats.data.totals.reduce((sum: number, total: any) => sum + total.rooms, 0)).toBe(120)
      const occupied = yield* ok("get_room_status_statistics", { frontOfficeStatus: "Occupied" })
      expect(occupied.data.rows.every((row: any) => row.frontOfficeStatus === "Occupied")).toBe(true)
      expect(stats.text).toContain("Rooms by status")
    })))
})
