import { Option, Schema } from "effect"
import type { Paging } from "./common.js"
import { defined, idOfType } from "./common.js"
import type {
  ActivityLog,
  CancellationHistory,
  GuestMessage,
  GuestMessages,
  LinkedReservations,
  ReservationPackages,
  ReservationStatistics
} from "./reservationExtras.js"
import type { ReservationSummary } from "./reservationSummary.js"
import { summarizeReservation } from "./reservationSummary.js"

/**
 * Compact records of the reservation extras, and the mappings from OHIP
 * bodies to them. Output Schemas are plain JSON shapes.
 */
const optional = Schema.optional

export const CancellationEntry = Schema.Struct({
  cancellationNumber: optional(Schema.String),
  date: optional(Schema.String),
  reasonCode: optional(Schema.String),
  reason: optional(Schema.String),
  user: optional(Schema.String)
})
export type CancellationEntry = typeof CancellationEntry.Type

export const cancellationsFromHistory = (body: CancellationHistory): ReadonlyArray<CancellationEntry> =>
  (body.cxlActivityLog ?? []).map((entry) =>
    defined({
      cancellationNumber: idOfType(entry.cancellationIdList, "Cancellation") ?? entry.cancellationIdList?.[0]?.id,
      date: entry.cxlDate,
      reasonCode: entry.reason?.code,
      reason: entry.reason?.description,
      user: entry.userName
    })
  )

export const StatisticsDay = Schema.Struct({
  date: Schema.String,
  arrivals: Schema.Number,
  departures: Schema.Number,
  roomsOccupied: Schema.Number,
  cancellations: Schema.Number,
  roomRevenue: Schema.Number,
  currencyCode: optional(Schema.String)
})
export type StatisticsDay = typeof StatisticsDay.Type

/** getReservationStatistics (ReservationAndRevenueSummary) → one record per date, oldest first. */
export const daysFromStatistics = (body: ReservationStatistics): ReadonlyArray<StatisticsDay> => {
  const sets = (body.statisticsType ?? []).flatMap((report) =>
    (report.statisticCodesType ?? []).flatMap((code) => code.statisticSetsType ?? [])
  )
  const numeric = (set: (typeof sets)[number], code: string) =>
    set.numericCategorySummariesType?.find((entry) => entry.numericCategoryCode === code)?.numericSummary ?? 0
  return sets
    .flatMap((set) => {
      if (set.statisticDate === undefined) return []
      const room = set.revenueCategorySummariesType?.find((entry) => entry.revenueCategoryCode === "ROOM")
      return [defined({
        date: set.statisticDate,
        arrivals: numeric(set, "ARRIVALS"),
        departures: numeric(set, "DEPARTURES"),
        roomsOccupied: numeric(set, "ROOMS_OCCUPIED"),
        cancellations: numeric(set, "CANCELLATIONS"),
        roomRevenue: room?.amount ?? 0,
        currencyCode: room?.currencyCode
      })]
    })
    .sort((left, right) => left.date < right.date ? -1 : left.date > right.date ? 1 : 0)
}

export const PackageLine = Schema.Struct({
  packageCode: Schema.String,
  description: optional(Schema.String),
  startDate: optional(Schema.String),
  endDate: optional(Schema.String),
  quantity: optional(Schema.Number),
  unitPrice: optional(Schema.Number),
  totalPrice: optional(Schema.Number),
  currencyCode: optional(Schema.String),
  /** Where the package comes from: Reservation (added to it) or the rate plan. */
  source: optional(Schema.String)
})
export type PackageLine = typeof PackageLine.Type

/** getPackage → the package lines with their stay price (sum of the schedule). */
export const packagesFrom = (body: ReservationPackages): ReadonlyArray<PackageLine> =>
  (body.reservationPackages?.reservationPackage ?? []).flatMap((line) => {
    if (line.packageCode === undefined) return []
    const schedule = line.scheduleList ?? []
    const total = schedule.reduce((sum, day) => sum + (day.computedResvPrice ?? 0), 0)
    return [defined({
      packageCode: line.packageCode,
      description: line.packageHeaderType?.primaryDetails?.description,
      startDate: line.startDate,
      endDate: line.endDate,
      quantity: line.consumptionDetails?.defaultQuantity,
      unitPrice: schedule[0]?.unitPrice,
      totalPrice: schedule.length === 0 ? undefined : Math.round(total * 100) / 100,
      currencyCode: line.packageHeaderType?.transactionDetails?.currency,
      source: line.source
    })]
  })

/** getLinkedReservations → the reservations of the link group. */
export const linkedFrom = (body: LinkedReservations): ReadonlyArray<ReservationSummary> =>
  (body.reservations?.linkedReservation ?? []).flatMap((reservation) => Option.toArray(summarizeReservation(reservation)))

export const GuestMessageSummary = Schema.Struct({
  messageId: Schema.String,
  reservationId: optional(Schema.String),
  roomNumber: optional(Schema.String),
  text: optional(Schema.String),
  recipient: optional(Schema.String),
  createdAt: optional(Schema.String),
  delivered: Schema.Boolean
})
export type GuestMessageSummary = typeof GuestMessageSummary.Type

export const summarizeGuestMessage = (message: GuestMessage): Option.Option<GuestMessageSummary> =>
  message.id === undefined ? Option.none() : Option.some(defined({
    messageId: message.id,
    reservationId: message.message?.reservationId?.id,
    roomNumber: message.message?.roomId,
    text: message.message?.messageText,
    recipient: message.message?.recipient,
    createdAt: message.createDateTime ?? message.message?.messageDate,
    delivered: message.delivery?.deliveryStatus === "Mr"
  }))

const pagingOf = (
  page: { readonly offset?: number | undefined; readonly limit?: number | undefined; readonly hasMore?: boolean | undefined; readonly totalResults?: number | undefined; readonly count?: number | undefined } | undefined,
  count: number
): Paging => {
  const offset = page?.offset ?? 0
  const totalResults = page?.totalResults ?? offset + count
  return {
    offset,
    limit: page?.limit ?? count,
    hasMore: page?.hasMore ?? offset + count < totalResults,
    totalResults,
    count: page?.count ?? count
  }
}

export const messagesFrom = (body: GuestMessages) => {
  const messages = (body.guestMessages ?? []).flatMap((message) => Option.toArray(summarizeGuestMessage(message)))
  return { messages, paging: pagingOf(body, messages.length) }
}

export const ActivityEntry = Schema.Struct({
  loggedAt: optional(Schema.String),
  action: optional(Schema.String),
  description: optional(Schema.String),
  user: optional(Schema.String)
})
export type ActivityEntry = typeof ActivityEntry.Type

export const activityFrom = (body: ActivityLog) => {
  const entries = (body.activityLog?.activityLog ?? []).map((entry) =>
    defined({ loggedAt: entry.logDate, action: entry.actionType, description: entry.actionDescription, user: entry.logUserName })
  )
  return { entries, paging: pagingOf(body.activityLog, entries.length) }
}
