import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { readOnly, today } from "./shared.js"

const line = (label: string, value: number | undefined) => value === undefined ? undefined : `${label} ${value}`

export const getOccupancyReport = defineTool({
  name: "get_occupancy_report",
  domain: "front-desk",
  operations: ["fof.getFrontOfficeStatistics"],
  description: "Occupancy for a date (default today) from OPERA's HouseSummary statistics: rooms in the house, " +
    "out of order/service, rooms to sell, occupied rooms and percentage, arrivals, departures, stayovers, room revenue.",
  annotations: readOnly("Occupancy report"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    date: optional(IsoDate.annotations({ description: "Date as YYYY-MM-DD; default today" }))
  }),
  output: fof.OccupancyReport,
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const date = input.date ?? (yield* today)
      const body = yield* client.execute(fof.houseSummary({ hotelId, date }), fof.HouseSummaryResponse)
      return fof.occupancyFromStatistics(body, date)
    }),
  render: (report) =>
    [
      `Occupancy ${report.date}: ${report.occupancyPercent ?? "?"}% (${report.occupiedRooms ?? "?"} of ${report.roomsToSell ?? "?"} rooms to sell)`,
      [
        line("total rooms", report.totalRooms),
        line("out of order", report.outOfOrder),
        line("out of service", report.outOfService),
        line("available", report.availableRooms)
      ].filter(Boolean).join(" | "),
      [
        line("arrivals", report.arrivalsExpected),
        line("checked in", report.arrivalsCheckedIn),
        line("departures", report.departuresExpected),
        line("checked out", report.departuresCheckedOut),
        line("stayovers", report.stayovers),
        line("room revenue", report.roomRevenue)
      ].filter(Boolean).join(" | ")
    ].join("\n")
})
