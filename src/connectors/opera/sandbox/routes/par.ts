import { Effect, Schema } from "effect"
import { availableForStay, physicalRooms } from "../availability.js"
import { nightsBetween } from "../calendar.js"
import { BooleanParam, CsvParam, DateParam, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { badRequest, businessRule } from "../ohipErrors.js"
import type { RatePlanInfo, RoomTypeInfo } from "../property.js"
import { nightlyRate, ratePlans, roomTypes } from "../property.js"
import type { RestrictionRecord } from "../rateCatalog.js"
import { blockingRestriction, restrictionsFor } from "../rateCatalog.js"
import type { SandboxRoute } from "../route.js"

/** Price and availability (par.json, base path /par/v1): availability for a stay, restrictions by date range. */
const optional = Schema.optional

const route = (operationId: string, template: string, handler: SandboxRoute["handler"]): SandboxRoute => ({
  module: "par",
  operationId,
  method: "GET",
  template,
  auth: "bearer",
  body: "none",
  handler
})

const AvailabilityQuery = Schema.Struct({
  roomStayStartDate: optional(single(DateParam)),
  roomStayEndDate: optional(single(DateParam)),
  roomStayQuantity: optional(single(WholeNumberParam)),
  adults: optional(single(WholeNumberParam)),
  children: optional(single(WholeNumberParam)),
  ratePlanCode: optional(CsvParam),
  roomType: optional(CsvParam),
  limit: optional(single(WholeNumberParam)),
  returnOnlyAvailableRateCodes: optional(single(BooleanParam))
})

const RestrictionsQuery = Schema.Struct({
  restrictionSearchCriteriaStartDate: optional(single(DateParam)),
  end: optional(single(DateParam)),
  ratePlanCode: optional(single(Schema.String)),
  roomType: optional(single(Schema.String)),
  limit: optional(single(WholeNumberParam))
})

const hints = {
  roomStayStartDate: "a date as YYYY-MM-DD",
  roomStayEndDate: "a date as YYYY-MM-DD",
  restrictionSearchCriteriaStartDate: "a date as YYYY-MM-DD",
  end: "a date as YYYY-MM-DD",
  roomStayQuantity: "a whole number",
  adults: "a whole number",
  children: "a whole number",
  limit: "a whole number",
  returnOnlyAvailableRateCodes: "true or false"
}

const availabilityStatus = (available: number, wanted: number, fits: boolean, restriction: RestrictionRecord | undefined) =>
  restriction !== undefined ? "Restricted" : !fits ? "RestrictedDueToOccupancy" : available < wanted ? "RestrictedDueToInventory" : "Available"

const renderRestriction = (restriction: RestrictionRecord) => ({
  restrictionControl: restriction.control,
  restrictionStatus: { code: restriction.code, ...(restriction.unit === undefined ? {} : { unit: restriction.unit }) },
  start: restriction.start,
  end: restriction.end,
  sunday: restriction.weekdays.includes(0),
  monday: restriction.weekdays.includes(1),
  tuesday: restriction.weekdays.includes(2),
  wednesday: restriction.weekdays.includes(3),
  thursday: restriction.weekdays.includes(4),
  friday: restriction.weekdays.includes(5),
  saturday: restriction.weekdays.includes(6)
})

export const parRoutes: ReadonlyArray<SandboxRoute> = [
  route("getHotelAvailability", "/hotels/{hotelId}/availability", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(AvailabilityQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const arrivalDate = query.roomStayStartDate
      const departureDate = query.roomStayEndDate
      if (arrivalDate === undefined || departureDate === undefined) {
        return yield* badRequest("roomStayStartDate and roomStayEndDate are required.")
      }
      if (departureDate <= arrivalDate) return yield* badRequest("roomStayEndDate must be after roomStayStartDate.", "INVALID_STAY_DATES")
      if (nightsBetween(arrivalDate, departureDate) > 90) {
        return yield* badRequest("Availability can be read for at most 90 nights at a time.", "INVALID_DATE_RANGE")
      }
      if (arrivalDate < snapshot.businessDate) {
        return yield* businessRule(`Stays before the business date ${snapshot.businessDate} cannot be sold.`, "DATE_IN_PAST")
      }
      const wantedTypes = query.roomType ?? []
      const wantedPlans = query.ratePlanCode ?? []
      const types: ReadonlyArray<RoomTypeInfo> = wantedTypes.length === 0 ? roomTypes : roomTypes.filter((type) => wantedTypes.includes(type.code))
      const plans: ReadonlyArray<RatePlanInfo> = wantedPlans.length === 0 ? ratePlans : ratePlans.filter((plan) => wantedPlans.includes(plan.code))
      if (types.length < new Set(wantedTypes).size) {
        return yield* badRequest(`Unknown room type; this hotel has ${roomTypes.map((type) => type.code).join(", ")}.`, "INVALID_ROOM_TYPE")
      }
      if (plans.length < new Set(wantedPlans).size) {
        return yield* badRequest(`Unknown rate plan; this hotel sells ${ratePlans.map((plan) => plan.code).join(", ")}.`, "INVALID_RATE_CODE")
      }
      const quantity = Math.max(1, query.roomStayQuantity ?? 1)
      const adults = Math.max(1, query.adults ?? 1)
      const children = query.children ?? 0
      const nights = nightsBetween(arrivalDate, departureDate)
      const restrictions = restrictionsFor(snapshot.businessDate)
      const roomRates = types.flatMap((type) => {
        const available = availableForStay(snapshot, request.hotelId, type.code, arrivalDate, departureDate)
        return plans.map((plan) => {
          const rate = nightlyRate(type.code, plan.code) ?? 0
          const restriction = blockingRestriction(restrictions, type.code, plan.code, arrivalDate, departureDate)
          return {
            total: { amountBeforeTax: rate * nights * quantity, currencyCode: "USD" },
            rates: { rate: [{ base: { amountBeforeTax: rate, currencyCode: "USD" }, start: arrivalDate, end: departureDate }] },
            guestCounts: { adults, children },
            roomType: type.code,
            ratePlanCode: plan.code,
            start: arrivalDate,
            end: departureDate,
            availability: availabilityStatus(available, quantity, adults + children <= type.maxOccupancy, restriction),
            marketCode: plan.marketCode,
            // OPERA reports the rooms of the type still sellable for the whole stay here.
            numberOfUnits: available,
            roomTypeCharged: type.code,
            rateDescription: plan.description
          }
        })
      })
      const shown = query.returnOnlyAvailableRateCodes === true
        ? roomRates.filter((roomRate) => roomRate.availability === "Available")
        : roomRates
      if (query.returnOnlyAvailableRateCodes === true && shown.length === 0) {
        return yield* businessRule(
          `No availability: no room type and rate plan asked for can be sold for ${arrivalDate} to ${departureDate}.`,
          "NO_AVAILABILITY"
        )
      }
      const page = shown.slice(0, Math.max(1, query.limit ?? 200))
      return {
        status: 200,
        body: {
          hotelAvailability: [{
            roomStays: [{ roomRates: page, guestCounts: { adults, children }, arrivalDate, departureDate }],
            masterInfo: {
              roomTypes: {
                roomType: types.map((type) => ({
                  roomType: type.code,
                  hotelId: request.hotelId,
                  description: type.description,
                  roomTypeAttributes: { maximumOccupancy: type.maxOccupancy, noOfPhysicalRooms: physicalRooms(type.code) }
                })),
                hotelId: request.hotelId
              }
            },
            hotelId: request.hotelId,
            hasMore: page.length < shown.length,
            totalResults: shown.length,
            count: page.length
          }]
        }
      }
    })),

  route("getRestrictionsByDateRange", "/hotels/{hotelId}/restrictions", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(RestrictionsQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const start = query.restrictionSearchCriteriaStartDate ?? snapshot.businessDate
      const end = query.end ?? start
      if (end < start) return yield* badRequest("end must not be before restrictionSearchCriteriaStartDate.", "INVALID_DATE_RANGE")
      if (nightsBetween(start, end) > 365) {
        return yield* badRequest("Restrictions can be read for at most 365 days at a time.", "INVALID_DATE_RANGE")
      }
      const matching = restrictionsFor(snapshot.businessDate).filter((restriction) =>
        restriction.start <= end && start <= restriction.end &&
        (query.ratePlanCode === undefined || restriction.control.house === true || restriction.control.ratePlanCode === query.ratePlanCode) &&
        (query.roomType === undefined || restriction.control.house === true || restriction.control.roomType === query.roomType)
      )
      const page = matching.slice(0, Math.max(1, query.limit ?? 200))
      const hotelName = snapshot.hotels.find((hotel) => hotel.hotelId === request.hotelId)?.hotelName ?? request.hotelId
      return {
        status: 200,
        body: {
          restrictionsByDateRange: {
            restrictionsByDateRange: {
              restrictionSets: page.map(renderRestriction),
              hotelId: request.hotelId,
              hotelName,
              hasMore: page.length < matching.length,
              totalResults: matching.length,
              count: page.length
            }
          }
        }
      }
    })),

  route("pingAvailabilityService", "/services/availability/status", () =>
    Effect.succeed({ status: 200, body: { operaVersion: "25.5.0.0" } }))
]
