import { DateTime, Option } from "effect"

/**
 * Calendar arithmetic on OHIP dates ("YYYY-MM-DD", UTC). Dates stay strings
 * because that is how OPERA sends them, and ISO strings sort by date.
 */
const dayMillis = 86_400_000

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/

export const isoDateOf = (epochMillis: number): string => DateTime.formatIsoDateUtc(DateTime.unsafeMake(epochMillis))

export const isoDateTimeOf = (epochMillis: number): string => DateTime.formatIso(DateTime.unsafeMake(epochMillis))

const epochDay = (isoDate: string): number => Math.floor(DateTime.toEpochMillis(DateTime.unsafeMake(isoDate)) / dayMillis)

/** True for a real calendar date in YYYY-MM-DD form (2025-02-30 is not one). */
export const isIsoDate = (value: string): boolean =>
  isoDatePattern.test(value) &&
  Option.exists(DateTime.make(value), (parsed) => DateTime.formatIsoDateUtc(parsed) === value)

export const addDays = (isoDate: string, days: number): string => isoDateOf((epochDay(isoDate) + days) * dayMillis)

export const nightsBetween = (arrival: string, departure: string): number => epochDay(departure) - epochDay(arrival)
