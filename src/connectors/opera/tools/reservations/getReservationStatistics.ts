import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { daysFromStatistics, getReservationStatistics as statisticsRequest, GetReservationStatisticsResponse, StatisticsDay } from "../../client/reservationExtras.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { plusDays, today } from "./extrasShared.js"

const Input = Schema.Struct({
  hotelId: optional(HotelId),
  startDate: optional(IsoDate.annotations({ description: "First date (YYYY-MM-DD); defaults to today" })),
  endDate: optional(IsoDate.annotations({ description: "Last date (YYYY-MM-DD), at most 62 days after startDate; defaults to startDate + 6 days" }))
}).pipe(Schema.filter((input) =>
  input.startDate === undefined || input.endDate === undefined || input.endDate >= input.startDate ||
  { path: ["endDate"], message: "must not be before startDate" }
))

export const getReservationStatistics = defineTool({
  name: "get_reservation_statistics",
  domain: "reservations",
  operations: ["rsv.getReservationStatistics"],
  description: "Reservation summary for a date range, one line per date: arrivals, departures, rooms occupied, " +
    "cancellations and room revenue (OPERA's ReservationAndRevenueSummary report).",
  annotations: { title: "Get reservation statistics", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Input,
  output: Schema.Struct({
    hotelId: Schema.String,
    startDate: Schema.String,
    endDate: Schema.String,
    days: Schema.Array(StatisticsDay),
    totals: Schema.Struct({ arrivals: Schema.Number, departures: Schema.Number, roomNights: Schema.Number, cancellations: Schema.Number, roomRevenue: Schema.Number })
  }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const startDate = input.startDate ?? (yield* today)
      const endDate = input.endDate ?? plusDays(startDate, 6)
      const days = daysFromStatistics(yield* client.execute(statisticsRequest({ hotelId, startDate, endDate }), GetReservationStatisticsResponse))
      const sum = (pick: (day: StatisticsDay) => number) => Math.round(days.reduce((total, day) => total + pick(day), 0) * 100) / 100
      return {
        hotelId,
        startDate,
        endDate,
        days,
        totals: {
          arrivals: sum((day) => day.arrivals),
          departures: sum((day) => day.departures),
          roomNights: sum((day) => day.roomsOccupied),
          cancellations: sum((day) => day.cancellations),
          roomRevenue: sum((day) => day.roomRevenue)
        }
      }
    }),
  render: ({ days, endDate, hotelId, startDate, totals }) =>
    [
      `Reservations at ${hotelId}, ${startDate} → ${endDate}`,
      "date | arrivals | departures | occupied | cancellations | room revenue",
      ...days.map((day) =>
        `${day.date} | ${day.arrivals} | ${day.departures} | ${day.roomsOccupied} | ${day.cancellations} | ${day.roomRevenue.toFixed(2)}${day.currencyCode ? ` ${day.currencyCode}` : ""}`
      ),
      `Total: ${totals.arrivals} arrivals, ${totals.departures} departures, ${totals.roomNights} room nights, ` +
      `${totals.cancellations} cancellations, ${totals.roomRevenue.toFixed(2)} room revenue`
    ].join("\n")
})
