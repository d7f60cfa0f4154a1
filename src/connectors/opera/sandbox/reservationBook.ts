import { Either } from "effect"
import type { HotelReservation } from "../client/schemas/reservation.js"
import { isIsoDate } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, businessRule, notFound } from "./ohipErrors.js"
import { createGuest } from "./profileBook.js"
import type { PropertySnapshot, ReservationRecord } from "./property.js"
import { cancellationNumberFor, confirmationNumberFor, nightlyRate, ratePlans, roomInventory, roomTypes } from "./property.js"

/**
 * The reservation rules the sandbox enforces, as pure steps over a property
 * snapshot (see PropertyState.transact). Failures carry OHIP error bodies.
 */
type Step<A> = Either.Either<readonly [A, PropertySnapshot], RouteFailure>

const withReservation = (snapshot: PropertySnapshot, reservation: ReservationRecord): PropertySnapshot => ({
  ...snapshot,
  reservations: new Map(snapshot.reservations).set(reservation.reservationId, reservation)
})

export const findReservation = (
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string
): Either.Either<ReservationRecord, RouteFailure> => {
  const reservation = snapshot.reservations.get(reservationId)
  return reservation === undefined || reservation.hotelId !== hotelId
    ? Either.left(notFound(`Hotel ${hotelId} has no reservation with this id.`))
    : Either.right(reservation)
}

interface StayChange {
  readonly arrivalDate: string | undefined
  readonly departureDate: string | undefined
  readonly roomType: string | undefined
  readonly ratePlanCode: string | undefined
  readonly rateAmount: number | undefined
  readonly adults: number | undefined
  readonly children: number | undefined
  readonly roomId: string | undefined
  readonly guaranteeCode: string | undefined
}

/** What a `hotelReservationType` asks for, wherever OHIP lets a client put it. */
const stayChangeOf = (reservation: HotelReservation): StayChange => {
  const stay = reservation.roomStay
  const rate = stay?.roomRates?.[0]
  const counts = stay?.guestCounts ?? rate?.guestCounts
  return {
    arrivalDate: stay?.arrivalDate ?? rate?.start,
    departureDate: stay?.departureDate ?? rate?.end,
    roomType: rate?.roomType,
    ratePlanCode: rate?.ratePlanCode,
    rateAmount: rate?.rates?.rate?.[0]?.base?.amountBeforeTax,
    adults: counts?.adults,
    children: counts?.children,
    roomId: stay?.currentRoomInfo?.roomId ?? rate?.roomId,
    guaranteeCode: stay?.guarantee?.guaranteeCode
  }
}

/** Applies a change to a stay and checks every rule OPERA would; `base` is the reservation as it was. */
const applyStay = (
  base: ReservationRecord,
  change: StayChange,
  businessDate: string
): Either.Either<ReservationRecord, RouteFailure> => {
  const arrivalDate = change.arrivalDate ?? base.arrivalDate
  const departureDate = change.departureDate ?? base.departureDate
  if (!isIsoDate(arrivalDate) || !isIsoDate(departureDate)) {
    return Either.left(badRequest("arrivalDate and departureDate must be dates as YYYY-MM-DD."))
  }
  if (base.status === "InHouse" && arrivalDate !== base.arrivalDate) {
    return Either.left(businessRule("The guest is checked in: the arrival date can no longer change.", "RESERVATION_IN_HOUSE"))
  }
  if (departureDate <= arrivalDate) {
    return Either.left(businessRule("The departure date must be after the arrival date.", "INVALID_STAY_DATES"))
  }
  if (base.status === "InHouse" ? departureDate < businessDate : arrivalDate < businessDate) {
    return Either.left(businessRule(`Dates before the business date ${businessDate} cannot be booked.`, "DATE_IN_PAST"))
  }
  const roomType = change.roomType ?? base.roomType
  const room = roomTypes.find((candidate) => candidate.code === roomType)
  if (room === undefined) {
    return Either.left(badRequest(`Unknown room type; this hotel has ${roomTypes.map((entry) => entry.code).join(", ")}.`, "INVALID_ROOM_TYPE"))
  }
  const ratePlanCode = change.ratePlanCode ?? base.ratePlanCode
  const plan = ratePlans.find((candidate) => candidate.code === ratePlanCode)
  if (plan === undefined) {
    return Either.left(badRequest(`Unknown rate plan; this hotel sells ${ratePlans.map((entry) => entry.code).join(", ")}.`, "INVALID_RATE_CODE"))
  }
  const adults = change.adults ?? base.adults
  const children = change.children ?? base.children
  if (!Number.isInteger(adults) || !Number.isInteger(children) || adults < 1 || children < 0) {
    return Either.left(badRequest("guestCounts needs at least one adult and whole numbers of guests."))
  }
  if (adults + children > room.maxOccupancy) {
    return Either.left(businessRule(`Room type ${roomType} sleeps at most ${room.maxOccupancy} guests.`, "MAX_OCCUPANCY_EXCEEDED"))
  }
  const rateAmount = change.rateAmount ??
    (change.roomType === undefined && change.ratePlanCode === undefined ? base.rateAmount : nightlyRate(roomType, ratePlanCode) ?? 0)
  if (!Number.isFinite(rateAmount) || rateAmount < 0) {
    return Either.left(badRequest("The rate amount must be a number of at least 0."))
  }
  const roomId = change.roomId ?? (roomType === base.roomType ? base.roomId : undefined)
  if (roomId !== undefined && !roomInventory.some((entry) => entry.roomId === roomId && entry.roomType === roomType)) {
    return Either.left(businessRule(`The room number is not a ${roomType} room of this hotel.`, "INVALID_ROOM"))
  }
  return Either.right({
    ...base,
    arrivalDate,
    departureDate,
    roomType,
    roomId,
    ratePlanCode,
    rateAmount,
    adults,
    children,
    guaranteeCode: change.guaranteeCode ?? base.guaranteeCode,
    marketCode: change.ratePlanCode === undefined ? base.marketCode : plan.marketCode
  })
}

/** postReservation: books one stay for an existing profile (by id) or for a new guest (by name). */
export const createReservation = (
  snapshot: PropertySnapshot,
  hotelId: string,
  requested: HotelReservation,
  nowIso: string
): Step<ReservationRecord> => {
  if (requested.hotelId !== undefined && requested.hotelId !== hotelId) {
    return Either.left(badRequest("The reservation's hotelId must match the hotel in the path."))
  }
  const guestInfo = requested.reservationGuests?.find((guest) => guest.primary === true) ?? requested.reservationGuests?.[0]
  const ids = guestInfo?.profileInfo?.profileIdList ?? []
  const profileId = (ids.find((entry) => entry.type === "Profile") ?? ids[0])?.id
  const name = guestInfo?.profileInfo?.profile?.customer?.personName?.[0]
  let next = snapshot
  let guestId: string
  if (profileId !== undefined) {
    if (!snapshot.guests.has(profileId)) return Either.left(notFound("The guest profile named in reservationGuests does not exist."))
    guestId = profileId
  } else if (name?.surname !== undefined && name.surname.trim() !== "") {
    const [guest, withGuest] = createGuest(snapshot, hotelId, { givenName: name.givenName ?? "", surname: name.surname }, nowIso)
    next = withGuest
    guestId = guest.profileId
  } else {
    return Either.left(badRequest("reservationGuests must name the guest: a profile id or a person name with a surname."))
  }
  const change = stayChangeOf(requested)
  if (change.arrivalDate === undefined || change.departureDate === undefined || change.roomType === undefined || change.ratePlanCode === undefined) {
    return Either.left(badRequest("roomStay needs arrivalDate, departureDate and a room rate with roomType and ratePlanCode."))
  }
  const number = next.nextReservationNumber
  const draft: ReservationRecord = {
    reservationId: String(number),
    confirmationNumber: confirmationNumberFor(number),
    hotelId,
    profileId: guestId,
    status: "Reserved",
    arrivalDate: change.arrivalDate,
    departureDate: change.departureDate,
    roomType: change.roomType,
    roomId: undefined,
    ratePlanCode: change.ratePlanCode,
    rateAmount: 0,
    currencyCode: "USD",
    adults: 1,
    children: 0,
    guaranteeCode: "6PM",
    marketCode: "TRANS",
    sourceCode: requested.roomStay?.roomRates?.[0]?.sourceCode ?? "PHONE",
    cancellation: undefined,
    reinstateDate: undefined,
    createdAt: nowIso,
    createBusinessDate: snapshot.businessDate,
    modifiedAt: nowIso
  }
  return applyStay(draft, change, snapshot.businessDate).pipe(
    Either.map((reservation) =>
      [reservation, { ...withReservation(next, reservation), nextReservationNumber: number + 1 }] as const
    )
  )
}

/** putReservation: changes dates, room type, rate, guest counts or room of a reservation that is not closed. */
export const changeReservation = (
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  requested: HotelReservation,
  nowIso: string
): Step<ReservationRecord> =>
  findReservation(snapshot, hotelId, reservationId).pipe(
    Either.flatMap((current) => {
      if (current.status === "Cancelled") {
        return Either.left(businessRule(`Reservation ${reservationId} is cancelled: reinstate it before changing it.`, "RESERVATION_CANCELLED"))
      }
      if (current.status === "CheckedOut" || current.status === "NoShow") {
        return Either.left(businessRule(`Reservation ${reservationId} is closed (${current.status}) and cannot change.`, "RESERVATION_CLOSED"))
      }
      return applyStay(current, stayChangeOf(requested), snapshot.businessDate)
    }),
    Either.map((changed) => {
      const updated = { ...changed, modifiedAt: nowIso }
      return [updated, withReservation(snapshot, updated)] as const
    })
  )

/** postCancelReservation: only a reservation that has not arrived can be cancelled. */
export const cancelReservation = (
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  reason: { readonly code: string; readonly description: string },
  verificationOnly: boolean,
  nowIso: string
): Step<ReservationRecord> =>
  findReservation(snapshot, hotelId, reservationId).pipe(
    Either.flatMap((current): Either.Either<ReservationRecord, RouteFailure> => {
      switch (current.status) {
        case "Cancelled":
          return Either.left(businessRule(`Reservation ${reservationId} is already cancelled.`, "RESERVATION_ALREADY_CANCELLED"))
        case "InHouse":
          return Either.left(businessRule(`Reservation ${reservationId} is checked in and cannot be cancelled.`, "RESERVATION_IN_HOUSE"))
        case "CheckedOut":
        case "NoShow":
          return Either.left(businessRule(`Reservation ${reservationId} is closed (${current.status}) and cannot be cancelled.`, "RESERVATION_CLOSED"))
        case "Reserved":
          return Either.right({
            ...current,
            status: "Cancelled",
            roomId: undefined,
            cancellation: {
              number: cancellationNumberFor(Number(current.reservationId)),
              ...reason,
              date: snapshot.businessDate
            },
            modifiedAt: nowIso
          })
      }
    }),
    Either.map((cancelled) => [cancelled, verificationOnly ? snapshot : withReservation(snapshot, cancelled)] as const)
  )

/** putReinstateReservation: brings a cancelled reservation back, if its arrival has not passed. */
export const reinstateReservation = (
  snapshot: PropertySnapshot,
  hotelId: string,
  reservationId: string,
  nowIso: string
): Step<ReservationRecord> =>
  findReservation(snapshot, hotelId, reservationId).pipe(
    Either.flatMap((current) => {
      if (current.status !== "Cancelled") {
        return Either.left(businessRule(`Reservation ${reservationId} is not cancelled, so it cannot be reinstated.`, "RESERVATION_NOT_CANCELLED"))
      }
      if (current.arrivalDate < snapshot.businessDate) {
        return Either.left(businessRule(`Reservation ${reservationId} arrived before the business date and cannot be reinstated.`, "DATE_IN_PAST"))
      }
      return Either.right({ ...current, status: "Reserved" as const, reinstateDate: snapshot.businessDate, modifiedAt: nowIso })
    }),
    Either.map((reinstated) => [reinstated, withReservation(snapshot, reinstated)] as const)
  )
