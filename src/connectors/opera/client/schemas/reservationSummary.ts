import { Option, Schema } from "effect"
import type { Paging } from "./common.js"
import { defined, idFromLinks, idOfType } from "./common.js"
import type { CancelReservationDetails, HotelReservation, ReservationEnvelope, ReservationInfo, ReservationsDetails } from "./reservation.js"

/**
 * The compact reservation record an AI assistant reads, and the mappings
 * from OHIP bodies to it. Tolerant: absent fields stay absent.
 */
export const ReservationSummary = Schema.Struct({
  reservationId: Schema.String,
  confirmationNumber: Schema.optional(Schema.String),
  cancellationNumber: Schema.optional(Schema.String),
  hotelId: Schema.optional(Schema.String),
  /** OPERA's stored status: Reserved, InHouse, CheckedOut, Cancelled, NoShow, … */
  status: Schema.optional(Schema.String),
  /** OPERA's derived status: DueIn for today's arrivals, DueOut for today's departures. */
  computedStatus: Schema.optional(Schema.String),
  guest: Schema.Struct({ profileId: Schema.optional(Schema.String), name: Schema.optional(Schema.String) }),
  arrivalDate: Schema.optional(Schema.String),
  departureDate: Schema.optional(Schema.String),
  roomType: Schema.optional(Schema.String),
  roomNumber: Schema.optional(Schema.String),
  ratePlanCode: Schema.optional(Schema.String),
  /** Nightly rate before tax. */
  rate: Schema.optional(Schema.Struct({ amount: Schema.Number, currencyCode: Schema.optional(Schema.String) })),
  totalAmount: Schema.optional(Schema.Struct({ amount: Schema.Number, currencyCode: Schema.optional(Schema.String) })),
  adults: Schema.optional(Schema.Number),
  children: Schema.optional(Schema.Number)
})
export type ReservationSummary = typeof ReservationSummary.Type

const amountOf = (amount: number | undefined, currencyCode: string | undefined) =>
  amount === undefined ? undefined : defined({ amount, currencyCode })

const fullName = (givenName: string | undefined, surname: string | undefined) => {
  const name = [givenName, surname].filter((part) => part !== undefined && part !== "").join(" ")
  return name === "" ? undefined : name
}

/** One `hotelReservationType` as a summary; none without a reservation id. */
export const summarizeReservation = (reservation: HotelReservation): Option.Option<ReservationSummary> => {
  const reservationId = idOfType(reservation.reservationIdList, "Reservation")
  if (reservationId === undefined) return Option.none()
  const stay = reservation.roomStay
  const roomRate = stay?.roomRates?.[0]
  const counts = stay?.guestCounts ?? roomRate?.guestCounts
  const guest = reservation.reservationGuests?.find((entry) => entry.primary === true) ?? reservation.reservationGuests?.[0]
  const ids = guest?.profileInfo?.profileIdList
  const name = guest?.profileInfo?.profile?.customer?.personName?.find((entry) => entry.nameType !== "External")
  const rateLine = roomRate?.rates?.rate?.[0]?.base
  return Option.some(defined({
    reservationId,
    confirmationNumber: idOfType(reservation.reservationIdList, "Confirmation"),
    cancellationNumber: reservation.cancellation?.cancellationNo?.id,
    hotelId: reservation.hotelId,
    status: reservation.reservationStatus,
    computedStatus: reservation.computedReservationStatus,
    guest: defined({ profileId: idOfType(ids, "Profile") ?? ids?.[0]?.id, name: fullName(name?.givenName, name?.surname) }),
    arrivalDate: stay?.arrivalDate ?? roomRate?.start,
    departureDate: stay?.departureDate ?? roomRate?.end,
    roomType: stay?.currentRoomInfo?.roomType ?? roomRate?.roomType,
    roomNumber: stay?.currentRoomInfo?.roomId ?? roomRate?.roomId,
    ratePlanCode: roomRate?.ratePlanCode,
    rate: amountOf(rateLine?.amountBeforeTax, rateLine?.currencyCode),
    totalAmount: amountOf(stay?.total?.amountBeforeTax ?? roomRate?.total?.amountBeforeTax, stay?.total?.currencyCode),
    adults: counts?.adults,
    children: counts?.children
  }))
}

/** One search row (`reservationInfoType`) as a summary; none without a reservation id. */
export const summarizeReservationInfo = (info: ReservationInfo): Option.Option<ReservationSummary> => {
  const reservationId = idOfType(info.reservationIdList, "Reservation")
  if (reservationId === undefined) return Option.none()
  const stay = info.roomStay
  const guest = info.reservationGuest
  return Option.some(defined({
    reservationId,
    confirmationNumber: idOfType(info.reservationIdList, "Confirmation"),
    hotelId: info.hotelId,
    status: info.reservationStatus,
    computedStatus: info.computedReservationStatus,
    guest: defined({ profileId: guest?.id, name: guest?.fullName ?? fullName(guest?.givenName, guest?.surname) }),
    arrivalDate: stay?.arrivalDate,
    departureDate: stay?.departureDate,
    roomType: stay?.roomType,
    roomNumber: stay?.roomId,
    ratePlanCode: stay?.ratePlanCode,
    rate: amountOf(stay?.rateAmount?.amount, stay?.rateAmount?.currencyCode),
    totalAmount: amountOf(stay?.totalAmount?.amount, stay?.totalAmount?.currencyCode),
    adults: stay?.adultCount,
    children: stay?.childCount
  }))
}

/** getHotelReservations answer → summaries and OHIP paging. */
export const reservationsFromSearch = (
  body: ReservationsDetails
): { readonly reservations: ReadonlyArray<ReservationSummary>; readonly paging: Paging } => {
  const page = body.reservations
  const reservations = (page?.reservationInfo ?? []).flatMap((info) => Option.toArray(summarizeReservationInfo(info)))
  const offset = page?.offset ?? 0
  const totalResults = page?.totalResults ?? reservations.length
  return {
    reservations,
    paging: {
      offset,
      limit: page?.limit ?? reservations.length,
      hasMore: page?.hasMore ?? offset + reservations.length < totalResults,
      totalResults,
      count: page?.count ?? reservations.length
    }
  }
}

/** getReservation / postReservation / putReservation answer → the reservation it carries. */
export const reservationFromEnvelope = (body: ReservationEnvelope): Option.Option<ReservationSummary> =>
  Option.fromNullable(body.reservations?.reservation?.[0]).pipe(Option.flatMap(summarizeReservation))

/** The id of a created reservation: from the body, else from the self link OHIP returns. */
export const createdReservationId = (body: ReservationEnvelope): Option.Option<string> =>
  Option.fromNullable(idOfType(body.reservations?.reservation?.[0]?.reservationIdList, "Reservation") ?? idFromLinks(body.links))

/** postCancelReservation answer → what was cancelled and under which cancellation number. */
export const cancellationFromDetails = (body: CancelReservationDetails) => {
  const cancelled = body.reservations?.[0]
  return Option.fromNullable(idOfType(cancelled?.reservationIdList, "Reservation")).pipe(
    Option.map((reservationId) => defined({
      reservationId,
      cancellationNumber: idOfType(cancelled?.reservationIdList, "Cancellation"),
      status: cancelled?.reservationStatus,
      reasonCode: cancelled?.cancellationInfo?.code
    }))
  )
}
