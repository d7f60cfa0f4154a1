import type { OperaRequest } from "./OperaRequest.js"
import { defined, LinksAndWarnings } from "./schemas/common.js"
import {
  ActivityLog,
  CancellationHistory,
  GuestMessages,
  GuestMessagesDetails,
  LinkedReservations,
  ReservationPackages,
  ReservationStatistics
} from "./schemas/reservationExtras.js"

/**
 * OHIP reservations (rsv) beyond the basics: cancellation history,
 * statistics, packages, links, guest messages and the activity log. One pure
 * request builder per operation and the Schema its answer decodes with;
 * compact records come from ./schemas/reservationExtrasSummary.ts.
 */
export * from "./schemas/reservationExtrasSummary.js"

interface OnReservation {
  readonly hotelId: string
  readonly reservationId: string
}

const reservationPath = "/hotels/{hotelId}/reservations/{reservationId}"
const reservationIds = (reservationId: string) => [{ id: reservationId, type: "Reservation" }]

/** getCancellationHistory. */
export const getCancellationHistory = (input: OnReservation): OperaRequest => ({
  module: "rsv",
  operationId: "getCancellationHistory",
  method: "GET",
  template: `${reservationPath}/cancellationHistory`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  hotelId: input.hotelId
})
export const GetCancellationHistoryResponse = CancellationHistory

/** getReservationStatistics: the ReservationAndRevenueSummary report of one hotel for a date range. */
export const getReservationStatistics = (input: {
  readonly hotelId: string
  readonly startDate: string
  readonly endDate: string
}): OperaRequest => ({
  module: "rsv",
  operationId: "getReservationStatistics",
  method: "GET",
  template: "/reservations/statistics",
  query: {
    hotelId: [input.hotelId],
    reportCode: ["ReservationAndRevenueSummary"],
    requestedReportsTypeStartDate: [input.startDate],
    requestedReportsTypeEndDate: [input.endDate]
  },
  hotelId: input.hotelId
})
export const GetReservationStatisticsResponse = ReservationStatistics

/** postReservationPackage: body is the spec's `reservationPackagesInfo`. */
export const addReservationPackage = (input: OnReservation & {
  readonly packageCode: string
  readonly quantity?: number
  readonly startDate?: string
  readonly endDate?: string
}): OperaRequest => ({
  module: "rsv",
  operationId: "postReservationPackage",
  method: "POST",
  template: `${reservationPath}/packages`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: {
    hotelId: input.hotelId,
    reservationId: { id: input.reservationId, type: "Reservation" },
    reservationPackages: [defined({
      packageCode: input.packageCode,
      startDate: input.startDate,
      endDate: input.endDate,
      consumptionDetails: input.quantity === undefined ? undefined : { defaultQuantity: input.quantity },
      source: "Reservation"
    })]
  },
  hotelId: input.hotelId
})
export const AddReservationPackageResponse = LinksAndWarnings

/** getPackage: one package (productCode) on a reservation, with its schedule. */
export const getReservationPackage = (input: OnReservation & { readonly packageCode: string }): OperaRequest => ({
  module: "rsv",
  operationId: "getPackage",
  method: "GET",
  template: `${reservationPath}/packages`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  query: { productCode: input.packageCode, fetchInstructions: ["Primary", "Transaction", "Schedule"] },
  hotelId: input.hotelId
})
export const GetReservationPackageResponse = ReservationPackages

/** deleteReservationPackage: the spec names no package, so it removes the packages added to the reservation itself. */
export const removeReservationPackages = (input: OnReservation): OperaRequest => ({
  module: "rsv",
  operationId: "deleteReservationPackage",
  method: "DELETE",
  template: `${reservationPath}/packages`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  hotelId: input.hotelId,
  idempotent: false
})
export const RemoveReservationPackagesResponse = LinksAndWarnings

/** postReservationLinks: body is the spec's `linkReservationsCriteria`. */
export const linkReservations = (input: OnReservation & { readonly linkToReservationId: string }): OperaRequest => ({
  module: "rsv",
  operationId: "postReservationLinks",
  method: "POST",
  template: "/hotels/{hotelId}/reservations/linkedReservations/{reservationId}",
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: {
    hotelId: input.hotelId,
    reservationIdList: reservationIds(input.reservationId),
    linkToReservationId: { id: input.linkToReservationId, type: "Reservation" }
  },
  hotelId: input.hotelId
})
export const LinkReservationsResponse = LinksAndWarnings

/** deleteReservationLinks: takes the reservation out of its link group. */
export const unlinkReservation = (input: OnReservation): OperaRequest => ({
  module: "rsv",
  operationId: "deleteReservationLinks",
  method: "DELETE",
  template: "/hotels/{hotelId}/reservations/linkedReservations/{reservationId}",
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  hotelId: input.hotelId
})
export const UnlinkReservationResponse = LinksAndWarnings

/** getLinkedReservations. */
export const getLinkedReservations = (input: OnReservation): OperaRequest => ({
  module: "rsv",
  operationId: "getLinkedReservations",
  method: "GET",
  template: `${reservationPath}/linked`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  hotelId: input.hotelId
})
export const GetLinkedReservationsResponse = LinkedReservations

/** postGuestMessages: body is the spec's `createGuestMessages`. */
export const postGuestMessage = (input: OnReservation & {
  readonly text: string
  readonly recipient?: string
  readonly kind?: "Tm" | "Vm"
}): OperaRequest => ({
  module: "rsv",
  operationId: "postGuestMessages",
  method: "POST",
  template: `${reservationPath}/guestMessages`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: {
    reservationIdList: reservationIds(input.reservationId),
    hotelId: input.hotelId,
    guestMessages: [{
      message: defined({ messageText: input.text, typeOfMessage: input.kind ?? "Tm", recipient: input.recipient })
    }]
  },
  hotelId: input.hotelId
})
export const PostGuestMessageResponse = GuestMessagesDetails

/** getGuestMessages of a hotel, optionally for one reservation. */
export const getGuestMessages = (input: {
  readonly hotelId: string
  readonly reservationId?: string
  readonly undeliveredOnly?: boolean
  readonly limit?: number
  readonly offset?: number
}): OperaRequest => ({
  module: "rsv",
  operationId: "getGuestMessages",
  method: "GET",
  template: "/hotels/{hotelId}/guestMessages",
  params: { hotelId: input.hotelId },
  query: defined({
    reservationId: input.reservationId,
    retrieveDeliveredMessages: input.undeliveredOnly === true ? false : undefined,
    retrieveUndeliveredMessages: input.undeliveredOnly === true ? true : undefined,
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const GetGuestMessagesResponse = GuestMessages

/** getReservationActivityLog of one reservation (OPERA's RESV_NAME_ID parameter) over at most 90 days. */
export const getReservationActivityLog = (input: OnReservation & {
  readonly fromDate?: string
  readonly toDate?: string
  readonly limit?: number
  readonly offset?: number
}): OperaRequest => ({
  module: "rsv",
  operationId: "getReservationActivityLog",
  method: "GET",
  template: "/hotels/{hotelId}/reservations/activityLog",
  params: { hotelId: input.hotelId },
  query: defined({
    parameterName: ["RESV_NAME_ID"],
    parameterValue: [input.reservationId],
    fromDate: input.fromDate,
    toDate: input.toDate,
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const GetReservationActivityLogResponse = ActivityLog
