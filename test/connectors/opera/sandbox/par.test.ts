import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { getHotelAvailability, getRestrictions, pingAvailabilityService } from "../../../../src/connectors/opera/client/availability.js"
import { createReservation } from "../../../../src/connectors/opera/client/reservations.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { expectOhipError, expectValidAnswer } from "./cshSpecDates.js"
import { accessToken, requestProblems, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const expectValid = (operationId: string, status: number, answer: { readonly status: number; readonly json: unknown; readonly text: string }) =>
  expectValidAnswer("par", operationId, status, answer)

const expectError = (answer: { readonly status: number; readonly json: any }, status: number, code: string) =>
  expectOhipError("par", answer, status, code)

const roomRates = (answer: { readonly json: any }): Array<any> => answer.json.hotelAvailability[0].roomStays[0].roomRates

describe("par request builders", () => {
  it("match par.json: method, path and declared query parameters", () => {
    const hotelId = "SAND01"
    for (
      const request of [
        getHotelAvailability({
          hotelId, arrivalDate: "2026-05-01", departureDate: "2026-05-03", rooms: 2, adults: 2, children: 1,
          roomTypes: ["KING", "STE"], ratePlanCodes: ["BAR"], onlyAvailable: true, limit: 50
        }),
        getRestrictions({ hotelId, startDate: "2026-05-01", endDate: "2026-05-31", ratePlanCode: "GOV", roomType: "STE", limit: 20 }),
        pingAvailabilityService(hotelId)
      ]
    ) expect(requestProblems(request)).toEqual([])
  })
})

describe("par routes", () => {
  it.effect("availability per room type and rate plan drops when a reservation is made", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const arrivalDate = addDays(sandbox.businessDate, 40)
      const departureDate = addDays(arrivalDate, 2)
      const ask = getHotelAvailability({ hotelId, arrivalDate, departureDate, roomTypes: ["DBL"], ratePlanCodes: ["BAR", "AAA"] })
      const before = yield* send(sandbox, token, ask)
      expectValid("getHotelAvailability", 200, before)
      expect(roomRates(before).map((rate) => rate.ratePlanCode)).toEqual(["BAR", "AAA"])
      const left: number = roomRates(before)[0].numberOfUnits
      expect(left).toBeGreaterThan(0)
      expect(roomRates(before)[0].total.amountBeforeTax).toBe(179 * 2)
      expect(before.json.hotelAvailability[0].masterInfo.roomTypes.roomType[0].roomTypeAttributes.noOfPhysicalRooms).toBe(20)

      const booked = yield* send(sandbox, token, createReservation({
        hotelId, arrivalDate, departureDate, roomType: "DBL", ratePlanCode: "BAR", adults: 2, guest: { surname: "Availability" }
      }))
      expect(booked.status).toBe(201)
      const after = yield* send(sandbox, token, ask)
      expect(roomRates(after)[0].numberOfUnits).toBe(left - 1)
    })))

  it.effect("restrictions close rates; sold-out and past stays are business errors", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const govClosed = addDays(sandbox.businessDate, 21)
      const closed = yield* send(sandbox, token, getHotelAvailability({ hotelId, arrivalDate: govClosed, departureDate: addDays(govClosed, 1), ratePlanCodes: ["GOV", "BAR"], roomTypes: ["KING"] }))
      expect(roomRates(closed).map((rate) => [rate.ratePlanCode, rate.availability])).toEqual([["BAR", "Available"], ["GOV", "Restricted"]])
      expectError(
        yield* send(sandbox, token, getHotelAvailability({ hotelId, arrivalDate: govClosed, departureDate: addDays(govClosed, 1), ratePlanCodes: ["GOV"], onlyAvailable: true })),
        400,
        "NO_AVAILABILITY"
      )
      expectError(
        yield* send(sandbox, token, getHotelAvailability({ hotelId, arrivalDate: addDays(sandbox.businessDate, -3), departureDate: sandbox.businessDate })),
        400,
        "DATE_IN_PAST"
      )
      expectError(
        yield* send(sandbox, token, getHotelAvailability({ hotelId, arrivalDate: govClosed, departureDate: addDays(govClosed, 1), roomTypes: ["PENTHOUSE"] })),
        400,
        "INVALID_ROOM_TYPE"
      )

      const restrictions = yield* send(sandbox, token, getRestrictions({ hotelId, startDate: sandbox.businessDate, endDate: addDays(sandbox.businessDate, 30) }))
      expectValid("getRestrictionsByDateRange", 200, restrictions)
      const sets: Array<any> = restrictions.json.restrictionsByDateRange.restrictionsByDateRange.restrictionSets
      expect(sets.map((set) => set.restrictionStatus.code)).toEqual(
        ["MinimumLengthOfStay", "Closed", "ClosedForArrival", "MaximumLengthOfStay", "Closed"]
      )
      const onlyGov = yield* send(sandbox, token, getRestrictions({ hotelId, startDate: sandbox.businessDate, endDate: addDays(sandbox.businessDate, 30), ratePlanCode: "GOV" }))
      expect(onlyGov.json.restrictionsByDateRange.restrictionsByDateRange.restrictionSets.map((set: any) => set.restrictionControl))
        .toEqual([{ house: true }, { ratePlanCode: "GOV" }])
      expectError(yield* send(sandbox, token, getRestrictions({ hotelId, startDate: "2026-05-10", endDate: "2026-05-01" })), 400, "INVALID_DATE_RANGE")
      expectValid("pingAvailabilityService", 200, yield* send(sandbox, token, pingAvailabilityService(hotelId)))
    })))
})
