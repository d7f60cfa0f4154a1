import type { OperaRequest } from "./OperaRequest.js"
import { defined, OperaVersion } from "./schemas/common.js"
import { BestAvailableRatesDetails, PackageDetails, PackagesInfo, RatePlanInfo } from "./schemas/ratePlans.js"

/**
 * OHIP rate plans (rtp): request builders and the Schemas their answers
 * decode with; compact records in ./schemas/ratePlans.ts.
 */
export {
  BestRateDay,
  bestRatesFromDetails,
  packagesFromInfo,
  PackageSummary,
  ratePlansFromInfo,
  RatePlanSummary,
  summarizePackage
} from "./schemas/ratePlans.js"

const ratePlanInstructions = ["PrimaryDetails", "TransactionDetails", "Packages", "RateControls"]

/** getRatePlansByHotel: every rate plan of a hotel, or the one named. */
export const listRatePlans = (input: { readonly hotelId: string; readonly ratePlanCode?: string }): OperaRequest => ({
  module: "rtp",
  operationId: "getRatePlansByHotel",
  method: "GET",
  template: "/hotels/{hotelId}/ratePlans",
  params: { hotelId: input.hotelId },
  query: defined({ ratePlanCode: input.ratePlanCode, fetchInstructions: ratePlanInstructions }),
  hotelId: input.hotelId
})
export const ListRatePlansResponse = RatePlanInfo

/** getRatePlan: one rate plan with its room types, packages and sell controls. */
export const getRatePlan = (input: { readonly hotelId: string; readonly ratePlanCode: string }): OperaRequest => ({
  module: "rtp",
  operationId: "getRatePlan",
  method: "GET",
  template: "/hotels/{hotelId}/ratePlans/{ratePlanCode}",
  params: { hotelId: input.hotelId, ratePlanCode: input.ratePlanCode },
  query: { fetchInstructions: ratePlanInstructions },
  hotelId: input.hotelId
})
export const GetRatePlanResponse = RatePlanInfo

export type LengthOfStay = "One" | "Two" | "Three" | "Four" | "Five" | "Six" | "Seven" | "Eight"
export const lengthOfStayNames: ReadonlyArray<LengthOfStay> = ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight"]

/** getBestAvailableRates: which rate plans are the best available per arrival date (and length of stay). */
export const getBestAvailableRates = (input: {
  readonly hotelId: string
  readonly startDate: string
  readonly endDate?: string
  readonly ratePlanCodes?: ReadonlyArray<string>
  readonly nights?: number
  readonly limit?: number
  readonly offset?: number
}): OperaRequest => ({
  module: "rtp",
  operationId: "getBestAvailableRates",
  method: "GET",
  template: "/hotels/{hotelId}/bestavailablerates",
  params: { hotelId: input.hotelId },
  query: defined({
    startDay: input.startDate,
    endDay: input.endDate,
    rateCode: input.ratePlanCodes,
    lengthOfStay: input.nights === undefined ? undefined : [lengthOfStayNames[input.nights - 1] ?? "One"],
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const GetBestAvailableRatesResponse = BestAvailableRatesDetails

/** getPackages: the package codes of a hotel. */
export const listPackages = (input: {
  readonly hotelId: string
  readonly packageCodes?: ReadonlyArray<string>
  readonly limit?: number
}): OperaRequest => ({
  module: "rtp",
  operationId: "getPackages",
  method: "GET",
  template: "/packages",
  query: defined({
    hotelId: [input.hotelId],
    packageCode: input.packageCodes,
    limit: input.limit,
    fetchInstructions: ["Header", "Details"]
  }),
  hotelId: input.hotelId
})
export const ListPackagesResponse = PackagesInfo

/** getPackage: one package with its price schedule and posting rules. */
export const getPackage = (input: { readonly hotelId: string; readonly packageCode: string }): OperaRequest => ({
  module: "rtp",
  operationId: "getPackage",
  method: "GET",
  template: "/hotels/{hotelId}/packages/{packageCode}",
  params: { hotelId: input.hotelId, packageCode: input.packageCode },
  query: { fetchInstructions: ["Header", "PostingRules", "Details"] },
  hotelId: input.hotelId
})
export const GetPackageResponse = PackageDetails

/** pingRatePlanService. */
export const pingRatePlanService = (hotelId: string): OperaRequest => ({
  module: "rtp",
  operationId: "pingRatePlanService",
  method: "GET",
  template: "/services/rateplan/status",
  hotelId
})
export const PingRatePlanServiceResponse = OperaVersion
