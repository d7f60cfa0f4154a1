import { DateTime, Effect, Schema } from "effect"
import type { PackageSummary, RatePlanSummary } from "../../client/ratePlans.js"

/** Fields, date defaults and text renderings shared by the rates and availability tools. */
export { RatePlanCode, RoomTypeCode } from "../reservations/shared.js"

/** Today's date (UTC) from the Effect Clock. */
export const today = Effect.map(DateTime.now, DateTime.formatIsoDateUtc)

/** A YYYY-MM-DD date moved by whole days. */
export const plusDays = (isoDate: string, days: number): string =>
  DateTime.formatIsoDateUtc(DateTime.add(DateTime.unsafeMake(`${isoDate}T00:00:00Z`), { days }))

export const nightsBetween = (from: string, to: string): number =>
  Math.round((DateTime.toEpochMillis(DateTime.unsafeMake(`${to}T00:00:00Z`)) -
    DateTime.toEpochMillis(DateTime.unsafeMake(`${from}T00:00:00Z`))) / 86_400_000)

export const PackageCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be an OPERA package code in capitals, e.g. BRKF" }),
  Schema.annotations({ description: "Package code, e.g. BRKF (breakfast), PARK (parking)" })
)

export const amountText = (amount: number | undefined, currencyCode: string | undefined) =>
  amount === undefined ? undefined : `${amount.toFixed(2)}${currencyCode !== undefined ? ` ${currencyCode}` : ""}`

export const packageLine = (entry: PackageSummary): string =>
  [
    entry.code,
    entry.description,
    amountText(entry.unitPrice, entry.currencyCode),
    entry.priceRule,
    entry.postingRhythm,
    entry.allowance === true ? "allowance" : undefined,
    entry.includedInRatePlan !== undefined ? `included in ${entry.includedInRatePlan}` : undefined,
    entry.transactionCode !== undefined ? `posts to ${entry.transactionCode}` : undefined
  ].filter((part) => part !== undefined).join(" | ")

/** One rate plan as a line, then its room types with their floors. */
export const ratePlanLine = (plan: RatePlanSummary): string =>
  [
    plan.ratePlanCode,
    plan.description,
    plan.category,
    plan.marketCode !== undefined ? `market ${plan.marketCode}` : undefined,
    plan.bestAvailableRate === true ? "BAR" : undefined,
    plan.negotiated === true ? "negotiated" : undefined,
    plan.minNights !== undefined ? `min ${plan.minNights} nights` : undefined,
    plan.maxNights !== undefined ? `max ${plan.maxNights} nights` : undefined,
    plan.packages.length > 0 ? `includes ${plan.packages.map((entry) => entry.code).join(", ")}` : undefined
  ].filter((part) => part !== undefined).join(" | ")

export const roomTypeFloors = (plan: RatePlanSummary): string =>
  plan.roomTypes
    .map((type) => `${type.roomType}${type.rateFloor !== undefined ? ` ${type.rateFloor.toFixed(2)}${plan.currencyCode !== undefined ? ` ${plan.currencyCode}` : ""}` : ""}`)
    .join(", ")
