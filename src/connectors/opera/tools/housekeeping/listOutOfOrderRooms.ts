import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { RoomSummary } from "../../client/schemas/rooms.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { readOnly, RepairKind, roomLine, RoomNumber, today } from "../frontDesk/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const listOutOfOrderRooms = defineTool({
  name: "list_out_of_order_rooms",
  domain: "housekeeping",
  operations: ["hsk.getOutOfOrderRooms", "hsk.getOutOfServiceRooms"],
  description: "List rooms out of order (kind OutOfOrder, the default) or out of service (kind OutOfService) " +
    "during a date range (default today), with reason, dates and the status they return to.",
  annotations: readOnly("List out-of-order rooms"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    kind: Schema.optionalWith(RepairKind, { default: () => "OutOfOrder" as const }),
    from: optional(IsoDate.annotations({ description: "Start of the range as YYYY-MM-DD; default today" })),
    to: optional(IsoDate.annotations({ description: "End of the range as YYYY-MM-DD; default the start" })),
    roomNumber: optional(RoomNumber)
  }),
  output: Schema.Struct({ kind: Schema.String, rooms: Schema.Array(RoomSummary) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const from = input.from ?? (yield* today)
      const body = yield* client.execute(
        hsk.repairRooms({
          hotelId,
          kind: input.kind,
          from,
          ...(input.to !== undefined ? { to: input.to } : {}),
          ...(input.roomNumber !== undefined ? { roomNumber: input.roomNumber } : {})
        }),
        hsk.RepairRoomsResponse
      )
      return { kind: input.kind, rooms: hsk.roomsUnderRepair(body) }
    }),
  render: ({ kind, rooms }) =>
    rooms.length === 0 ? `No rooms ${kind === "OutOfOrder" ? "out of order" : "out of service"}.` : rooms.map(roomLine).join("\n")
})
