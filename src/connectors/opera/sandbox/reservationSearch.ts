import { Schema } from "effect"
import { BooleanParam, CsvParam, DateParam, single, WholeNumberParam } from "./decode.js"
import type { GuestRecord, PropertySnapshot, ReservationRecord } from "./property.js"
import { computedStatus } from "./property.js"

/**
 * getHotelReservations: the query parameters the sandbox honours (names and
 * enums from rsv.json) and the search itself. Other spec parameters are
 * accepted and ignored, as OPERA ignores criteria a search type does not use.
 */
const optional = Schema.optional
const many = <A, I extends string>(item: Schema.Schema<A, I>) => optional(Schema.Array(item))

export const reservationStatusFilters = [
  "Cancelled", "CheckedOut", "CheckedIn", "DueIn", "DueOut", "InHouse", "NoShow", "WaitList"
] as const

const orderByValues = ["Nights", "ArrivalDate", "DepartureDate", "GuestSurname", "RateAmount", "RateCode", "Room", "RoomType"] as const

export const ReservationSearchQuery = Schema.Struct({
  limit: optional(single(WholeNumberParam)),
  offset: optional(single(WholeNumberParam)),
  searchType: optional(single(Schema.String)),
  arrivalStartDate: optional(single(DateParam)),
  arrivalEndDate: optional(single(DateParam)),
  departureStartDate: optional(single(DateParam)),
  departureEndDate: optional(single(DateParam)),
  stayOnStartDate: optional(single(DateParam)),
  surname: optional(single(Schema.String)),
  givenName: optional(single(Schema.String)),
  text: optional(single(Schema.String)),
  email: optional(single(Schema.String)),
  phone: optional(single(Schema.String)),
  profileId: optional(single(Schema.String)),
  roomId: optional(single(Schema.String)),
  roomType: optional(CsvParam),
  ratePlanCodes: many(Schema.String),
  reservationIdList: many(Schema.String),
  confirmationNumberList: many(Schema.String),
  reservationStatuses: many(Schema.Literal(...reservationStatusFilters)),
  roomAssignedOnly: optional(single(BooleanParam)),
  roomUnassignedOnly: optional(single(BooleanParam)),
  orderBy: many(Schema.Literal(...orderByValues)),
  sortOrder: many(Schema.Literal("Asc", "Desc"))
})
export type ReservationSearchQuery = typeof ReservationSearchQuery.Type

export const reservationSearchHints: Readonly<Record<string, string>> = {
  limit: "a whole number",
  offset: "a whole number",
  arrivalStartDate: "a date as YYYY-MM-DD",
  arrivalEndDate: "a date as YYYY-MM-DD",
  departureStartDate: "a date as YYYY-MM-DD",
  departureEndDate: "a date as YYYY-MM-DD",
  stayOnStartDate: "a date as YYYY-MM-DD",
  reservationStatuses: `one of ${reservationStatusFilters.join(", ")}`,
  roomAssignedOnly: "true or false",
  roomUnassignedOnly: "true or false",
  orderBy: `one of ${orderByValues.join(", ")}`,
  sortOrder: "Asc or Desc"
}

export const defaultPageSize = 20
export const maxPageSize = 200

const startsWith = (value: string | undefined, prefix: string) =>
  value !== undefined && value.toLowerCase().startsWith(prefix.trim().toLowerCase())

const digits = (value: string) => value.replace(/\D/g, "")

const statusMatches = (filter: typeof reservationStatusFilters[number], reservation: ReservationRecord, today: string) => {
  const computed = computedStatus(reservation, today)
  switch (filter) {
    case "CheckedIn":
    case "InHouse":
      return reservation.status === "InHouse"
    case "DueIn":
    case "DueOut":
      return computed === filter
    case "WaitList":
      return false
    default:
      return reservation.status === filter
  }
}

const searchTypeMatches = (searchType: string | undefined, reservation: ReservationRecord, today: string) => {
  switch (searchType) {
    case "Arrival":
      return reservation.arrivalDate === today && reservation.status === "Reserved"
    case "Arrived":
      return reservation.arrivalDate === today && reservation.status === "InHouse"
    case "Departure":
      return reservation.departureDate === today && reservation.status === "InHouse"
    case "InHouse":
    case "RegisteredAndInHouse":
      return reservation.status === "InHouse"
    case "Cancellation":
      return reservation.status === "Cancelled"
    case "CheckedOut":
      return reservation.status === "CheckedOut"
    case "NoShow":
      return reservation.status === "NoShow"
    default:
      return true
  }
}

const matches = (query: ReservationSearchQuery, reservation: ReservationRecord, guest: GuestRecord | undefined, today: string) =>
  searchTypeMatches(query.searchType, reservation, today) &&
  (query.arrivalStartDate === undefined || reservation.arrivalDate >= query.arrivalStartDate) &&
  (query.arrivalEndDate === undefined || reservation.arrivalDate <= query.arrivalEndDate) &&
  (query.departureStartDate === undefined || reservation.departureDate >= query.departureStartDate) &&
  (query.departureEndDate === undefined || reservation.departureDate <= query.departureEndDate) &&
  (query.stayOnStartDate === undefined ||
    (reservation.arrivalDate <= query.stayOnStartDate && query.stayOnStartDate < reservation.departureDate)) &&
  (query.surname === undefined || startsWith(guest?.surname, query.surname)) &&
  (query.givenName === undefined || startsWith(guest?.givenName, query.givenName)) &&
  (query.text === undefined || startsWith(guest?.surname, query.text) || reservation.confirmationNumber === query.text.trim()) &&
  (query.email === undefined || guest?.email?.toLowerCase() === query.email.trim().toLowerCase()) &&
  (query.phone === undefined || (digits(query.phone) !== "" && digits(guest?.phone ?? "").endsWith(digits(query.phone)))) &&
  (query.profileId === undefined || reservation.profileId === query.profileId) &&
  (query.roomId === undefined || reservation.roomId === query.roomId) &&
  (query.roomType === undefined || query.roomType.length === 0 || query.roomType.includes(reservation.roomType)) &&
  (query.ratePlanCodes === undefined || query.ratePlanCodes.includes(reservation.ratePlanCode)) &&
  (query.reservationIdList === undefined || query.reservationIdList.includes(reservation.reservationId)) &&
  (query.confirmationNumberList === undefined || query.confirmationNumberList.includes(reservation.confirmationNumber)) &&
  (query.reservationStatuses === undefined ||
    query.reservationStatuses.some((status) => statusMatches(status, reservation, today))) &&
  (query.roomAssignedOnly !== true || reservation.roomId !== undefined) &&
  (query.roomUnassignedOnly !== true || reservation.roomId === undefined)

const sortKey = (orderBy: typeof orderByValues[number], reservation: ReservationRecord, guest: GuestRecord | undefined) => {
  switch (orderBy) {
    case "DepartureDate":
      return reservation.departureDate
    case "GuestSurname":
      return `${guest?.surname ?? ""} ${guest?.givenName ?? ""}`
    case "RateAmount":
      return reservation.rateAmount.toFixed(2).padStart(12, "0")
    case "RateCode":
      return reservation.ratePlanCode
    case "Room":
      return reservation.roomId ?? ""
    case "RoomType":
      return reservation.roomType
    case "Nights":
      return `${reservation.departureDate}-${reservation.arrivalDate}`
    default:
      return reservation.arrivalDate
  }
}

export interface ReservationPage {
  readonly rows: ReadonlyArray<ReservationRecord>
  readonly offset: number
  readonly limit: number
  readonly totalResults: number
}

/** Filters a hotel's reservations, orders them (ties by reservation id) and cuts one page. */
export const searchReservations = (
  snapshot: PropertySnapshot,
  hotelId: string,
  query: ReservationSearchQuery
): ReservationPage => {
  const orderBy = query.orderBy?.[0] ?? "ArrivalDate"
  const direction = query.sortOrder?.[0] === "Desc" ? -1 : 1
  const found = [...snapshot.reservations.values()]
    .filter((reservation) => reservation.hotelId === hotelId)
    .map((reservation) => ({ reservation, guest: snapshot.guests.get(reservation.profileId) }))
    .filter(({ guest, reservation }) => matches(query, reservation, guest, snapshot.businessDate))
    .map((row) => ({ ...row, key: sortKey(orderBy, row.reservation, row.guest) }))
    .sort((left, right) =>
      left.key === right.key
        ? Number(left.reservation.reservationId) - Number(right.reservation.reservationId)
        : (left.key < right.key ? -1 : 1) * direction
    )
  const limit = Math.min(Math.max(query.limit ?? defaultPageSize, 1), maxPageSize)
  const offset = query.offset ?? 0
  return {
    rows: found.slice(offset, offset + limit).map(({ reservation }) => reservation),
    offset,
    limit,
    totalResults: found.length
  }
}
