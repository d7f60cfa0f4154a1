import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { bookActivity, cancelActivity, getActivity, listActivities } from "../../../../src/connectors/opera/client/activities.js"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { expectOhipError, expectValidAnswer } from "./cshSpecDates.js"
import { accessToken, describeErrors, requestBodyErrors, requestProblems, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const expectConformant = (request: OperaRequest) => {
  expect(requestProblems(request)).toEqual([])
  if (request.body !== undefined) expect(describeErrors(requestBodyErrors("act", request.operationId, request.body))).toBe("No errors")
}

/** Profiles of in-house guests of the primary hotel, in reservation order (the seed books activities for the first five). */
const inHouseProfiles = (sandbox: Sandbox) =>
  sandbox.snapshot.pipe(Effect.map((snapshot) =>
    [...snapshot.reservations.values()]
      .filter((reservation) => reservation.hotelId === sandbox.hotelId && reservation.status === "InHouse")
      .sort((left, right) => Number(left.reservationId) - Number(right.reservationId))
      .map((reservation) => reservation.profileId)
  ))

describe("act request builders", () => {
  it("match act.json: method, path, declared query parameters and body definitions", () => {
    const hotelId = "SAND01"
    const requests = [
      listActivities({ hotelId, startDate: "2026-05-01", endDate: "2026-05-03", contactId: "100001", activityTypes: ["SPA"], completed: false, limit: 20, offset: 0 }),
      getActivity({ hotelId, activityId: "4200001" }),
      bookActivity({ hotelId, activityType: "GOLF", purpose: "9 holes", start: "2026-05-02T09:00", end: "2026-05-02T11:00", profileId: "100001", notes: "Left-handed clubs" }),
      cancelActivity({ hotelId, activityId: "4200001" })
    ]
    requests.forEach(expectConformant)
    expect(requests.map((request) => request.operationId)).toEqual(["getActivities", "getActivity", "postActivities", "deleteActivities"])
  })
})

describe("act routes", () => {
  it.effect("lists the seeded activities by date and guest, shaped as act.json defines", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const today = sandbox.businessDate
      const profiles = yield* inHouseProfiles(sandbox)
      const todays = yield* send(sandbox, token, listActivities({ hotelId: sandbox.hotelId, startDate: today, endDate: today }))
      expectValidAnswer("act", "getActivities", 200, todays)
      expect(todays.json.activitiesInformation.map((entry: any) => entry.activityDetail.activityType)).toEqual(["SPA", "DINNER"])
      expect(todays.json.activitiesInformation[0].activityDetail.startDateTime).toBe(`${today}T15:00:00Z`)
      expect(todays.json.activitiesInformation[0].linkedContacts.activityContact[0].profileIdList[0].id).toBe(profiles[0])

      const guest = yield* send(sandbox, token, listActivities({ hotelId: sandbox.hotelId, contactId: profiles[0]! }))
      expect(guest.json.activitiesInformation.map((entry: any) => entry.activityDetail.status.completed)).toEqual([true, false])
      const paged = yield* send(sandbox, token, listActivities({ hotelId: sandbox.hotelId, limit: 2, offset: 2 }))
      expect(paged.json).toMatchObject({ count: 2, offset: 2, totalResults: 6, hasMore: true })

      const one = yield* send(sandbox, token, getActivity({ hotelId: sandbox.hotelId, activityId: todays.json.activitiesInformation[1].activityId.id }))
      expectValidAnswer("act", "getActivity", 200, one)
      expect(one.json.activityDetails.activityDetail.activityPurpose).toBe("Chef's table for two")
    })))

  it.effect("books an activity for a guest, refuses a full slot, an overlap and the past, and cancels", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const tomorrow = addDays(sandbox.businessDate, 1)
      // A guest who is not in house yet has no seeded activity.
      const inHouse = new Set(yield* inHouseProfiles(sandbox))
      const guest = [...(yield* sandbox.snapshot).reservations.values()]
        .find((reservation) => reservation.hotelId === sandbox.hotelId && reservation.status === "Reserved" && !inHouse.has(reservation.profileId))!
        .profileId
      const book = (type: string, start: string, end: string, profileId = guest) =>
        send(sandbox, token, bookActivity({ hotelId: sandbox.hotelId, activityType: type, purpose: "Test booking", start, end, profileId }))

      const booked = yield* book("TOUR", `${tomorrow}T14:00`, `${tomorrow}T16:00`)
      expectValidAnswer("act", "postActivities", 201, booked)
      const activityId = String(booked.json.links[0].href).split("/").at(-1)!
      const shown = yield* send(sandbox, token, getActivity({ hotelId: sandbox.hotelId, activityId }))
      expect(shown.json.activityDetails.activityDetail).toMatchObject({ activityType: "TOUR", startDateTime: `${tomorrow}T14:00:00Z` })

      const full = yield* book("SPA", `${tomorrow}T10:30`, `${tomorrow}T11:30`)
      expectOhipError("act", full, 400, "ACTIVITY_FULLY_BOOKED")
      expect(full.json.detail).toContain("2 of 2 taken")
      expectOhipError("act", yield* book("GOLF", `${tomorrow}T15:00`, `${tomorrow}T17:00`), 400, "ACTIVITY_OVERLAP")
      expectOhipError("act", yield* book("SPA", `${sandbox.businessDate}T08:00`, `${sandbox.businessDate}T07:00`), 400, "INVALID_TIME_SPAN")
      expectOhipError("act", yield* book("SPA", `${addDays(sandbox.businessDate, -1)}T08:00`, `${addDays(sandbox.businessDate, -1)}T09:00`), 400, "DATE_IN_PAST")
      expectOhipError("act", yield* book("KARAOKE", `${tomorrow}T20:00`, `${tomorrow}T21:00`), 400, "INVALID_ACTIVITY_TYPE")
      expectOhipError("act", yield* book("SPA", `${tomorrow}T18:00`, `${tomorrow}T19:00`, "no-such-profile"), 404, "NOT_FOUND")

      const cancelled = yield* send(sandbox, token, cancelActivity({ hotelId: sandbox.hotelId, activityId }))
      expectValidAnswer("act", "deleteActivities", 200, cancelled)
      expectOhipError("act", yield* send(sandbox, token, getActivity({ hotelId: sandbox.hotelId, activityId })), 404, "NOT_FOUND")
      expectOhipError("act", yield* send(sandbox, token, cancelActivity({ hotelId: sandbox.hotelId, activityId })), 404, "NOT_FOUND")

      const completed = yield* send(sandbox, token, listActivities({ hotelId: sandbox.hotelId, completed: true }))
      const completedId = completed.json.activitiesInformation[0].activityId.id
      expectOhipError("act", yield* send(sandbox, token, cancelActivity({ hotelId: sandbox.hotelId, activityId: completedId })), 400, "ACTIVITY_COMPLETED")
    })))
})
