import type { ResourceDefinition } from "../../../tools/surface/definitions.js"
import { uriOf as fill } from "../../../tools/surface/definitions.js"
import type { ToolDomain } from "../../../tools/ToolInfo.js"
import { reservationIdsIn } from "./reservationIds.js"

const hotelOnly = (extra: Record<string, unknown> = {}) => (variables: Readonly<Record<string, string>>) => ({
  hotelId: variables.hotelId,
  ...extra
})

/** OPERA's resources: a hotel's reservations, folios, guest profiles, arrivals, departures, room types, rate plans. */
export const resourceDefinitions: ReadonlyArray<ResourceDefinition> = [
  {
    name: "reservation",
    title: "Reservation",
    description: "One reservation: status, guest (masked as tool results are), stay dates, room, rate.",
    uriTemplate: "opera://hotels/{hotelId}/reservations/{reservationId}",
    tool: "get_reservation",
    argumentsFor: (variables) => ({ hotelId: variables.hotelId, reservationId: variables.reservationId }),
    perHotel: false
  },
  {
    name: "reservation-folio",
    title: "Folio of a reservation",
    description: "The guest's bill for one reservation: windows, balances and postings.",
    uriTemplate: "opera://hotels/{hotelId}/reservations/{reservationId}/folio",
    tool: "get_folio",
    argumentsFor: (variables) => ({ hotelId: variables.hotelId, reservationId: variables.reservationId }),
    perHotel: false
  },
  {
    name: "guest-profile",
    title: "Guest profile",
    description: "One guest profile, with contact details masked by the server's policy.",
    uriTemplate: "opera://hotels/{hotelId}/guests/{profileId}",
    tool: "get_guest_profile",
    argumentsFor: (variables) => ({ hotelId: variables.hotelId, profileId: variables.profileId }),
    perHotel: false
  },
  {
    name: "arrivals-today",
    title: "Today's arrivals",
    description: "Reservations arriving today at the hotel (first 200).",
    uriTemplate: "opera://hotels/{hotelId}/arrivals/today",
    tool: "list_arrivals",
    argumentsFor: hotelOnly({ limit: 200 }),
    perHotel: true
  },
  {
    name: "departures-today",
    title: "Today's departures",
    description: "Reservations departing today from the hotel (first 200).",
    uriTemplate: "opera://hotels/{hotelId}/departures/today",
    tool: "list_departures",
    argumentsFor: hotelOnly({ limit: 200 }),
    perHotel: true
  },
  {
    name: "room-types",
    title: "Room types",
    description: "The hotel's room types with tonight's availability and prices.",
    uriTemplate: "opera://hotels/{hotelId}/room-types",
    tool: "get_hotel_availability",
    argumentsFor: hotelOnly(),
    perHotel: true
  },
  {
    name: "rate-plans",
    title: "Rate plans",
    description: "The hotel's rate plans.",
    uriTemplate: "opera://hotels/{hotelId}/rate-plans",
    tool: "list_rate_plans",
    argumentsFor: hotelOnly(),
    perHotel: true
  }
]

const uriOf = (name: string, variables: Readonly<Record<string, string>>) =>
  fill(resourceDefinitions.find((definition) => definition.name === name)!, variables)

const stayDomains: ReadonlyArray<ToolDomain> = ["reservations", "front-desk", "blocks", "activities"]

/**
 * The resources a successful change touched: the reservations and profile
 * named in its arguments or its result (their folio too), and for a change to
 * a stay, the hotel's arrivals and departures of today.
 */
export const changedResources = (
  domain: ToolDomain,
  hotelId: string | undefined,
  input: unknown,
  result: unknown
): ReadonlyArray<string> => {
  if (hotelId === undefined) return []
  const args = typeof input === "object" && input !== null ? input as Record<string, unknown> : {}
  const reservations = new Set<string>(reservationIdsIn(result).slice(0, 10))
  if (typeof args.reservationId === "string") reservations.add(args.reservationId)
  const uris: Array<string> = []
  for (const reservationId of reservations) {
    uris.push(uriOf("reservation", { hotelId, reservationId }), uriOf("reservation-folio", { hotelId, reservationId }))
  }
  if (typeof args.profileId === "string") uris.push(uriOf("guest-profile", { hotelId, profileId: args.profileId }))
  if (stayDomains.includes(domain)) {
    uris.push(uriOf("arrivals-today", { hotelId }), uriOf("departures-today", { hotelId }))
  }
  return uris
}
