import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { addDays } from "../../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { catalog } from "../../../../../src/connectors/opera/tools/catalog.js"
import { ok, refusal, reservationsIn, structured, withRuntime } from "./harness.js"

// The confirmation step has its own tests; here destructive tools go straight through.
vi.stubEnv("OPERA_MCP_REQUIRE_CONFIRMATION", "false")

const first = <A>(rows: ReadonlyArray<A>, index = 0): A => {
  const row = rows[index]
  if (row === undefined) throw new Error("the seed has too few reservations for this test")
  return row
}

describe("reservation extras: definitions", () => {
  it("are annotated truthfully and name the OHIP operations they call", () => {
    const byName = new Map(catalog.map((tool) => [tool.name, tool]))
    const reads = ["get_cancellation_history", "get_reservation_statistics", "get_linked_reservations", "get_guest_messages", "get_reservation_activity_log"]
    for (const name of reads) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true })
      expect(byName.get(name)?.domain).toBe("reservations")
    }
    for (const name of ["reinstate_reservation", "add_reservation_package", "link_reservations", "unlink_reservation", "post_guest_message"]) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false })
    }
    expect(byName.get("remove_reservation_packages")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true })
    expect(Object.keys(byName.get("remove_reservation_packages")?.inputSchema.properties ?? {})).toContain("confirmationToken")
    expect(byName.get("reinstate_reservation")?.operations).toEqual(["rsv.putReinstateReservation", "rsv.getReservation"])
    expect(byName.get("get_reservation_statistics")?.operations).toEqual(["rsv.getReservationStatistics"])
  })
})

describe("reservation extras through dispatch", () => {
  it.live("cancel → history → reinstate, and reinstating a live reservation is refused", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const arrival = addDays(sandbox.businessDate, 20)
      const created = structured(yield* ok("create_reservation", {
        guest: { surname: "Okafor", givenName: "Ada" }, arrivalDate: arrival, departureDate: addDays(arrival, 2), roomType: "QUEEN", ratePlanCode: "BAR", adults: 1
      }))
      const reservationId: string = created.reservation.reservationId
      expect(structured(yield* ok("get_cancellation_history", { reservationId })).cancellations).toEqual([])
      yield* ok("cancel_reservation", { reservationId, reasonCode: "CHG", reason: "Change of plans" })
      const history = yield* ok("get_cancellation_history", { reservationId })
      expect(structured(history).cancellations).toEqual([expect.objectContaining({ reasonCode: "CHG" })])
      expect(history.text).toContain("CHG")

      const reinstated = yield* ok("reinstate_reservation", { reservationId })
      expect(structured(reinstated).reservation).toMatchObject({ reservationId, status: "Reserved" })
      expect(reinstated.text).toContain(`Reinstated: #${reservationId}`)
      expect(yield* refusal("reinstate_reservation", { reservationId })).toContain("is not cancelled, so it cannot be reinstated")
      expect(yield* refusal("reinstate_reservation", { reservationId: "999999" })).toContain("no reservation with this id")
    })))

  it.live("statistics for a date range, defaulting to the week from today (Clock), and a too-long range refused", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const week = yield* ok("get_reservation_statistics", {})
      const result = structured(week)
      expect(result.startDate).toBe(sandbox.businessDate)
      expect(result.days).toHaveLength(7)
      expect(result.totals.roomNights).toBe(result.days.reduce((sum: number, day: any) => sum + day.roomsOccupied, 0))
      expect(result.days[0].roomsOccupied).toBeGreaterThan(0)
      expect(week.text).toContain("date | arrivals | departures")
      const range = structured(yield* ok("get_reservation_statistics", { startDate: sandbox.businessDate, endDate: addDays(sandbox.businessDate, 1) }))
      expect(range.days.map((day: any) => day.date)).toEqual([sandbox.businessDate, addDays(sandbox.businessDate, 1)])
      expect(yield* refusal("get_reservation_statistics", { startDate: sandbox.businessDate, endDate: addDays(sandbox.businessDate, 100) }))
        .toContain("at most 62 days")
      expect(yield* refusal("get_reservation_statistics", { startDate: sandbox.businessDate, endDate: addDays(sandbox.businessDate, -1) }))
        .toContain("must not be before startDate")
    })))

  it.live("packages: add with its price, refuse a duplicate, remove, refuse removing nothing; the activity log shows it", () =>
    withRuntime(Effect.gen(function*() {
      const reservation = first(yield* reservationsIn("Reserved"))
      const reservationId = reservation.reservationId
      const added = yield* ok("add_reservation_package", { reservationId, packageCode: "PARK" })
      expect(structured(added).package).toMatchObject({ packageCode: "PARK", unitPrice: 25, startDate: reservation.arrivalDate, endDate: reservation.departureDate })
      expect(added.text).toContain("PARK | Valet parking")
      expect(yield* refusal("add_reservation_package", { reservationId, packageCode: "PARK" })).toContain("already on reservation")
      expect(yield* refusal("add_reservation_package", { reservationId, packageCode: "GOLF" })).toContain("not sold separately")
      const removed = yield* ok("remove_reservation_packages", { reservationId })
      expect(structured(removed)).toEqual({ reservationId, removed: true })
      expect(yield* refusal("remove_reservation_packages", { reservationId })).toContain("has no packages of its own")

      const log = yield* ok("get_reservation_activity_log", { reservationId })
      expect(structured(log).entries.map((entry: any) => entry.action)).toEqual(expect.arrayContaining(["PACKAGE ADDED", "PACKAGE DELETED"]))
      expect(structured(log).paging).toMatchObject({ offset: 0, hasMore: false })
      const sandbox = yield* Sandbox
      expect(yield* refusal("get_reservation_activity_log", { reservationId, fromDate: addDays(sandbox.businessDate, -150), toDate: sandbox.businessDate }))
        .toContain("at most 90 days")
    })))

  it.live("links: link two reservations, list the group, unlink, refuse unlinking twice", () =>
    withRuntime(Effect.gen(function*() {
      const reserved = yield* reservationsIn("Reserved")
      const one = first(reserved, 2).reservationId
      const two = first(reserved, 3).reservationId
      const linked = yield* ok("link_reservations", { reservationId: one, linkToReservationId: two })
      expect(structured(linked).linked.map((entry: any) => entry.reservationId).sort()).toEqual([one, two].sort())
      expect(linked.text).toContain(`Reservations linked with #${one}`)
      expect(structured(yield* ok("get_linked_reservations", { reservationId: two })).linked).toHaveLength(2)
      expect(yield* refusal("link_reservations", { reservationId: one, linkToReservationId: one })).toContain("cannot be linked to itself")
      yield* ok("unlink_reservation", { reservationId: one })
      expect(structured(yield* ok("get_linked_reservations", { reservationId: two })).linked).toEqual([])
      expect(yield* refusal("unlink_reservation", { reservationId: one })).toContain("is not linked")
    })))

  it.live("guest messages: leave one for an in-house guest, list the undelivered, refuse one for a departed guest", () =>
    withRuntime(Effect.gen(function*() {
      const inHouse = first(yield* reservationsIn("InHouse"))
      const left = yield* ok("post_guest_message", { reservationId: inHouse.reservationId, text: "Your taxi is booked for 7am.", from: "Concierge" })
      expect(structured(left).message).toMatchObject({ reservationId: inHouse.reservationId, delivered: false })
      expect(structured(left).message.text).toContain("Your taxi is booked for 7am.")
      const listed = yield* ok("get_guest_messages", { reservationId: inHouse.reservationId, undeliveredOnly: true })
      expect(structured(listed).messages).toHaveLength(1)
      expect(structured(listed).paging).toMatchObject({ totalResults: 1, count: 1, hasMore: false })
      expect(listed.text).toContain(`message ${structured(left).message.messageId}`)
      const departed = first(yield* reservationsIn("CheckedOut"))
      expect(yield* refusal("post_guest_message", { reservationId: departed.reservationId, text: "Hello" }))
        .toContain("messages can be left only for arriving or in-house guests")
    })))
})
