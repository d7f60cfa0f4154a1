import { Effect, Schema } from "effect"
import { addDays, nightsBetween } from "../calendar.js"
import { CsvParam, DateParam, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { badRequest, notFound } from "../ohipErrors.js"
import type { RatePlanInfo } from "../property.js"
import { nightlyRate, ratePlans, roomTypes } from "../property.js"
import type { PackageInfo } from "../rateCatalog.js"
import { bestAvailableOn, packageByCode, packages, packagesOfRatePlan, publicRatePlans, ratePlanByCode, restrictionsFor } from "../rateCatalog.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"
import { transactionCode } from "../transactionCodes.js"

/** Rate plans (rtp.json, base path /rtp/v1): rate plans, best available rates and packages. */
const optional = Schema.optional

const route = (operationId: string, template: string, handler: SandboxRoute["handler"]): SandboxRoute => ({
  module: "rtp",
  operationId,
  method: "GET",
  template,
  auth: "bearer",
  body: "none",
  handler
})

const param = (request: SandboxRequest, name: string): string => request.params[name] ?? ""

const lengthsOfStay = ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight"] as const

const BestAvailableQuery = Schema.Struct({
  startDay: optional(single(DateParam)),
  endDay: optional(single(DateParam)),
  rateCode: optional(CsvParam),
  lengthOfStay: optional(Schema.Array(Schema.Literal(...lengthsOfStay))),
  limit: optional(single(WholeNumberParam)),
  offset: optional(single(WholeNumberParam))
})

const RatePlansQuery = Schema.Struct({ ratePlanCode: optional(single(Schema.String)) })

const PackagesQuery = Schema.Struct({
  hotelId: optional(CsvParam),
  packageCode: optional(CsvParam),
  limit: optional(single(WholeNumberParam))
})

const hints = {
  startDay: "a date as YYYY-MM-DD",
  endDay: "a date as YYYY-MM-DD",
  lengthOfStay: `one of ${lengthsOfStay.join(", ")}`,
  limit: "a whole number",
  offset: "a whole number"
}

const text = (defaultText: string) => ({ defaultText })

export const renderRatePlan = (hotelId: string, plan: RatePlanInfo, businessDate: string) => {
  const included = packagesOfRatePlan(plan.code)
  const negotiated = plan.code === "CORP" || plan.code === "GOV"
  return {
    primaryDetails: {
      description: text(plan.description),
      startSellDate: addDays(businessDate, -365),
      endSellDate: addDays(businessDate, 730),
      sellSequence: ratePlans.indexOf(plan) + 1,
      postingInterval: "Nightly"
    },
    classifications: { rateCategory: negotiated ? "NEGOTIATED" : "PUBLIC", marketCode: plan.marketCode, sourceCode: "PHONE" },
    transactionDetails: {
      transactionCode: "1000",
      ...(included.length === 0 ? {} : { packageTransactionCode: included[0]?.transactionCode ?? "" }),
      currencyCode: "USD",
      rateIncludesTax: false
    },
    descriptions: { shortInfo: text(plan.description) },
    roomTypeList: roomTypes.map((type) => ({ code: type.code, description: type.description, pseudo: false, rateFloor: nightlyRate(type.code, plan.code) ?? 0 })),
    ...(included.length === 0 ? {} : {
      ratePackages: { packages: included.map((entry) => ({ hotelId, code: entry.code, description: entry.description, ratePlanCode: plan.code, quantity: 1 })) }
    }),
    controls: { sell: plan.code === "AAA" ? { maximumLengthOfStay: 7 } : {} },
    hotelId,
    ratePlanCode: plan.code,
    printRate: true,
    discountAllowed: plan.factor < 1,
    bARRate: plan.code === "BAR",
    daily: true,
    negotiated,
    complimentary: false,
    houseUse: false
  }
}

const renderPackage = (hotelId: string, entry: PackageInfo, businessDate: string) => ({
  header: {
    primaryDetails: {
      description: entry.description,
      shortDescription: entry.shortDescription,
      beginSellDate: addDays(businessDate, -365),
      endSellDate: addDays(businessDate, 730),
      packageCategory: entry.category
    },
    transactionDetails: {
      allowance: entry.allowance,
      currency: "USD",
      postingType: entry.postingRhythm,
      calculationRule: entry.calculationRule,
      packagePostingRules: {
        transactionCode: { code: entry.transactionCode, description: transactionCode(entry.transactionCode)?.description ?? entry.transactionCode }
      }
    },
    postingAttributes: {
      addToRate: entry.addToRate,
      printSeparateLine: !entry.addToRate,
      sellSeparate: entry.sellSeparate,
      webBookable: true,
      postingRhythm: { type: entry.postingRhythm },
      priceCalculationRule: entry.calculationRule,
      calculatedPrice: entry.unitPrice
    }
  },
  schedules: [{
    schedulePrices: [{ unitPrice: entry.unitPrice, ...(entry.allowance ? { unitAllowance: entry.unitPrice } : {}) }],
    start: addDays(businessDate, -365),
    end: addDays(businessDate, 730)
  }],
  hotelId,
  code: entry.code,
  description: entry.description,
  group: false,
  ...(entry.includedIn === undefined ? {} : { ratePlanCode: entry.includedIn }),
  redemption: false
})

export const rtpRoutes: ReadonlyArray<SandboxRoute> = [
  route("getRatePlansByHotel", "/hotels/{hotelId}/ratePlans", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(RatePlansQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const plans = ratePlans.filter((plan) => query.ratePlanCode === undefined || plan.code === query.ratePlanCode)
      return { status: 200, body: { ratePlans: plans.map((plan) => renderRatePlan(request.hotelId, plan, snapshot.businessDate)) } }
    })),

  route("getRatePlan", "/hotels/{hotelId}/ratePlans/{ratePlanCode}", (request, env) =>
    Effect.gen(function*() {
      const snapshot = yield* env.property.snapshot
      const plan = ratePlanByCode(param(request, "ratePlanCode"))
      if (plan === undefined) {
        return yield* notFound(`Hotel ${request.hotelId} has no rate plan with this code; it sells ${ratePlans.map((entry) => entry.code).join(", ")}.`)
      }
      return { status: 200, body: { ratePlans: [renderRatePlan(request.hotelId, plan, snapshot.businessDate)] } }
    })),

  route("getBestAvailableRates", "/hotels/{hotelId}/bestavailablerates", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(BestAvailableQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      if (query.startDay === undefined) return yield* badRequest("startDay is required.")
      const endDay = query.endDay ?? query.startDay
      if (endDay < query.startDay) return yield* badRequest("endDay must not be before startDay.", "INVALID_DATE_RANGE")
      if (nightsBetween(query.startDay, endDay) > 90) {
        return yield* badRequest("Best available rates can be read for at most 90 days at a time.", "INVALID_DATE_RANGE")
      }
      const candidates = publicRatePlans.filter((code) => query.rateCode === undefined || query.rateCode.includes(code))
      const lengths = (query.lengthOfStay ?? ["One"]).map((name) => lengthsOfStay.indexOf(name) + 1)
      const restrictions = restrictionsFor(snapshot.businessDate)
      const rows = Array.from({ length: nightsBetween(query.startDay, endDay) + 1 }, (_, index) => addDays(query.startDay ?? "", index))
        .flatMap((date) => lengths.map((lengthOfStay) => ({ rateCode: bestAvailableOn(restrictions, date, lengthOfStay, candidates), lengthOfStay, date })))
      const limit = Math.max(1, Math.min(query.limit ?? 100, 500))
      const offset = query.offset ?? 0
      const page = rows.slice(offset, offset + limit)
      const shownCodes = [...new Set(page.flatMap((row) => row.rateCode))]
      return {
        status: 200,
        body: {
          bestAvailableRatesList: {
            bestAvailableRates: page,
            masterInfoList: shownCodes.map((code) => ({ rate: { code, description: ratePlanByCode(code)?.description ?? code } })),
            hotelId: request.hotelId
          },
          totalPages: Math.max(1, Math.ceil(rows.length / limit)),
          offset,
          limit,
          hasMore: offset + page.length < rows.length,
          totalResults: rows.length,
          count: page.length
        }
      }
    })),

  route("getPackages", "/packages", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(PackagesQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const hotels = (query.hotelId ?? [request.hotelId]).filter((hotelId) => snapshot.hotels.some((hotel) => hotel.hotelId === hotelId))
      const wanted = query.packageCode ?? []
      const chosen = packages.filter((entry) => wanted.length === 0 || wanted.includes(entry.code)).slice(0, Math.max(1, query.limit ?? 200))
      return {
        status: 200,
        body: {
          packageCodesList: {
            packageCodes: hotels.map((hotelId) => ({
              packageCodeInfo: chosen.map((entry) => renderPackage(hotelId, entry, snapshot.businessDate)),
              hotelId
            })),
            hasMore: false,
            totalResults: chosen.length * hotels.length,
            count: chosen.length * hotels.length
          }
        }
      }
    })),

  route("getPackage", "/hotels/{hotelId}/packages/{packageCode}", (request, env) =>
    Effect.gen(function*() {
      const snapshot = yield* env.property.snapshot
      const entry = packageByCode(param(request, "packageCode"))
      if (entry === undefined) {
        return yield* notFound(`Hotel ${request.hotelId} has no package with this code; it offers ${packages.map((item) => item.code).join(", ")}.`)
      }
      return { status: 200, body: { packageCode: renderPackage(request.hotelId, entry, snapshot.businessDate) } }
    })),

  route("pingRatePlanService", "/services/rateplan/status", () =>
    Effect.succeed({ status: 200, body: { operaVersion: "25.5.0.0" } }))
]
