import { Schema } from "effect"
import { defined, Links, OhipNumber, Warnings } from "./common.js"

/**
 * par.json definitions this project reads (`hotelAvailability`,
 * `restrictionsByDateRange`), and the compact records made from them.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const number = optional(OhipNumber)
const flag = optional(Schema.Boolean)

const Total = Schema.Struct({ amountBeforeTax: number, amountAfterTax: number, currencyCode: text })

/** `roomRateType` as availability answers carry it. */
export const AvailableRoomRate = Schema.Struct({
  total: optional(Total),
  rates: optional(Schema.Struct({
    rate: optional(Schema.Array(Schema.Struct({ base: optional(Total), start: text, end: text })))
  })),
  roomType: text,
  ratePlanCode: text,
  start: text,
  end: text,
  availability: text,
  marketCode: text,
  numberOfUnits: number,
  rateDescription: text
})
export type AvailableRoomRate = typeof AvailableRoomRate.Type

/** `hotelAvailability` (getHotelAvailability 200). */
export const HotelAvailability = Schema.Struct({
  hotelAvailability: optional(Schema.Array(Schema.Struct({
    roomStays: optional(Schema.Array(Schema.Struct({
      roomRates: optional(Schema.Array(AvailableRoomRate)),
      arrivalDate: text,
      departureDate: text
    }))),
    masterInfo: optional(Schema.Struct({
      roomTypes: optional(Schema.Struct({
        roomType: optional(Schema.Array(Schema.Struct({
          roomType: text,
          description: text,
          roomTypeAttributes: optional(Schema.Struct({ maximumOccupancy: number, noOfPhysicalRooms: number }))
        })))
      }))
    })),
    hotelId: text,
    restriction: text,
    closed: flag,
    hasMore: flag,
    totalResults: optional(Schema.Number),
    count: optional(Schema.Number)
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type HotelAvailability = typeof HotelAvailability.Type

/** `restrictionSetType`. */
export const RestrictionSet = Schema.Struct({
  restrictionControl: optional(Schema.Struct({ house: flag, roomType: text, roomClass: text, ratePlanCode: text, ratePlanCategory: text })),
  restrictionStatus: optional(Schema.Struct({ code: text, unit: number })),
  start: text,
  end: text,
  sunday: flag,
  monday: flag,
  tuesday: flag,
  wednesday: flag,
  thursday: flag,
  friday: flag,
  saturday: flag
})
export type RestrictionSet = typeof RestrictionSet.Type

/** `restrictionsByDateRange` (getRestrictionsByDateRange 200). */
export const RestrictionsByDateRange = Schema.Struct({
  restrictionsByDateRange: optional(Schema.Struct({
    restrictionsByDateRange: optional(Schema.Struct({
      restrictionSets: optional(Schema.Array(RestrictionSet)),
      hotelId: text,
      hasMore: flag,
      totalResults: optional(Schema.Number),
      count: optional(Schema.Number)
    }))
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type RestrictionsByDateRange = typeof RestrictionsByDateRange.Type

// ---- compact records ----

export const RateOffer = Schema.Struct({
  ratePlanCode: Schema.String,
  description: Schema.optional(Schema.String),
  /** Available, Restricted (a restriction), RestrictedDueToInventory (sold out) or RestrictedDueToOccupancy. */
  status: Schema.String,
  nightlyRate: Schema.optional(Schema.Number),
  stayTotal: Schema.optional(Schema.Number),
  currencyCode: Schema.optional(Schema.String)
})

export const RoomTypeAvailability = Schema.Struct({
  roomType: Schema.String,
  description: Schema.optional(Schema.String),
  physicalRooms: Schema.optional(Schema.Number),
  /** Rooms of the type still sellable for every night of the stay. */
  available: Schema.optional(Schema.Number),
  rates: Schema.Array(RateOffer)
})
export type RoomTypeAvailability = typeof RoomTypeAvailability.Type

/** getHotelAvailability answer → availability per room type, rates under each. */
export const availabilityByRoomType = (body: HotelAvailability): ReadonlyArray<RoomTypeAvailability> => {
  const segment = body.hotelAvailability?.[0]
  const master = segment?.masterInfo?.roomTypes?.roomType ?? []
  const roomRates = (segment?.roomStays ?? []).flatMap((stay) => stay.roomRates ?? [])
  const codes = [...new Set([...roomRates.map((rate) => rate.roomType), ...master.map((type) => type.roomType)])]
    .filter((code): code is string => code !== undefined)
  return codes.map((roomType) => {
    const info = master.find((type) => type.roomType === roomType)
    const rates = roomRates.filter((rate) => rate.roomType === roomType)
    const units = rates.flatMap((rate) => rate.numberOfUnits === undefined ? [] : [rate.numberOfUnits])
    return defined({
      roomType,
      description: info?.description,
      physicalRooms: info?.roomTypeAttributes?.noOfPhysicalRooms,
      available: units.length === 0 ? undefined : Math.min(...units),
      rates: rates.flatMap((rate) =>
        rate.ratePlanCode === undefined ? [] : [defined({
          ratePlanCode: rate.ratePlanCode,
          description: rate.rateDescription,
          status: rate.availability ?? "Available",
          nightlyRate: rate.rates?.rate?.[0]?.base?.amountBeforeTax,
          stayTotal: rate.total?.amountBeforeTax,
          currencyCode: rate.total?.currencyCode ?? rate.rates?.rate?.[0]?.base?.currencyCode
        })]
      )
    })
  })
}

export const RestrictionLine = Schema.Struct({
  /** Closed, ClosedForArrival, MinimumLengthOfStay, … (OHIP's restriction codes). */
  code: Schema.String,
  nights: Schema.optional(Schema.Number),
  start: Schema.optional(Schema.String),
  end: Schema.optional(Schema.String),
  /** What it applies to: "house", or the rate plan / room type it names. */
  appliesTo: Schema.String,
  weekdays: Schema.Array(Schema.String)
})
export type RestrictionLine = typeof RestrictionLine.Type

const weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const

/** getRestrictionsByDateRange answer → restriction lines. */
export const restrictionLines = (body: RestrictionsByDateRange): ReadonlyArray<RestrictionLine> =>
  (body.restrictionsByDateRange?.restrictionsByDateRange?.restrictionSets ?? []).map((set) => {
    const control = set.restrictionControl
    const appliesTo = control?.house === true
      ? "house"
      : [
        control?.ratePlanCode !== undefined ? `rate plan ${control.ratePlanCode}` : undefined,
        control?.roomType !== undefined ? `room type ${control.roomType}` : undefined,
        control?.roomClass !== undefined ? `room class ${control.roomClass}` : undefined,
        control?.ratePlanCategory !== undefined ? `rate category ${control.ratePlanCategory}` : undefined
      ].filter((part) => part !== undefined).join(", ") || "house"
    const days = weekdayNames.filter((day) => set[day] !== false)
    return defined({
      code: set.restrictionStatus?.code ?? "Unknown",
      nights: set.restrictionStatus?.unit,
      start: set.start,
      end: set.end,
      appliesTo,
      weekdays: days.length === 7 ? ["every day"] : days
    })
  })
