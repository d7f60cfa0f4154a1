import { DateTime } from "effect"
import { addDays, nightsBetween } from "./calendar.js"
import { nightlyRate, ratePlans } from "./property.js"

/**
 * The sandbox hotel's revenue setup, derived from the business date so every
 * start sees the same calendar: restrictions (par), packages and rate plan
 * sell controls (rtp). Rate plans and room types are property.ts's.
 */
export type RestrictionCode =
  | "Closed"
  | "ClosedForArrival"
  | "ClosedForDeparture"
  | "MinimumLengthOfStay"
  | "MaximumLengthOfStay"

export interface RestrictionRecord {
  readonly restrictionId: string
  readonly control: { readonly house?: boolean; readonly ratePlanCode?: string; readonly roomType?: string }
  readonly code: RestrictionCode
  readonly unit?: number
  readonly start: string
  readonly end: string
  /** Weekdays the restriction applies on, 0 = Sunday … 6 = Saturday. */
  readonly weekdays: ReadonlyArray<number>
}

const everyDay = [0, 1, 2, 3, 4, 5, 6]

export const restrictionsFor = (businessDate: string): ReadonlyArray<RestrictionRecord> => [
  { restrictionId: "1", control: { house: true }, code: "MinimumLengthOfStay", unit: 2, start: addDays(businessDate, 14), end: addDays(businessDate, 16), weekdays: everyDay },
  { restrictionId: "2", control: { ratePlanCode: "GOV" }, code: "Closed", start: addDays(businessDate, 20), end: addDays(businessDate, 27), weekdays: everyDay },
  { restrictionId: "3", control: { roomType: "STE" }, code: "ClosedForArrival", start: addDays(businessDate, 5), end: addDays(businessDate, 5), weekdays: everyDay },
  { restrictionId: "4", control: { ratePlanCode: "AAA" }, code: "MaximumLengthOfStay", unit: 7, start: businessDate, end: addDays(businessDate, 365), weekdays: everyDay },
  { restrictionId: "5", control: { ratePlanCode: "CORP" }, code: "Closed", start: businessDate, end: addDays(businessDate, 365), weekdays: [0, 6] }
]

export const weekdayOf = (isoDate: string): number => DateTime.getPartUtc(DateTime.unsafeMake(isoDate), "weekDay")

const appliesOn = (restriction: RestrictionRecord, date: string) =>
  restriction.start <= date && date <= restriction.end && restriction.weekdays.includes(weekdayOf(date))

const appliesTo = (restriction: RestrictionRecord, roomType: string, ratePlanCode: string) =>
  restriction.control.house === true ||
  restriction.control.ratePlanCode === ratePlanCode ||
  restriction.control.roomType === roomType

/** The first restriction that stops selling this room type and rate plan for the stay, if any. */
export const blockingRestriction = (
  restrictions: ReadonlyArray<RestrictionRecord>,
  roomType: string,
  ratePlanCode: string,
  arrivalDate: string,
  departureDate: string
): RestrictionRecord | undefined => {
  const nights = nightsBetween(arrivalDate, departureDate)
  return restrictions.find((restriction) => {
    if (!appliesTo(restriction, roomType, ratePlanCode)) return false
    switch (restriction.code) {
      case "Closed":
        return Array.from({ length: nights }, (_, index) => addDays(arrivalDate, index)).some((night) => appliesOn(restriction, night))
      case "ClosedForArrival":
        return appliesOn(restriction, arrivalDate)
      case "ClosedForDeparture":
        return appliesOn(restriction, departureDate)
      case "MinimumLengthOfStay":
        return appliesOn(restriction, arrivalDate) && nights < (restriction.unit ?? 1)
      case "MaximumLengthOfStay":
        return appliesOn(restriction, arrivalDate) && nights > (restriction.unit ?? nights)
    }
  })
}

/** Rate plans sold to the public, which compete for "best available rate". */
export const publicRatePlans = ["BAR", "AAA", "PKG"] as const

/**
 * Best available rates for one arrival date and length of stay: the open
 * public rate plans, cheapest first (priced on the KING room, the base type).
 */
export const bestAvailableOn = (
  restrictions: ReadonlyArray<RestrictionRecord>,
  date: string,
  lengthOfStay: number,
  candidates: ReadonlyArray<string>
): ReadonlyArray<string> =>
  candidates
    .filter((code) => blockingRestriction(restrictions, "KING", code, date, addDays(date, lengthOfStay)) === undefined)
    .sort((left, right) => (nightlyRate("KING", left) ?? 0) - (nightlyRate("KING", right) ?? 0))

export interface PackageInfo {
  readonly code: string
  readonly description: string
  readonly shortDescription: string
  readonly category: string
  readonly calculationRule: "FlatRate" | "PerPerson" | "PerAdult" | "PerChild" | "PerRoom"
  readonly postingRhythm: "EveryNight" | "ArrivalNight"
  readonly unitPrice: number
  readonly allowance: boolean
  readonly transactionCode: string
  readonly addToRate: boolean
  readonly sellSeparate: boolean
  /** The rate plan that includes the package in its price, if any. */
  readonly includedIn?: string
}

export const packages: ReadonlyArray<PackageInfo> = [
  { code: "BRKF", description: "Full breakfast in the Harbour Restaurant", shortDescription: "Breakfast", category: "FB", calculationRule: "PerPerson", postingRhythm: "EveryNight", unitPrice: 18, allowance: false, transactionCode: "2000", addToRate: false, sellSeparate: true, includedIn: "PKG" },
  { code: "PARK", description: "Valet parking, one car", shortDescription: "Parking", category: "OTHER", calculationRule: "PerRoom", postingRhythm: "EveryNight", unitPrice: 25, allowance: false, transactionCode: "4000", addToRate: true, sellSeparate: true },
  { code: "SPA", description: "Spa credit, usable once per stay", shortDescription: "Spa credit", category: "OTHER", calculationRule: "FlatRate", postingRhythm: "ArrivalNight", unitPrice: 50, allowance: true, transactionCode: "5000", addToRate: true, sellSeparate: true },
  { code: "CHAMP", description: "Bottle of champagne on arrival", shortDescription: "Champagne", category: "FB", calculationRule: "FlatRate", postingRhythm: "ArrivalNight", unitPrice: 65, allowance: false, transactionCode: "2010", addToRate: true, sellSeparate: true }
]

export const packageByCode = (code: string): PackageInfo | undefined => packages.find((entry) => entry.code === code)

export const packagesOfRatePlan = (ratePlanCode: string): ReadonlyArray<PackageInfo> =>
  packages.filter((entry) => entry.includedIn === ratePlanCode)

export const ratePlanByCode = (code: string) => ratePlans.find((plan) => plan.code === code)
