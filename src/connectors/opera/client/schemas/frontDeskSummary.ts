import { Option, Schema } from "effect"
import type { Paging } from "./common.js"
import type { CheckedInReservation, FrontOfficeStatistics, HotelRooms, RoomStatusStatistics } from "./frontDesk.js"
import type { ReservationSummary } from "./reservationSummary.js"
import { summarizeReservation } from "./reservationSummary.js"
import type { RoomSummary } from "./rooms.js"
import { summarizeRoom } from "./rooms.js"

/** Compact front desk records for an AI assistant, and the mappings from OHIP bodies to them. */
export { RoomSummary } from "./rooms.js"

/** getHotelRooms answer → rooms and OHIP paging. */
export const roomsFromListing = (
  body: typeof HotelRooms.Type
): { readonly rooms: ReadonlyArray<RoomSummary>; readonly paging: Paging } => {
  const rooms = (body.hotelRoomsDetails?.room ?? []).flatMap(summarizeRoom)
  const offset = body.offset ?? 0
  const totalResults = body.totalResults ?? offset + rooms.length
  return {
    rooms,
    paging: {
      offset,
      limit: body.limit ?? rooms.length,
      hasMore: body.hasMore ?? offset + rooms.length < totalResults,
      totalResults,
      count: body.count ?? rooms.length
    }
  }
}

/** postCheckIn answer → the checked-in reservation. */
export const reservationFromCheckIn = (body: typeof CheckedInReservation.Type): Option.Option<ReservationSummary> =>
  Option.fromNullable(body.reservation?.[0]).pipe(Option.flatMap(summarizeReservation))

export const RoomStatusCount = Schema.Struct({
  roomType: Schema.optional(Schema.String),
  frontOfficeStatus: Schema.optional(Schema.String),
  status: Schema.String,
  rooms: Schema.Number
})
export type RoomStatusCount = typeof RoomStatusCount.Type

/** getRoomsByRoomStatus answer → one row per room type, front office status and housekeeping status. */
export const roomStatusCounts = (body: typeof RoomStatusStatistics.Type): ReadonlyArray<RoomStatusCount> =>
  (body.roomStatusStatistics ?? []).flatMap((group) =>
    (group.roomStats ?? []).flatMap((stat) =>
      stat.housekeepingRoomStatus === undefined ? [] : [{
        ...(group.roomType !== undefined ? { roomType: group.roomType } : {}),
        ...(group.frontOfficeStatus !== undefined ? { frontOfficeStatus: group.frontOfficeStatus } : {}),
        status: stat.housekeepingRoomStatus,
        rooms: stat.housekeepingRoomStatusCount ?? 0
      }]
    )
  )

export const OccupancyReport = Schema.Struct({
  date: Schema.String,
  totalRooms: Schema.optional(Schema.Number),
  outOfOrder: Schema.optional(Schema.Number),
  outOfService: Schema.optional(Schema.Number),
  roomsToSell: Schema.optional(Schema.Number),
  occupiedRooms: Schema.optional(Schema.Number),
  stayovers: Schema.optional(Schema.Number),
  arrivalsExpected: Schema.optional(Schema.Number),
  arrivalsCheckedIn: Schema.optional(Schema.Number),
  departuresExpected: Schema.optional(Schema.Number),
  departuresCheckedOut: Schema.optional(Schema.Number),
  availableRooms: Schema.optional(Schema.Number),
  occupancyPercent: Schema.optional(Schema.Number),
  roomRevenue: Schema.optional(Schema.Number)
})
export type OccupancyReport = typeof OccupancyReport.Type

const reportFields: ReadonlyArray<readonly [string, keyof Omit<OccupancyReport, "date">]> = [
  ["TotalPhysicalRooms", "totalRooms"],
  ["TotalOutOfOrder", "outOfOrder"],
  ["TotalOutOfService", "outOfService"],
  ["TotalRoomsToSell", "roomsToSell"],
  ["InHouseRooms", "occupiedRooms"],
  ["StayoverRooms", "stayovers"],
  ["ArrivalsExpectedRooms", "arrivalsExpected"],
  ["ArrivalsActualRooms", "arrivalsCheckedIn"],
  ["DeparturesExpectedRooms", "departuresExpected"],
  ["DeparturesActualRooms", "departuresCheckedOut"],
  ["MinAvailableTonightRooms", "availableRooms"],
  ["PercentRoomsOccupied", "occupancyPercent"],
  ["RoomRevenue", "roomRevenue"]
]

/** getFrontOfficeStatistics (HouseSummary) answer → an occupancy report. */
export const occupancyFromStatistics = (body: typeof FrontOfficeStatistics.Type, date: string): OccupancyReport => {
  const metrics = (body.metricSet ?? []).flatMap((set) => set.metrics ?? [])
  const report: Record<string, number | string> = { date: body.calendarDate ?? date }
  for (const [code, field] of reportFields) {
    const value = metrics.find((metric) => metric.code === code)?.value
    if (value !== undefined) report[field] = value
  }
  return report as OccupancyReport
}
