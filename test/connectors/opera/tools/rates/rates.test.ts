import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { addDays } from "../../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { catalog } from "../../../../../src/connectors/opera/tools/catalog.js"
import { call, ok, runtimeLayer } from "../cashiering/harness.js"

vi.stubEnv("OPERA_MCP_REQUIRE_CONFIRMATION", "false")

const withRuntime = <A, E>(effect: Effect.Effect<A, E, any>) => effect.pipe(Effect.provide(runtimeLayer())) as Effect.Effect<A, E>

const structured = (outcome: { readonly structured?: Record<string, unknown> }): any => outcome.structured

const rateTools = [
  "get_hotel_availability", "get_restrictions", "list_rate_plans", "get_rate_plan", "get_best_available_rates", "list_packages", "get_package"
]

describe("rates tools: definitions", () => {
  it("are read-only, idempotent reads in the rates domain", () => {
    for (const name of rateTools) {
      const tool = catalog.find((entry) => entry.name === name)
      expect(tool?.domain).toBe("rates")
      expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true })
    }
  })
})

describe("rates tools through dispatch", () => {
  it.live("availability defaults to tonight and drops when create_reservation books a room", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const tonight = structured(yield* ok("get_hotel_availability", { roomTypes: ["KING"], ratePlanCodes: ["BAR"] }))
      expect(tonight).toMatchObject({ arrivalDate: sandbox.businessDate, departureDate: addDays(sandbox.businessDate, 1), nights: 1 })

      const arrivalDate = addDays(sandbox.businessDate, 45)
      const departureDate = addDays(arrivalDate, 3)
      const ask = { arrivalDate, departureDate, roomTypes: ["STE"], ratePlanCodes: ["BAR", "CORP"], adults: 2 }
      const before = yield* ok("get_hotel_availability", ask)
      const suite = structured(before).roomTypes[0]
      expect(suite).toMatchObject({ roomType: "STE", physicalRooms: 12 })
      expect(suite.rates[0]).toMatchObject({ ratePlanCode: "BAR", nightlyRate: 449, stayTotal: 449 * 3, currencyCode: "USD" })
      expect(before.text).toContain("STE (Junior Suite)")

      yield* ok("create_reservation", {
        guest: { givenName: "Ada", surname: "Availability" },
        arrivalDate,
        departureDate,
        roomType: "STE",
        ratePlanCode: "BAR",
        adults: 2
      })
      const after = structured(yield* ok("get_hotel_availability", ask)).roomTypes[0]
      expect(after.available).toBe(suite.available - 1)
    })))

  it.live("restrictions close rates and reach the caller as statuses or a clear 'no availability'", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const govClosed = addDays(sandbox.businessDate, 22)
      const result = structured(yield* ok("get_hotel_availability", { arrivalDate: govClosed, roomTypes: ["QUEEN"], ratePlanCodes: ["GOV"] }))
      expect(result.roomTypes[0].rates[0]).toMatchObject({ ratePlanCode: "GOV", status: "Restricted" })
      const none = yield* call("get_hotel_availability", { arrivalDate: govClosed, ratePlanCodes: ["GOV"], onlyAvailable: true })
      expect(none.isError).toBe(true)
      expect(none.text).toContain("No availability")
      const past = yield* call("get_hotel_availability", { arrivalDate: "2020-01-01", departureDate: "2020-01-02" })
      expect(past.text).toContain("cannot be sold")
      const unknownType = yield* call("get_hotel_availability", { arrivalDate: govClosed, roomTypes: ["PENTHOUSE"] })
      expect(unknownType.text).toContain("Unknown room type")

      const restrictions = yield* ok("get_restrictions", {})
      expect(structured(restrictions).startDate).toBe(sandbox.businessDate)
      expect(structured(restrictions).restrictions.map((line: any) => line.code)).toContain("MinimumLengthOfStay")
      expect(restrictions.text).toContain("rate plan GOV")
      const weekends = structured(yield* ok("get_restrictions", { ratePlanCode: "CORP" })).restrictions
      expect(weekends.find((line: any) => line.appliesTo === "rate plan CORP").weekdays).toEqual(["saturday", "sunday"])
      const backwards = yield* call("get_restrictions", { startDate: "2026-06-10", endDate: "2026-01-01" })
      expect(backwards.text).toContain("endDate: must not be before startDate")
    })))

  it.live("rate plans, best available rates and packages", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const plans = structured(yield* ok("list_rate_plans", {})).ratePlans
      expect(plans.map((plan: any) => plan.ratePlanCode)).toEqual(["BAR", "AAA", "CORP", "GOV", "PKG"])
      const pkg = yield* ok("get_rate_plan", { ratePlanCode: "PKG" })
      expect(structured(pkg).ratePlan.packages).toEqual([{ code: "BRKF", description: "Full breakfast in the Harbour Restaurant" }])
      expect(pkg.text).toContain("includes BRKF")
      const missing = yield* call("get_rate_plan", { ratePlanCode: "NOPE" })
      expect(missing.isError).toBe(true)
      expect(missing.text).toContain("no rate plan with this code")

      const week = yield* ok("get_best_available_rates", { startDate: addDays(sandbox.businessDate, 14), nights: 1, limit: 3 })
      expect(structured(week).days).toHaveLength(3)
      expect(structured(week).days[0].rates).toEqual([])
      expect(structured(week).paging).toMatchObject({ offset: 0, limit: 3, hasMore: true, totalResults: 7 })
      const longer = structured(yield* ok("get_best_available_rates", { startDate: addDays(sandbox.businessDate, 14), endDate: addDays(sandbox.businessDate, 14), nights: 3 }))
      expect(longer.days[0].rates.map((rate: any) => rate.ratePlanCode)).toEqual(["AAA", "BAR", "PKG"])
      const tooLong = yield* call("get_best_available_rates", { startDate: sandbox.businessDate, endDate: addDays(sandbox.businessDate, 200) })
      expect(tooLong.text).toContain("at most 90 days")

      const packages = structured(yield* ok("list_packages", {})).packages
      expect(packages.map((entry: any) => entry.code)).toEqual(["BRKF", "PARK", "SPA", "CHAMP"])
      const breakfast = yield* ok("get_package", { packageCode: "BRKF" })
      expect(structured(breakfast).package).toMatchObject({ unitPrice: 18, priceRule: "PerPerson", includedInRatePlan: "PKG", transactionCode: "2000" })
      const noPackage = yield* call("get_package", { packageCode: "GOLF" })
      expect(noPackage.text).toContain("no package with this code")
    })))
})
