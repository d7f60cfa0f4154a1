import { Effect, Schema } from "effect"
import { getHotelRevenue, GetHotelRevenueResponse } from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { today } from "./shared.js"

export const getDailyRevenue = defineTool({
  name: "get_daily_revenue",
  operations: ["csh.getHotelRevenue"],
  domain: "cashiering",
  description: "Revenue of one business date: room revenue, total house revenue, complimentary revenue, " +
    "occupied rooms and the average daily rate. Room revenue is posted by the night audit.",
  annotations: { title: "Get daily revenue", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    date: optional(IsoDate.annotations({ description: "Business date (YYYY-MM-DD); default today" }))
  }),
  output: Schema.Struct({
    date: Schema.String,
    roomRevenue: Schema.Number,
    totalRevenue: Schema.Number,
    compRevenue: Schema.Number,
    occupiedRooms: Schema.Number,
    averageDailyRate: Schema.optional(Schema.Number),
    currencyCode: Schema.optional(Schema.String)
  }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const date = input.date ?? (yield* today)
      const revenue = (yield* client.execute(getHotelRevenue({ hotelId, businessDate: date }), GetHotelRevenueResponse)).hotelRevenue
      const roomRevenue = revenue?.roomRevenue ?? 0
      const occupiedRooms = revenue?.occupiedRooms ?? 0
      return {
        date,
        roomRevenue,
        totalRevenue: revenue?.houseRevenue ?? roomRevenue,
        compRevenue: revenue?.compRevenue ?? 0,
        occupiedRooms,
        ...(roomRevenue > 0 && occupiedRooms > 0 ? { averageDailyRate: Math.round((roomRevenue / occupiedRooms) * 100) / 100 } : {}),
        ...(revenue?.currencyCode !== undefined ? { currencyCode: revenue.currencyCode } : {})
      }
    }),
  render: (result) => {
    const currency = result.currencyCode !== undefined ? ` ${result.currencyCode}` : ""
    return `Revenue ${result.date}: rooms ${result.roomRevenue.toFixed(2)}${currency} | total ${result.totalRevenue.toFixed(2)}${currency}` +
      ` | comp ${result.compRevenue.toFixed(2)}${currency} | ${result.occupiedRooms} rooms occupied` +
      (result.averageDailyRate !== undefined ? ` | ADR ${result.averageDailyRate.toFixed(2)}${currency}` : "")
  }
})
