import { Schema } from "effect"
import { defined, Links, OhipNumber, pagingFields, Warnings } from "./common.js"

/**
 * rtp.json definitions this project reads (`ratePlanInfo`,
 * `getBestAvailableRatesDetails`, `packagesInfo`, `packageInfo`), and the
 * compact records made from them.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const number = optional(OhipNumber)
const flag = optional(Schema.Boolean)
const translated = optional(Schema.Struct({ defaultText: text }))

/** `ratePlanType`. */
export const RatePlan = Schema.Struct({
  primaryDetails: optional(Schema.Struct({ description: translated, startSellDate: text, endSellDate: text })),
  classifications: optional(Schema.Struct({ rateCategory: text, marketCode: text, sourceCode: text, rateGroup: text })),
  transactionDetails: optional(Schema.Struct({ transactionCode: text, currencyCode: text, rateIncludesTax: flag })),
  roomTypeList: optional(Schema.Array(Schema.Struct({ code: text, description: text, rateFloor: number }))),
  ratePackages: optional(Schema.Struct({
    packages: optional(Schema.Array(Schema.Struct({ code: text, description: text, quantity: number })))
  })),
  controls: optional(Schema.Struct({
    sell: optional(Schema.Struct({
      minimumLengthOfStay: number,
      maximumLengthOfStay: number,
      minimumAdvanceBooking: number,
      maximumAdvanceBooking: number
    }))
  })),
  hotelId: text,
  ratePlanCode: text,
  bARRate: flag,
  negotiated: flag,
  complimentary: flag,
  discountAllowed: flag
})
export type RatePlan = typeof RatePlan.Type

/** `ratePlanInfo` (getRatePlan / getRatePlansByHotel 200). */
export const RatePlanInfo = Schema.Struct({
  ratePlans: optional(Schema.Array(RatePlan)),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `getBestAvailableRatesDetails` (getBestAvailableRates 200). */
export const BestAvailableRatesDetails = Schema.Struct({
  bestAvailableRatesList: optional(Schema.Struct({
    bestAvailableRates: optional(Schema.Array(Schema.Struct({
      rateCode: optional(Schema.Array(Schema.String)),
      lengthOfStay: number,
      date: text
    }))),
    masterInfoList: optional(Schema.Array(Schema.Struct({
      rate: optional(Schema.Struct({ code: text, description: text }))
    }))),
    hotelId: text
  })),
  ...pagingFields,
  warnings: optional(Warnings)
})
export type BestAvailableRatesDetails = typeof BestAvailableRatesDetails.Type

/** `packageCodeType`. */
export const PackageCode = Schema.Struct({
  header: optional(Schema.Struct({
    primaryDetails: optional(Schema.Struct({ description: text, shortDescription: text, packageCategory: text })),
    transactionDetails: optional(Schema.Struct({
      allowance: flag,
      currency: text,
      postingType: text,
      calculationRule: text,
      packagePostingRules: optional(Schema.Struct({ transactionCode: optional(Schema.Struct({ code: text, description: text })) }))
    })),
    postingAttributes: optional(Schema.Struct({
      addToRate: flag,
      sellSeparate: flag,
      priceCalculationRule: text,
      postingRhythm: optional(Schema.Struct({ type: text })),
      calculatedPrice: number
    }))
  })),
  schedules: optional(Schema.Array(Schema.Struct({
    schedulePrices: optional(Schema.Array(Schema.Struct({ unitPrice: number, unitAllowance: number }))),
    start: text,
    end: text
  }))),
  hotelId: text,
  code: text,
  description: text,
  ratePlanCode: text
})
export type PackageCode = typeof PackageCode.Type

/** `packagesInfo` (getPackages 200). */
export const PackagesInfo = Schema.Struct({
  packageCodesList: optional(Schema.Struct({
    packageCodes: optional(Schema.Array(Schema.Struct({ packageCodeInfo: optional(Schema.Array(PackageCode)), hotelId: text }))),
    hasMore: flag,
    totalResults: optional(Schema.Number),
    count: optional(Schema.Number)
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type PackagesInfo = typeof PackagesInfo.Type

/** `packageInfo` (getPackage 200). */
export const PackageDetails = Schema.Struct({
  packageCode: optional(PackageCode),
  links: optional(Links),
  warnings: optional(Warnings)
})

// ---- compact records ----

export const RatePlanSummary = Schema.Struct({
  ratePlanCode: Schema.String,
  description: Schema.optional(Schema.String),
  category: Schema.optional(Schema.String),
  marketCode: Schema.optional(Schema.String),
  currencyCode: Schema.optional(Schema.String),
  bestAvailableRate: Schema.optional(Schema.Boolean),
  negotiated: Schema.optional(Schema.Boolean),
  sellFrom: Schema.optional(Schema.String),
  sellUntil: Schema.optional(Schema.String),
  minNights: Schema.optional(Schema.Number),
  maxNights: Schema.optional(Schema.Number),
  /** Room types the plan sells, with the lowest nightly amount each can go for. */
  roomTypes: Schema.Array(Schema.Struct({
    roomType: Schema.String,
    description: Schema.optional(Schema.String),
    rateFloor: Schema.optional(Schema.Number)
  })),
  packages: Schema.Array(Schema.Struct({ code: Schema.String, description: Schema.optional(Schema.String) }))
})
export type RatePlanSummary = typeof RatePlanSummary.Type

export const summarizeRatePlan = (plan: RatePlan): RatePlanSummary | undefined =>
  plan.ratePlanCode === undefined ? undefined : defined({
    ratePlanCode: plan.ratePlanCode,
    description: plan.primaryDetails?.description?.defaultText,
    category: plan.classifications?.rateCategory,
    marketCode: plan.classifications?.marketCode,
    currencyCode: plan.transactionDetails?.currencyCode,
    bestAvailableRate: plan.bARRate,
    negotiated: plan.negotiated,
    sellFrom: plan.primaryDetails?.startSellDate,
    sellUntil: plan.primaryDetails?.endSellDate,
    minNights: plan.controls?.sell?.minimumLengthOfStay,
    maxNights: plan.controls?.sell?.maximumLengthOfStay,
    roomTypes: (plan.roomTypeList ?? []).flatMap((type) =>
      type.code === undefined ? [] : [defined({ roomType: type.code, description: type.description, rateFloor: type.rateFloor })]
    ),
    packages: (plan.ratePackages?.packages ?? []).flatMap((entry) =>
      entry.code === undefined ? [] : [defined({ code: entry.code, description: entry.description })]
    )
  })

export const ratePlansFromInfo = (body: typeof RatePlanInfo.Type): ReadonlyArray<RatePlanSummary> =>
  (body.ratePlans ?? []).flatMap((plan) => {
    const summary = summarizeRatePlan(plan)
    return summary === undefined ? [] : [summary]
  })

export const BestRateDay = Schema.Struct({
  date: Schema.String,
  lengthOfStay: Schema.optional(Schema.Number),
  /** The best available rate plans for that arrival, best first. */
  rates: Schema.Array(Schema.Struct({ ratePlanCode: Schema.String, description: Schema.optional(Schema.String) }))
})
export type BestRateDay = typeof BestRateDay.Type

export const bestRatesFromDetails = (body: BestAvailableRatesDetails): ReadonlyArray<BestRateDay> => {
  const list = body.bestAvailableRatesList
  const names = new Map((list?.masterInfoList ?? []).flatMap((entry) =>
    entry.rate?.code === undefined ? [] : [[entry.rate.code, entry.rate.description] as const]
  ))
  return (list?.bestAvailableRates ?? []).flatMap((row) =>
    row.date === undefined ? [] : [defined({
      date: row.date,
      lengthOfStay: row.lengthOfStay,
      rates: (row.rateCode ?? []).map((code) => defined({ ratePlanCode: code, description: names.get(code) }))
    })]
  )
}

export const PackageSummary = Schema.Struct({
  code: Schema.String,
  description: Schema.optional(Schema.String),
  category: Schema.optional(Schema.String),
  /** FlatRate, PerPerson, PerAdult, PerChild or PerRoom. */
  priceRule: Schema.optional(Schema.String),
  /** EveryNight, ArrivalNight, … */
  postingRhythm: Schema.optional(Schema.String),
  unitPrice: Schema.optional(Schema.Number),
  allowance: Schema.optional(Schema.Boolean),
  currencyCode: Schema.optional(Schema.String),
  transactionCode: Schema.optional(Schema.String),
  addedToRate: Schema.optional(Schema.Boolean),
  soldSeparately: Schema.optional(Schema.Boolean),
  includedInRatePlan: Schema.optional(Schema.String)
})
export type PackageSummary = typeof PackageSummary.Type

export const summarizePackage = (entry: PackageCode): PackageSummary | undefined => {
  if (entry.code === undefined) return undefined
  const header = entry.header
  return defined({
    code: entry.code,
    description: entry.description ?? header?.primaryDetails?.description,
    category: header?.primaryDetails?.packageCategory,
    priceRule: header?.postingAttributes?.priceCalculationRule ?? header?.transactionDetails?.calculationRule,
    postingRhythm: header?.postingAttributes?.postingRhythm?.type ?? header?.transactionDetails?.postingType,
    unitPrice: entry.schedules?.[0]?.schedulePrices?.[0]?.unitPrice ?? header?.postingAttributes?.calculatedPrice,
    allowance: header?.transactionDetails?.allowance,
    currencyCode: header?.transactionDetails?.currency,
    transactionCode: header?.transactionDetails?.packagePostingRules?.transactionCode?.code,
    addedToRate: header?.postingAttributes?.addToRate,
    soldSeparately: header?.postingAttributes?.sellSeparate,
    includedInRatePlan: entry.ratePlanCode
  })
}

export const packagesFromInfo = (body: PackagesInfo): ReadonlyArray<PackageSummary> =>
  (body.packageCodesList?.packageCodes ?? []).flatMap((hotel) => hotel.packageCodeInfo ?? []).flatMap((entry) => {
    const summary = summarizePackage(entry)
    return summary === undefined ? [] : [summary]
  })
