import type { OperaRequest } from "./OperaRequest.js"
import { defined, LinksAndWarnings, OperaVersion } from "./schemas/common.js"
import {
  CancelReservationDetails as CancelReservationDetailsSchema,
  ReservationEnvelope as ReservationEnvelopeSchema,
  ReservationsDetails as ReservationsDetailsSchema
} from "./schemas/reservation.js"

/**
 * OHIP reservations (rsv): one pure request builder per operation, the
 * Schema its answer decodes with, and mappings to a compact record an AI
 * assistant can read (re-exported from ./schemas/reservationSummary.ts).
 * Inputs are already-decoded tool arguments.
 */
export * from "./schemas/reservationSummary.js"

/** The statuses getHotelReservations can filter on (rsv.json `reservationStatuses`). */
export type ReservationStatusFilter = "Cancelled" | "CheckedOut" | "CheckedIn" | "DueIn" | "DueOut" | "InHouse" | "NoShow" | "WaitList"

export interface ReservationSearch {
  readonly hotelId: string
  readonly arrivalFrom?: string
  readonly arrivalTo?: string
  readonly departureFrom?: string
  readonly departureTo?: string
  /** Stays that include this night. */
  readonly stayOn?: string
  readonly surname?: string
  readonly givenName?: string
  readonly confirmationNumber?: string
  readonly reservationId?: string
  readonly profileId?: string
  readonly roomNumber?: string
  readonly statuses?: ReadonlyArray<ReservationStatusFilter>
  /** OHIP search types, e.g. "Arrival", "InHouse", "Departure", "Cancellation". */
  readonly searchType?: string
  readonly limit?: number
  readonly offset?: number
}

const reservationPath = "/hotels/{hotelId}/reservations/{reservationId}"

/** getHotelReservations. */
export const searchReservations = (input: ReservationSearch): OperaRequest => ({
  module: "rsv",
  operationId: "getHotelReservations",
  method: "GET",
  template: "/hotels/{hotelId}/reservations",
  params: { hotelId: input.hotelId },
  query: defined({
    arrivalStartDate: input.arrivalFrom,
    arrivalEndDate: input.arrivalTo,
    departureStartDate: input.departureFrom,
    departureEndDate: input.departureTo,
    stayOnStartDate: input.stayOn,
    surname: input.surname,
    givenName: input.givenName,
    confirmationNumberList: input.confirmationNumber === undefined ? undefined : [input.confirmationNumber],
    reservationIdList: input.reservationId === undefined ? undefined : [input.reservationId],
    profileId: input.profileId,
    roomId: input.roomNumber,
    reservationStatuses: input.statuses,
    searchType: input.searchType,
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const SearchReservationsResponse = ReservationsDetailsSchema

/** getReservation. */
export const getReservation = (input: { readonly hotelId: string; readonly reservationId: string }): OperaRequest => ({
  module: "rsv",
  operationId: "getReservation",
  method: "GET",
  template: reservationPath,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  hotelId: input.hotelId
})
export const GetReservationResponse = ReservationEnvelopeSchema

export interface NewReservation {
  readonly hotelId: string
  readonly arrivalDate: string
  readonly departureDate: string
  readonly roomType: string
  readonly ratePlanCode: string
  readonly adults: number
  readonly children?: number
  /** An existing profile, or the name of a new guest. */
  readonly guest: { readonly profileId: string } | { readonly givenName?: string; readonly surname: string }
  readonly guaranteeCode?: string
  /** Nightly rate before tax; OPERA prices the rate plan when absent. */
  readonly rateAmount?: number
  readonly currencyCode?: string
}

const guestCounts = (adults: number | undefined, children: number | undefined) =>
  adults === undefined && children === undefined ? undefined : defined({ adults, children })

const rates = (amount: number | undefined, currencyCode: string | undefined, start?: string, end?: string) =>
  amount === undefined
    ? undefined
    : { rate: [defined({ base: defined({ amountBeforeTax: amount, currencyCode }), start, end })] }

/** postReservation: body is the spec's `createReservation`. */
export const createReservation = (input: NewReservation): OperaRequest => {
  const counts = guestCounts(input.adults, input.children ?? 0)
  const profileInfo = "profileId" in input.guest
    ? { profileIdList: [{ id: input.guest.profileId, type: "Profile" }] }
    : {
      profile: {
        customer: { personName: [defined({ givenName: input.guest.givenName, surname: input.guest.surname, nameType: "Primary" })] },
        profileType: "Guest"
      }
    }
  return {
    module: "rsv",
    operationId: "postReservation",
    method: "POST",
    template: "/hotels/{hotelId}/reservations",
    params: { hotelId: input.hotelId },
    body: {
      reservations: {
        reservation: [{
          roomStay: defined({
            roomRates: [defined({
              rates: rates(input.rateAmount, input.currencyCode, input.arrivalDate, input.departureDate),
              guestCounts: counts,
              roomType: input.roomType,
              ratePlanCode: input.ratePlanCode,
              start: input.arrivalDate,
              end: input.departureDate,
              numberOfUnits: 1
            })],
            guestCounts: counts,
            arrivalDate: input.arrivalDate,
            departureDate: input.departureDate,
            guarantee: input.guaranteeCode === undefined ? undefined : { guaranteeCode: input.guaranteeCode }
          }),
          reservationGuests: [{ profileInfo, primary: true }],
          hotelId: input.hotelId,
          roomStayReservation: true
        }]
      }
    },
    hotelId: input.hotelId
  }
}
export const CreateReservationResponse = ReservationEnvelopeSchema

export interface ReservationChange {
  readonly hotelId: string
  readonly reservationId: string
  readonly arrivalDate?: string
  readonly departureDate?: string
  readonly roomType?: string
  readonly ratePlanCode?: string
  readonly adults?: number
  readonly children?: number
  readonly rateAmount?: number
  readonly currencyCode?: string
  readonly roomNumber?: string
}

/** putReservation: body is the spec's `changeReservation`; only the given fields change. */
export const modifyReservation = (input: ReservationChange): OperaRequest => {
  const counts = guestCounts(input.adults, input.children)
  const rateChanged = input.roomType !== undefined || input.ratePlanCode !== undefined || input.rateAmount !== undefined
  return {
    module: "rsv",
    operationId: "putReservation",
    method: "PUT",
    template: reservationPath,
    params: { hotelId: input.hotelId, reservationId: input.reservationId },
    body: {
      reservations: [{
        reservationIdList: [{ id: input.reservationId, type: "Reservation" }],
        roomStay: defined({
          currentRoomInfo: input.roomNumber === undefined ? undefined : { roomId: input.roomNumber },
          roomRates: rateChanged
            ? [defined({ rates: rates(input.rateAmount, input.currencyCode), roomType: input.roomType, ratePlanCode: input.ratePlanCode })]
            : undefined,
          guestCounts: counts,
          arrivalDate: input.arrivalDate,
          departureDate: input.departureDate
        }),
        hotelId: input.hotelId
      }]
    },
    hotelId: input.hotelId
  }
}
export const ModifyReservationResponse = ReservationEnvelopeSchema

/** postCancelReservation: body is the spec's `cancelReservation`. */
export const cancelReservation = (input: {
  readonly hotelId: string
  readonly reservationId: string
  readonly reasonCode?: string
  readonly reasonDescription?: string
  readonly verificationOnly?: boolean
}): OperaRequest => ({
  module: "rsv",
  operationId: "postCancelReservation",
  method: "POST",
  template: `${reservationPath}/cancellations`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: defined({
    reason: input.reasonCode === undefined && input.reasonDescription === undefined
      ? undefined
      : defined({ code: input.reasonCode, description: input.reasonDescription }),
    reservations: [{ reservationIdList: [{ id: input.reservationId, type: "Reservation" }], hotelId: input.hotelId }],
    verificationOnly: input.verificationOnly
  }),
  hotelId: input.hotelId
})
export const CancelReservationResponse = CancelReservationDetailsSchema

/** putReinstateReservation: body is the spec's `reinstateReservation`. */
export const reinstateReservation = (input: { readonly hotelId: string; readonly reservationId: string }): OperaRequest => ({
  module: "rsv",
  operationId: "putReinstateReservation",
  method: "PUT",
  template: `${reservationPath}/cancellations`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: { hotelId: input.hotelId, reservationIdList: [{ id: input.reservationId, type: "Reservation" }] },
  hotelId: input.hotelId
})
export const ReinstateReservationResponse = LinksAndWarnings

/** pingReservationService. */
export const pingReservationService = (hotelId: string): OperaRequest => ({
  module: "rsv",
  operationId: "pingReservationService",
  method: "GET",
  template: "/services/reservations/status",
  hotelId
})
export const PingReservationServiceResponse = OperaVersion
