import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import {
  getBestAvailableRates,
  getPackage,
  getRatePlan,
  listPackages,
  listRatePlans,
  pingRatePlanService
} from "../../../../src/connectors/opera/client/ratePlans.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { ratePlans } from "../../../../src/connectors/opera/sandbox/property.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { expectOhipError, expectValidAnswer } from "./cshSpecDates.js"
import { accessToken, requestProblems, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const expectValid = (operationId: string, status: number, answer: { readonly status: number; readonly json: unknown; readonly text: string }) =>
  expectValidAnswer("rtp", operationId, status, answer)

const expectError = (answer: { readonly status: number; readonly json: any }, status: number, code: string) =>
  expectOhipError("rtp", answer, status, code)

describe("rtp request builders", () => {
  it("match rtp.json: method, path and declared query parameters", () => {
    const hotelId = "SAND01"
    for (
      const request of [
        listRatePlans({ hotelId, ratePlanCode: "BAR" }),
        getRatePlan({ hotelId, ratePlanCode: "PKG" }),
        getBestAvailableRates({ hotelId, startDate: "2026-05-01", endDate: "2026-05-07", ratePlanCodes: ["BAR", "AAA"], nights: 3, limit: 20, offset: 0 }),
        listPackages({ hotelId, packageCodes: ["BRKF"], limit: 10 }),
        getPackage({ hotelId, packageCode: "BRKF" }),
        pingRatePlanService(hotelId)
      ]
    ) expect(requestProblems(request)).toEqual([])
  })
})

describe("rtp routes", () => {
  it.effect("rate plans are the ones reservations use, shaped as ratePlanInfo", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const all = yield* send(sandbox, token, listRatePlans({ hotelId }))
      expectValid("getRatePlansByHotel", 200, all)
      expect(all.json.ratePlans.map((plan: any) => plan.ratePlanCode)).toEqual(ratePlans.map((plan) => plan.code))
      const pkg = yield* send(sandbox, token, getRatePlan({ hotelId, ratePlanCode: "PKG" }))
      expectValid("getRatePlan", 200, pkg)
      expect(pkg.json.ratePlans[0].ratePackages.packages.map((entry: any) => entry.code)).toEqual(["BRKF"])
      expect(pkg.json.ratePlans[0].roomTypeList.find((type: any) => type.code === "KING").rateFloor).toBe(Math.round(229 * 1.15))
      expectError(yield* send(sandbox, token, getRatePlan({ hotelId, ratePlanCode: "NOPE" })), 404, "NOT_FOUND")
      expectValid("pingRatePlanService", 200, yield* send(sandbox, token, pingRatePlanService(hotelId)))
    })))

  it.effect("best available rates follow restrictions and length of stay, with paging", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const start = addDays(sandbox.businessDate, 14)
      const one = yield* send(sandbox, token, getBestAvailableRates({ hotelId, startDate: start, endDate: addDays(start, 2), limit: 2 }))
      expectValid("getBestAvailableRates", 200, one)
      expect(one.json.totalResults).toBe(3)
      expect(one.json.hasMore).toBe(true)
      // A two-night minimum stay holds from day 14 to 16: one-night stays find no rate.
      expect(one.json.bestAvailableRatesList.bestAvailableRates[0].rateCode).toEqual([])
      const three = yield* send(sandbox, token, getBestAvailableRates({ hotelId, startDate: start, nights: 3 }))
      expect(three.json.bestAvailableRatesList.bestAvailableRates[0].rateCode).toEqual(["AAA", "BAR", "PKG"])
      const eight = yield* send(sandbox, token, getBestAvailableRates({ hotelId, startDate: start, nights: 8 }))
      expect(eight.json.bestAvailableRatesList.bestAvailableRates[0].rateCode).toEqual(["BAR", "PKG"])
      expectError(yield* send(sandbox, token, getBestAvailableRates({ hotelId, startDate: start, endDate: addDays(start, 120) })), 400, "INVALID_DATE_RANGE")
    })))

  it.effect("packages list and read one; an unknown package is 404", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const list = yield* send(sandbox, token, listPackages({ hotelId }))
      expectValid("getPackages", 200, list)
      expect(list.json.packageCodesList.packageCodes[0].packageCodeInfo.map((entry: any) => entry.code)).toEqual(["BRKF", "PARK", "SPA", "CHAMP"])
      const one = yield* send(sandbox, token, getPackage({ hotelId, packageCode: "SPA" }))
      expectValid("getPackage", 200, one)
      expect(one.json.packageCode.header.transactionDetails.allowance).toBe(true)
      expectError(yield* send(sandbox, token, getPackage({ hotelId, packageCode: "NOPE" })), 404, "NOT_FOUND")
    })))
})
