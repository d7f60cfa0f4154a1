import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { HousekeepingStatus, RoomNumber, writes } from "../frontDesk/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const updateRoomStatus = defineTool({
  name: "update_room_status",
  domain: "housekeeping",
  operations: ["hsk.putRoomRelatedStatus"],
  description: "Set the housekeeping status of one or more rooms: Clean, Dirty, Pickup or Inspected. Rooms out of " +
    "order or out of service must be released with release_out_of_order_room instead.",
  annotations: writes("Update room status", { idempotent: true }),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    roomNumbers: Schema.Array(RoomNumber).pipe(Schema.minItems(1), Schema.maxItems(50)).annotations({ description: "Rooms to update (1–50)" }),
    status: HousekeepingStatus.annotations({ description: "New housekeeping status" })
  }),
  output: Schema.Struct({ roomNumbers: Schema.Array(Schema.String), status: Schema.String }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: input.roomNumbers.map((room) => `room:${room}`) }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(hsk.setRoomStatus({ hotelId, roomNumbers: input.roomNumbers, status: input.status }), hsk.SetRoomStatusResponse)
      return { roomNumbers: [...input.roomNumbers], status: input.status }
    }),
  render: ({ roomNumbers, status }) => `Room${roomNumbers.length > 1 ? "s" : ""} ${roomNumbers.join(", ")} now ${status}.`
})
