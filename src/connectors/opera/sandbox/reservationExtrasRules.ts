import { Either } from "effect"
import { addDays, nightsBetween } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, businessRule } from "./ohipErrors.js"
import type { PropertySnapshot, ReservationRecord } from "./property.js"
import { packageByCode, packagesOfRatePlan } from "./rateCatalog.js"
import type { ActivityRecord, GuestMessageRecord, ReservationExtrasSnapshot, ReservationPackageRecord } from "./reservationExtrasState.js"
import { logActivity } from "./reservationExtrasState.js"

/**
 * The rules of the reservation extras, as pure steps over the extras store;
 * the reservation they hang off is read from the property snapshot.
 */
type Step<A> = Either.Either<readonly [A, ReservationExtrasSnapshot], RouteFailure>

const closed = (reservation: ReservationRecord): RouteFailure | undefined => {
  if (reservation.status === "Cancelled") {
    return businessRule(`Reservation ${reservation.reservationId} is cancelled: reinstate it first.`, "RESERVATION_CANCELLED")
  }
  if (reservation.status === "CheckedOut" || reservation.status === "NoShow") {
    return businessRule(`Reservation ${reservation.reservationId} is closed (${reservation.status}).`, "RESERVATION_CLOSED")
  }
  return undefined
}

export const packagesOn = (extras: ReservationExtrasSnapshot, reservation: ReservationRecord) =>
  extras.packages.filter((entry) => entry.reservationId === reservation.reservationId && entry.hotelId === reservation.hotelId)

/** postReservationPackage: one sellable package, within the stay, not already on the reservation or in its rate. */
export const addPackage = (
  extras: ReservationExtrasSnapshot,
  reservation: ReservationRecord,
  requested: { readonly packageCode: string; readonly quantity: number | undefined; readonly startDate: string | undefined; readonly endDate: string | undefined },
  nowIso: string
): Step<ReservationPackageRecord> => {
  const refusal = closed(reservation)
  if (refusal !== undefined) return Either.left(refusal)
  const info = packageByCode(requested.packageCode)
  if (info === undefined || !info.sellSeparate) {
    return Either.left(businessRule(`Package ${requested.packageCode} is not sold separately at this hotel.`, "INVALID_PACKAGE"))
  }
  if (packagesOfRatePlan(reservation.ratePlanCode).some((entry) => entry.code === info.code)) {
    return Either.left(businessRule(`Package ${info.code} is already included in rate plan ${reservation.ratePlanCode}.`, "PACKAGE_IN_RATE"))
  }
  if (packagesOn(extras, reservation).some((entry) => entry.packageCode === info.code)) {
    return Either.left(businessRule(`Package ${info.code} is already on reservation ${reservation.reservationId}.`, "PACKAGE_EXISTS"))
  }
  const startDate = requested.startDate ?? reservation.arrivalDate
  const endDate = requested.endDate ?? reservation.departureDate
  if (startDate < reservation.arrivalDate || endDate > reservation.departureDate || endDate <= startDate) {
    return Either.left(businessRule(
      `Package dates must lie within the stay ${reservation.arrivalDate} to ${reservation.departureDate}.`,
      "INVALID_PACKAGE_DATES"
    ))
  }
  const quantity = requested.quantity ?? 1
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > 20) {
    return Either.left(badRequest("consumptionDetails.defaultQuantity must be a whole number from 1 to 20."))
  }
  const added: ReservationPackageRecord = {
    hotelId: reservation.hotelId,
    reservationId: reservation.reservationId,
    packageCode: info.code,
    startDate,
    endDate,
    quantity,
    unitPrice: info.unitPrice,
    addedAt: nowIso
  }
  const next = logActivity({ ...extras, packages: [...extras.packages, added] }, {
    hotelId: reservation.hotelId,
    reservationId: reservation.reservationId,
    actionType: "PACKAGE ADDED",
    description: `Package ${info.code} x${quantity} from ${startDate} to ${endDate}`,
    loggedAt: nowIso
  })
  return Either.right([added, next] as const)
}

/** deleteReservationPackage: removes every package added to the reservation (rate-plan packages stay). */
export const removePackages = (
  extras: ReservationExtrasSnapshot,
  reservation: ReservationRecord,
  nowIso: string
): Step<ReadonlyArray<ReservationPackageRecord>> => {
  const refusal = closed(reservation)
  if (refusal !== undefined) return Either.left(refusal)
  const removed = packagesOn(extras, reservation)
  if (removed.length === 0) {
    return Either.left(businessRule(`Reservation ${reservation.reservationId} has no packages of its own to remove.`, "NO_RESERVATION_PACKAGES"))
  }
  const next = logActivity({ ...extras, packages: extras.packages.filter((entry) => !removed.includes(entry)) }, {
    hotelId: reservation.hotelId,
    reservationId: reservation.reservationId,
    actionType: "PACKAGE DELETED",
    description: `Packages ${removed.map((entry) => entry.packageCode).join(", ")} removed`,
    loggedAt: nowIso
  })
  return Either.right([removed, next] as const)
}

/** The package's price per consumption night: per person, per room, or once for arrival-night packages. */
export const packageSchedule = (entry: ReservationPackageRecord, reservation: ReservationRecord) => {
  const info = packageByCode(entry.packageCode)
  const people = info?.calculationRule === "PerPerson" ? reservation.adults + reservation.children
    : info?.calculationRule === "PerAdult" ? reservation.adults
    : info?.calculationRule === "PerChild" ? reservation.children
    : 1
  const nights = info?.postingRhythm === "ArrivalNight" ? 1 : Math.max(1, nightsBetween(entry.startDate, entry.endDate))
  return Array.from({ length: nights }, (_, index) => ({
    consumptionDate: addDays(entry.startDate, index),
    unitPrice: entry.unitPrice,
    totalQuantity: entry.quantity * people,
    computedResvPrice: entry.unitPrice * entry.quantity * people
  }))
}

/** The link group of a reservation: itself and every reservation sharing its group id. */
export const linkGroupOf = (extras: ReservationExtrasSnapshot, reservationId: string): ReadonlyArray<string> => {
  const group = extras.linkGroups.get(reservationId)
  return group === undefined ? [] : [...extras.linkGroups].filter(([, id]) => id === group).map(([member]) => member)
}

/** postReservationLinks: puts both reservations in one group (joining an existing group when there is one). */
export const linkReservations = (
  extras: ReservationExtrasSnapshot,
  reservation: ReservationRecord,
  other: ReservationRecord,
  nowIso: string
): Step<ReadonlyArray<string>> => {
  if (reservation.reservationId === other.reservationId) {
    return Either.left(badRequest("A reservation cannot be linked to itself.", "INVALID_LINK"))
  }
  const refusal = closed(reservation) ?? closed(other)
  if (refusal !== undefined) return Either.left(refusal)
  const mine = extras.linkGroups.get(reservation.reservationId)
  const theirs = extras.linkGroups.get(other.reservationId)
  if (mine !== undefined && mine === theirs) {
    return Either.left(businessRule(`Reservations ${reservation.reservationId} and ${other.reservationId} are already linked.`, "ALREADY_LINKED"))
  }
  if (mine !== undefined && theirs !== undefined) {
    return Either.left(businessRule("Both reservations already belong to different link groups: unlink one first.", "ALREADY_LINKED"))
  }
  const group = mine ?? theirs ?? `L${extras.nextNumber}`
  const linked = logActivity({
    ...extras,
    linkGroups: new Map(extras.linkGroups).set(reservation.reservationId, group).set(other.reservationId, group),
    nextNumber: extras.nextNumber + 1
  }, {
    hotelId: reservation.hotelId,
    reservationId: reservation.reservationId,
    actionType: "LINK RESERVATION",
    description: `Linked with reservation ${other.reservationId}`,
    loggedAt: nowIso
  })
  return Either.right([linkGroupOf(linked, reservation.reservationId), linked] as const)
}

/** deleteReservationLinks: takes the reservation out of its group; a group of one dissolves. */
export const unlinkReservation = (extras: ReservationExtrasSnapshot, reservation: ReservationRecord, nowIso: string): Step<void> => {
  const members = linkGroupOf(extras, reservation.reservationId)
  if (members.length === 0) {
    return Either.left(businessRule(`Reservation ${reservation.reservationId} is not linked to any reservation.`, "NOT_LINKED"))
  }
  const groups = new Map(extras.linkGroups)
  groups.delete(reservation.reservationId)
  const rest = members.filter((member) => member !== reservation.reservationId)
  if (rest.length === 1 && rest[0] !== undefined) groups.delete(rest[0])
  return Either.right([undefined, logActivity({ ...extras, linkGroups: groups }, {
    hotelId: reservation.hotelId,
    reservationId: reservation.reservationId,
    actionType: "UNLINK RESERVATION",
    description: "Removed from its link group",
    loggedAt: nowIso
  })] as const)
}

/** postGuestMessages: only for a reservation that is due in or in house. */
export const leaveMessage = (
  extras: ReservationExtrasSnapshot,
  reservation: ReservationRecord,
  message: { readonly text: string; readonly recipient: string | undefined; readonly operator: string | undefined; readonly kind: "Tm" | "Vm" },
  nowIso: string
): Step<GuestMessageRecord> => {
  if (reservation.status !== "Reserved" && reservation.status !== "InHouse") {
    return Either.left(businessRule(
      `Reservation ${reservation.reservationId} is ${reservation.status}: messages can be left only for arriving or in-house guests.`,
      "MESSAGE_NOT_ALLOWED"
    ))
  }
  if (message.text.trim() === "") return Either.left(badRequest("guestMessages[0].message.messageText must not be empty."))
  const record: GuestMessageRecord = {
    messageId: String(extras.nextNumber),
    hotelId: reservation.hotelId,
    reservationId: reservation.reservationId,
    ...message,
    createdAt: nowIso,
    delivered: false
  }
  const next = logActivity({ ...extras, messages: [...extras.messages, record], nextNumber: extras.nextNumber + 1 }, {
    hotelId: reservation.hotelId,
    reservationId: reservation.reservationId,
    actionType: "GUEST MESSAGE",
    description: `Message ${record.messageId} left for the guest`,
    loggedAt: nowIso
  })
  return Either.right([record, next] as const)
}

/** The activity of a reservation: what the reservation record says happened, plus the extras' own log. */
export const activityOf = (extras: ReservationExtrasSnapshot, reservation: ReservationRecord): ReadonlyArray<ActivityRecord> => {
  const base = { hotelId: reservation.hotelId, reservationId: reservation.reservationId, activityId: 0 }
  const derived: Array<ActivityRecord> = [
    { ...base, actionType: "NEW RESERVATION", description: `Reservation ${reservation.reservationId} created`, loggedAt: reservation.createdAt }
  ]
  if (reservation.cancellation !== undefined) {
    derived.push({
      ...base,
      actionType: "CANCEL RESERVATION",
      description: `Cancelled with reason ${reservation.cancellation.code}, cancellation ${reservation.cancellation.number}`,
      loggedAt: `${reservation.cancellation.date}T00:00:00.000Z`
    })
  }
  if (reservation.reinstateDate !== undefined) {
    derived.push({ ...base, actionType: "REINSTATE RESERVATION", description: "Reservation reinstated", loggedAt: `${reservation.reinstateDate}T00:00:00.000Z` })
  }
  const own = extras.activity.filter((entry) => entry.reservationId === reservation.reservationId && entry.hotelId === reservation.hotelId)
  return [...derived, ...own].sort((left, right) => left.loggedAt < right.loggedAt ? -1 : left.loggedAt > right.loggedAt ? 1 : 0)
}

/** Figures of one date for the ReservationAndRevenueSummary report. */
export const dayFigures = (snapshot: PropertySnapshot, hotelId: string, date: string) => {
  const reservations = [...snapshot.reservations.values()].filter((entry) => entry.hotelId === hotelId)
  const live = reservations.filter((entry) => entry.status !== "Cancelled" && entry.status !== "NoShow")
  const staying = live.filter((entry) => entry.arrivalDate <= date && date < entry.departureDate)
  return {
    arrivals: live.filter((entry) => entry.arrivalDate === date).length,
    departures: live.filter((entry) => entry.departureDate === date).length,
    roomsOccupied: staying.length,
    cancellations: reservations.filter((entry) => entry.cancellation?.date === date && entry.status === "Cancelled").length,
    roomRevenue: Math.round(staying.reduce((sum, entry) => sum + entry.rateAmount, 0) * 100) / 100
  }
}
