import { nightsBetween } from "../calendar.js"
import type { ReservationRecord } from "../property.js"
import { packageByCode } from "../rateCatalog.js"
import { packageSchedule } from "../reservationExtrasRules.js"
import type { ActivityRecord, GuestMessageRecord, ReservationPackageRecord } from "../reservationExtrasState.js"

/**
 * Reservation extras rendered as OHIP JSON: `reservationPackageType`,
 * `resvGuestMessageType`, `activityLogType` and the statistics sets.
 */
export const renderReservationPackage = (entry: ReservationPackageRecord, reservation: ReservationRecord) => {
  const info = packageByCode(entry.packageCode)
  const schedule = packageSchedule(entry, reservation)
  return {
    packageHeaderType: {
      primaryDetails: {
        description: info?.description ?? entry.packageCode,
        shortDescription: info?.shortDescription ?? entry.packageCode
      },
      transactionDetails: {
        allowance: info?.allowance ?? false,
        currency: reservation.currencyCode,
        postingType: info?.postingRhythm ?? "EveryNight",
        calculationRule: info?.calculationRule ?? "FlatRate"
      },
      postingAttributes: {
        addToRate: info?.addToRate ?? false,
        sellSeparate: info?.sellSeparate ?? true,
        calculatedPrice: schedule.reduce((sum, day) => sum + day.computedResvPrice, 0)
      }
    },
    scheduleList: schedule,
    consumptionDetails: { defaultQuantity: entry.quantity, totalQuantity: schedule.reduce((sum, day) => sum + day.totalQuantity, 0) },
    packageCode: entry.packageCode,
    startDate: entry.startDate,
    endDate: entry.endDate,
    source: "Reservation"
  }
}

export const renderGuestMessage = (message: GuestMessageRecord, reservation: ReservationRecord | undefined) => ({
  message: {
    messageText: message.text,
    messageDate: message.createdAt,
    typeOfMessage: message.kind,
    ...(message.recipient === undefined ? {} : { recipient: message.recipient }),
    ...(message.operator === undefined ? {} : { operator: message.operator }),
    reservationId: { id: message.reservationId, type: "Reservation" },
    ...(reservation?.roomId === undefined ? {} : { roomId: reservation.roomId }),
    ...(reservation === undefined ? {} : {
      reservationStatus: reservation.status,
      confirmationNo: reservation.confirmationNumber,
      guaranteeCode: reservation.guaranteeCode
    })
  },
  delivery: { deliveryStatus: message.delivered ? "Mr" : "Nr" },
  type: "GuestMessage",
  id: message.messageId,
  createDateTime: message.createdAt,
  creatorId: "SANDBOX"
})

export const renderActivity = (entry: ActivityRecord, index: number) => ({
  hotelId: entry.hotelId,
  module: "Reservation",
  logDate: entry.loggedAt,
  refActionId: entry.activityId === 0 ? index + 1 : entry.activityId,
  logUserId: 1,
  logUserName: "SANDBOX",
  actionType: entry.actionType,
  actionDescription: entry.description
})

export const renderStatisticSet = (
  date: string,
  figures: { readonly arrivals: number; readonly departures: number; readonly roomsOccupied: number; readonly cancellations: number; readonly roomRevenue: number },
  currencyCode: string
) => {
  // 1970-01-04 was a Sunday.
  const weekday = ((nightsBetween("1970-01-04", date) % 7) + 7) % 7
  return {
    revenueCategorySummariesType: [{ revenueCategoryCode: "ROOM", amount: figures.roomRevenue, currencyCode }],
    numericCategorySummariesType: [
      { numericCategoryCode: "ARRIVALS", numericSummary: figures.arrivals },
      { numericCategoryCode: "DEPARTURES", numericSummary: figures.departures },
      { numericCategoryCode: "ROOMS_OCCUPIED", numericSummary: figures.roomsOccupied },
      { numericCategoryCode: "CANCELLATIONS", numericSummary: figures.cancellations }
    ],
    statisticDate: date,
    weekendDate: weekday === 0 || weekday === 6
  }
}
