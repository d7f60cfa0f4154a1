import type { OperaRequest } from "./OperaRequest.js"
import { HotelAvailability, RestrictionsByDateRange } from "./schemas/availability.js"
import { defined, OperaVersion } from "./schemas/common.js"

/**
 * OHIP price and availability (par): request builders and the Schemas their
 * answers decode with; compact records in ./schemas/availability.ts.
 */
export {
  availabilityByRoomType,
  RateOffer,
  RestrictionLine,
  restrictionLines,
  RoomTypeAvailability
} from "./schemas/availability.js"

export interface AvailabilityQuery {
  readonly hotelId: string
  readonly arrivalDate: string
  readonly departureDate: string
  readonly rooms?: number
  readonly adults?: number
  readonly children?: number
  readonly roomTypes?: ReadonlyArray<string>
  readonly ratePlanCodes?: ReadonlyArray<string>
  /** Only combinations that can be sold; OPERA answers "no availability" when there are none. */
  readonly onlyAvailable?: boolean
  readonly limit?: number
}

/** getHotelAvailability: rooms left and prices per room type and rate plan for a stay. */
export const getHotelAvailability = (input: AvailabilityQuery): OperaRequest => ({
  module: "par",
  operationId: "getHotelAvailability",
  method: "GET",
  template: "/hotels/{hotelId}/availability",
  params: { hotelId: input.hotelId },
  query: defined({
    roomStayStartDate: input.arrivalDate,
    roomStayEndDate: input.departureDate,
    roomStayQuantity: input.rooms ?? 1,
    adults: input.adults ?? 1,
    children: input.children,
    roomType: input.roomTypes,
    ratePlanCode: input.ratePlanCodes,
    returnOnlyAvailableRateCodes: input.onlyAvailable,
    roomTypeInfo: true,
    limit: input.limit === undefined ? undefined : [input.limit]
  }),
  hotelId: input.hotelId
})
export const GetHotelAvailabilityResponse = HotelAvailability

/** getRestrictionsByDateRange: house, rate plan and room type restrictions overlapping a date range. */
export const getRestrictions = (input: {
  readonly hotelId: string
  readonly startDate: string
  readonly endDate: string
  readonly ratePlanCode?: string
  readonly roomType?: string
  readonly limit?: number
}): OperaRequest => ({
  module: "par",
  operationId: "getRestrictionsByDateRange",
  method: "GET",
  template: "/hotels/{hotelId}/restrictions",
  params: { hotelId: input.hotelId },
  query: defined({
    restrictionSearchCriteriaStartDate: input.startDate,
    end: input.endDate,
    ratePlanCode: input.ratePlanCode,
    roomType: input.roomType,
    restrictionInfo: "Detail",
    limit: input.limit
  }),
  hotelId: input.hotelId
})
export const GetRestrictionsResponse = RestrictionsByDateRange

/** pingAvailabilityService. */
export const pingAvailabilityService = (hotelId: string): OperaRequest => ({
  module: "par",
  operationId: "pingAvailabilityService",
  method: "GET",
  template: "/services/availability/status",
  hotelId
})
export const PingAvailabilityServiceResponse = OperaVersion
