import { Effect, Schema } from "effect"
import { InventoryDay, inventoryDays, inventoryStatistics, InventoryStatisticsResponse } from "../../client/inventory.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { daysFrom, readOnly, today } from "../frontDesk/shared.js"
import { RoomTypeCode } from "../reservations/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const getInventoryStatistics = defineTool({
  name: "get_inventory_statistics",
  domain: "housekeeping",
  operations: ["inv.getInventoryStatistics"],
  description: "Room inventory per day (default today and the next 6 days, at most 31): physical rooms, out of " +
    "order, out of service, reserved and available, for the whole hotel (ALL) and per room type.",
  annotations: readOnly("Inventory statistics"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    from: optional(IsoDate.annotations({ description: "First date as YYYY-MM-DD; default today" })),
    to: optional(IsoDate.annotations({ description: "Last date as YYYY-MM-DD; default from + 6 days" })),
    roomType: optional(RoomTypeCode.annotations({ description: "Only this room type (and not the ALL totals)" }))
  }),
  output: Schema.Struct({ days: Schema.Array(InventoryDay) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const from = input.from ?? (yield* today)
      const body = yield* client.execute(
        inventoryStatistics({ hotelId, from, to: input.to ?? daysFrom(from, 6) }),
        InventoryStatisticsResponse
      )
      const wanted = input.roomType ?? "ALL"
      return { days: inventoryDays(body).filter((day) => day.roomType === wanted) }
    }),
  render: ({ days }) =>
    days.length === 0
      ? "No inventory for these dates."
      : ["date | type | rooms | OOO | OOS | reserved | available",
        ...days.map((day) =>
          [day.date, day.roomType, day.physicalRooms, day.outOfOrder, day.outOfService, day.reserved, day.available].map((value) => value ?? "?").join(" | ")
        )].join("\n")
})
