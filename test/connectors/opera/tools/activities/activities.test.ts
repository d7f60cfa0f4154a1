import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { addDays } from "../../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { catalog } from "../../../../../src/connectors/opera/tools/catalog.js"
import { ok, refused, withRuntime } from "../blocks/harness.js"

// The confirmation step has its own tests; here cancel_activity goes straight through.
vi.stubEnv("OPERA_MCP_REQUIRE_CONFIRMATION", "false")

/** Reservations of the primary hotel in a stored status, in id order (the seed books activities for the first in-house guests). */
const reservations = (status: string) =>
  Sandbox.pipe(
    Effect.flatMap((sandbox) => sandbox.snapshot),
    Effect.map((snapshot) =>
      [...snapshot.reservations.values()]
        .filter((reservation) => reservation.hotelId === "SAND01" && reservation.status === status)
        .sort((left, right) => Number(left.reservationId) - Number(right.reservationId))
    )
  )

describe("activity tools: definitions", () => {
  it("are in the catalog and annotated truthfully: list reads, booking writes, cancelling is destructive", () => {
    const byName = new Map(catalog.map((tool) => [tool.name, tool]))
    expect(byName.get("list_activities")?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true })
    expect(byName.get("book_activity")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false })
    expect(byName.get("cancel_activity")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true })
    expect(Object.keys((byName.get("cancel_activity")?.inputSchema.properties ?? {}) as object)).toContain("confirmationToken")
    expect(byName.get("cancel_activity")?.operations).toEqual(["act.getActivity", "act.deleteActivities"])
    expect([...byName.values()].filter((tool) => tool.domain === "activities").map((tool) => tool.name).sort())
      .toEqual(["book_activity", "cancel_activity", "list_activities"])
  })
})

describe("activity tools through dispatch", () => {
  it.live("list today's activities by default, a date range, and a reservation's activities over its stay", () =>
    withRuntime(Effect.gen(function*() {
      const { businessDate } = yield* Sandbox
      const [first] = yield* reservations("InHouse")
      const todays = yield* ok("list_activities", {})
      expect(todays.data).toMatchObject({ from: businessDate, to: businessDate })
      expect(todays.data.activities.map((activity: any) => [activity.type, activity.start])).toEqual([
        ["SPA", `${businessDate} 15:00`],
        ["DINNER", `${businessDate} 19:30`]
      ])
      expect(todays.text).toContain(`${businessDate} 15:00–16:00`)

      const range = yield* ok("list_activities", { date: businessDate, toDate: addDays(businessDate, 1), types: ["SPA"], includeCompleted: false })
      expect(range.data.activities).toHaveLength(3)
      expect(range.data.paging).toMatchObject({ totalResults: 3, hasMore: false })

      const stay = yield* ok("list_activities", { reservationId: first!.reservationId })
      expect(stay.data).toMatchObject({ from: first!.arrivalDate, to: first!.departureDate, reservationId: first!.reservationId })
      expect(stay.data.activities.every((activity: any) => activity.profileId === first!.profileId)).toBe(true)
      expect(stay.data.activities.map((activity: any) => activity.completed)).toContain(false)

      expect((yield* refused("list_activities", { toDate: businessDate })).text).toContain("toDate")
      expect((yield* refused("list_activities", { reservationId: "424242" })).text).toMatch(/no such record|no reservation/i)
    })))

  it.live("book an activity for a reservation, see it listed, be refused a full slot, and cancel it", () =>
    withRuntime(Effect.gen(function*() {
      const { businessDate } = yield* Sandbox
      const tomorrow = addDays(businessDate, 1)
      const inHouse = yield* reservations("InHouse")
      const guest = inHouse.find((reservation) => reservation.departureDate > tomorrow && !inHouse.slice(0, 5).some((seeded) => seeded.profileId === reservation.profileId))
      if (guest === undefined) throw new Error("no in-house guest without seeded activities")

      const booked = yield* ok("book_activity", {
        reservationId: guest.reservationId, activityType: "GOLF", date: tomorrow, startTime: "13:00", durationMinutes: 240, purpose: "18 holes with caddie"
      })
      expect(booked.data.activity).toMatchObject({
        type: "GOLF", start: `${tomorrow} 13:00`, end: `${tomorrow} 17:00`, profileId: guest.profileId, completed: false, purpose: "18 holes with caddie"
      })
      expect(booked.text).toContain(`Booked for reservation #${guest.reservationId}`)
      const listed = yield* ok("list_activities", { reservationId: guest.reservationId })
      expect(listed.data.activities.map((activity: any) => activity.activityId)).toContain(booked.data.activity.activityId)

      const full = yield* refused("book_activity", { reservationId: guest.reservationId, activityType: "SPA", date: tomorrow, startTime: "10:30" })
      expect(full.text).toContain("fully booked")
      const overlap = yield* refused("book_activity", { reservationId: guest.reservationId, activityType: "TOUR", date: tomorrow, startTime: "16:00" })
      expect(overlap.text).toContain("already has GOLF booked")
      const unknownType = yield* refused("book_activity", { reservationId: guest.reservationId, activityType: "KARAOKE", date: tomorrow, startTime: "20:00" })
      expect(unknownType.text).toContain("SPA, GOLF, DINNER, TOUR")
      const outside = yield* refused("book_activity", { reservationId: guest.reservationId, activityType: "SPA", date: addDays(guest.departureDate, 3), startTime: "09:00" })
      expect(outside.text).toContain("outside the stay")

      const cancelled = yield* ok("cancel_activity", { activityId: booked.data.activity.activityId })
      expect(cancelled.data.cancelled).toMatchObject({ activityId: booked.data.activity.activityId, type: "GOLF" })
      expect(cancelled.text).toContain("Cancelled activity")
      const after = yield* ok("list_activities", { reservationId: guest.reservationId })
      expect(after.data.activities.map((activity: any) => activity.activityId)).not.toContain(booked.data.activity.activityId)
      expect((yield* refused("cancel_activity", { activityId: booked.data.activity.activityId })).text).toMatch(/no such record|no activity/i)
    })))

  it.live("a completed activity cannot be cancelled, and a cancelled reservation cannot book", () =>
    withRuntime(Effect.gen(function*() {
      const { businessDate } = yield* Sandbox
      const yesterday = yield* ok("list_activities", { date: addDays(businessDate, -1) })
      const done = yesterday.data.activities.find((activity: any) => activity.completed)
      const refusal = yield* refused("cancel_activity", { activityId: done.activityId })
      expect(refusal.text).toContain("completed")
      const [cancelled] = yield* reservations("Cancelled")
      const closed = yield* refused("book_activity", { reservationId: cancelled!.reservationId, activityType: "SPA", date: cancelled!.arrivalDate, startTime: "09:00" })
      expect(closed.text).toContain("is Cancelled")
    })))
})
