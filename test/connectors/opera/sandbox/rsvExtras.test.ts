import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import * as extras from "../../../../src/connectors/opera/client/reservationExtras.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import type { StoredReservationStatus } from "../../../../src/connectors/opera/sandbox/property.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, definitionErrors, describeErrors, requestBodyErrors, requestProblems, responseErrors, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

/** Sends a builder's request after checking it against the spec; the answer must match the spec for `status`. */
const exchange = (sandbox: Sandbox, token: string, request: OperaRequest, status: number) =>
  Effect.gen(function*() {
    expect(requestProblems(request)).toEqual([])
    if (request.body !== undefined) expect(describeErrors(requestBodyErrors("rsv", request.operationId, request.body))).toBe("No errors")
    const answer = yield* send(sandbox, token, request)
    expect(answer.status, answer.text).toBe(status)
    const errors = status < 300
      ? responseErrors("rsv", request.operationId, status, answer.json)
      : definitionErrors("rsv", "exceptionDetailType", answer.json)
    expect(describeErrors(errors)).toBe("No errors")
    return answer
  })

const reservationIn = (sandbox: Sandbox, status: StoredReservationStatus, skip = 0) =>
  Effect.map(sandbox.snapshot, (snapshot) => {
    const found = [...snapshot.reservations.values()]
      .filter((entry) => entry.hotelId === sandbox.hotelId && entry.status === status && entry.ratePlanCode !== "PKG")[skip]
    if (found === undefined) throw new Error(`no ${status} reservation seeded`)
    return found
  })

describe("rsv extras: packages", () => {
  it.effect("adds a package, reads its schedule, refuses duplicates, and removes the reservation's packages", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const reservation = yield* reservationIn(sandbox, "Reserved")
      const on = { hotelId: sandbox.hotelId, reservationId: reservation.reservationId }
      yield* exchange(sandbox, token, extras.addReservationPackage({ ...on, packageCode: "PARK", quantity: 1 }), 201)
      const read = yield* exchange(sandbox, token, extras.getReservationPackage({ ...on, packageCode: "PARK" }), 200)
      const lines = extras.packagesFrom(read.json)
      expect(lines[0]).toMatchObject({ packageCode: "PARK", unitPrice: 25, startDate: reservation.arrivalDate, source: "Reservation" })
      const nights = read.json.reservationPackages.reservationPackage[0].scheduleList.length
      expect(lines[0]?.totalPrice).toBe(25 * nights)

      const twice = yield* exchange(sandbox, token, extras.addReservationPackage({ ...on, packageCode: "PARK" }), 400)
      expect(twice.json["o:errorCode"]).toBe("PACKAGE_EXISTS")
      const unknown = yield* exchange(sandbox, token, extras.addReservationPackage({ ...on, packageCode: "GOLF" }), 400)
      expect(unknown.json["o:errorCode"]).toBe("INVALID_PACKAGE")
      const outside = yield* exchange(
        sandbox, token, extras.addReservationPackage({ ...on, packageCode: "SPA", startDate: addDays(reservation.departureDate, 1), endDate: addDays(reservation.departureDate, 2) }), 400
      )
      expect(outside.json["o:errorCode"]).toBe("INVALID_PACKAGE_DATES")

      yield* exchange(sandbox, token, extras.removeReservationPackages(on), 200)
      yield* exchange(sandbox, token, extras.getReservationPackage({ ...on, packageCode: "PARK" }), 404)
      const none = yield* exchange(sandbox, token, extras.removeReservationPackages(on), 400)
      expect(none.json["o:errorCode"]).toBe("NO_RESERVATION_PACKAGES")
    })))
})

describe("rsv extras: links, messages, history, activity, statistics", () => {
  it.effect("links two reservations, lists the group, and unlinks", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const first = yield* reservationIn(sandbox, "Reserved", 0)
      const second = yield* reservationIn(sandbox, "Reserved", 1)
      const on = { hotelId: sandbox.hotelId, reservationId: first.reservationId }
      yield* exchange(sandbox, token, extras.linkReservations({ ...on, linkToReservationId: second.reservationId }), 201)
      const group = yield* exchange(sandbox, token, extras.getLinkedReservations(on), 200)
      expect(extras.linkedFrom(group.json).map((entry) => entry.reservationId).sort()).toEqual([first.reservationId, second.reservationId].sort())
      const again = yield* exchange(sandbox, token, extras.linkReservations({ ...on, linkToReservationId: second.reservationId }), 400)
      expect(again.json["o:errorCode"]).toBe("ALREADY_LINKED")
      const self = yield* exchange(sandbox, token, extras.linkReservations({ ...on, linkToReservationId: first.reservationId }), 400)
      expect(self.json["o:errorCode"]).toBe("INVALID_LINK")
      yield* exchange(sandbox, token, extras.unlinkReservation(on), 200)
      const empty = yield* exchange(sandbox, token, extras.getLinkedReservations({ ...on, reservationId: second.reservationId }), 200)
      expect(extras.linkedFrom(empty.json)).toEqual([])
      const notLinked = yield* exchange(sandbox, token, extras.unlinkReservation(on), 400)
      expect(notLinked.json["o:errorCode"]).toBe("NOT_LINKED")
    })))

  it.effect("leaves a guest message for an in-house guest, lists it, and refuses one for a checked-out stay", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const inHouse = yield* reservationIn(sandbox, "InHouse")
      const on = { hotelId: sandbox.hotelId, reservationId: inHouse.reservationId }
      const left = yield* exchange(sandbox, token, extras.postGuestMessage({ ...on, text: "Your parcel is at the desk." }), 201)
      expect(left.json.guestMessages[0].message.roomId).toBe(inHouse.roomId)
      const listed = yield* exchange(sandbox, token, extras.getGuestMessages({ hotelId: sandbox.hotelId, reservationId: inHouse.reservationId }), 200)
      const { messages, paging } = extras.messagesFrom(listed.json)
      expect(messages).toEqual([expect.objectContaining({ reservationId: inHouse.reservationId, text: "Your parcel is at the desk.", delivered: false })])
      expect(paging).toMatchObject({ totalResults: 1, hasMore: false })
      const closed = yield* reservationIn(sandbox, "CheckedOut")
      const refused = yield* exchange(sandbox, token, extras.postGuestMessage({ hotelId: sandbox.hotelId, reservationId: closed.reservationId, text: "Hi" }), 400)
      expect(refused.json["o:errorCode"]).toBe("MESSAGE_NOT_ALLOWED")
    })))

  it.effect("reports cancellation history, the activity log (90-day window) and per-day statistics", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const cancelled = yield* reservationIn(sandbox, "Cancelled")
      const on = { hotelId: sandbox.hotelId, reservationId: cancelled.reservationId }
      const history = yield* exchange(sandbox, token, extras.getCancellationHistory(on), 200)
      expect(extras.cancellationsFromHistory(history.json)).toEqual([
        expect.objectContaining({ cancellationNumber: cancelled.cancellation?.number, reasonCode: cancelled.cancellation?.code })
      ])
      yield* exchange(sandbox, token, extras.getCancellationHistory({ ...on, reservationId: "999999" }), 404)

      const log = yield* exchange(sandbox, token, extras.getReservationActivityLog({ ...on, fromDate: addDays(sandbox.businessDate, -89), toDate: sandbox.businessDate }), 200)
      expect(extras.activityFrom(log.json).entries.map((entry) => entry.action)).toContain("NEW RESERVATION")
      const tooLong = yield* exchange(sandbox, token, extras.getReservationActivityLog({ ...on, fromDate: addDays(sandbox.businessDate, -120), toDate: sandbox.businessDate }), 400)
      expect(tooLong.json["o:errorCode"]).toBe("DATE_RANGE_TOO_LONG")

      const today = sandbox.businessDate
      const stats = yield* exchange(sandbox, token, extras.getReservationStatistics({ hotelId: sandbox.hotelId, startDate: today, endDate: addDays(today, 2) }), 200)
      const days = extras.daysFromStatistics(stats.json)
      expect(days.map((day) => day.date)).toEqual([today, addDays(today, 1), addDays(today, 2)])
      const snapshot = yield* sandbox.snapshot
      const arrivals = [...snapshot.reservations.values()].filter((entry) =>
        entry.hotelId === sandbox.hotelId && entry.arrivalDate === today && entry.status !== "Cancelled" && entry.status !== "NoShow"
      ).length
      expect(days[0]?.arrivals).toBe(arrivals)
      expect(days[0]?.roomRevenue).toBeGreaterThan(0)
      const backwards = yield* exchange(sandbox, token, extras.getReservationStatistics({ hotelId: sandbox.hotelId, startDate: today, endDate: addDays(today, -1) }), 400)
      expect(backwards.json.detail).toContain("must not be before")
    })))
})
