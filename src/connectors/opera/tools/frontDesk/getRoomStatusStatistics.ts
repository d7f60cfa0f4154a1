import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { FrontOfficeStatus, readOnly } from "./shared.js"

const Totals = Schema.Array(Schema.Struct({ status: Schema.String, rooms: Schema.Number }))

export const getRoomStatusStatistics = defineTool({
  name: "get_room_status_statistics",
  domain: "front-desk",
  operations: ["fof.getRoomsByRoomStatus"],
  description: "Count the hotel's rooms by housekeeping status (Clean, Dirty, Pickup, Inspected, OutOfOrder, " +
    "OutOfService), per room type and front office status (Vacant/Occupied), with totals per status.",
  annotations: readOnly("Room status statistics"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    frontOfficeStatus: optional(FrontOfficeStatus.annotations({ description: "Only Vacant or only Occupied rooms" }))
  }),
  output: Schema.Struct({ totals: Totals, rows: Schema.Array(fof.RoomStatusCount) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        fof.roomStatusStatistics({ hotelId, ...(input.frontOfficeStatus !== undefined ? { frontOfficeStatus: input.frontOfficeStatus } : {}) }),
        fof.RoomStatusStatisticsResponse
      )
      const rows = fof.roomStatusCounts(body)
      const totals = new Map<string, number>()
      for (const row of rows) totals.set(row.status, (totals.get(row.status) ?? 0) + row.rooms)
      return { totals: [...totals].map(([status, rooms]) => ({ status, rooms })), rows }
    }),
  render: ({ rows, totals }) =>
    [
      `Rooms by status: ${totals.map((total) => `${total.status} ${total.rooms}`).join(", ") || "none"}`,
      ...rows.map((row) => `${row.roomType ?? "?"} | ${row.frontOfficeStatus ?? "?"} | ${row.status} | ${row.rooms}`)
    ].join("\n")
})
