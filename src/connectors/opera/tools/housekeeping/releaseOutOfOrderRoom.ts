import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { HousekeepingStatus, RepairKind, RoomNumber, writes } from "../frontDesk/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const releaseOutOfOrderRoom = defineTool({
  name: "release_out_of_order_room",
  domain: "housekeeping",
  operations: ["hsk.completeOutOfOrderRooms", "hsk.completeOutOfServiceRooms"],
  description: "End a room's out-of-order (kind OutOfOrder, the default) or out-of-service period and return it to " +
    "inventory with returnStatus (default: the status set when it was taken out). Destructive: the first call " +
    "answers with what would change and a confirmationToken; repeat the same call with that token.",
  annotations: writes("Release out-of-order room", { destructive: true }),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    kind: Schema.optionalWith(RepairKind, { default: () => "OutOfOrder" as const }),
    roomNumber: RoomNumber,
    returnStatus: optional(HousekeepingStatus.annotations({ description: "Status the room returns with" }))
  }),
  output: Schema.Struct({ kind: Schema.String, roomNumber: Schema.String, returnStatus: Schema.optional(Schema.String) }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [`room:${input.roomNumber}`],
      summary: `End the ${input.kind === "OutOfOrder" ? "out-of-order" : "out-of-service"} period of room ${input.roomNumber} ` +
        `at hotel ${hotelId} and return it to inventory.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(
        hsk.completeRepair({
          hotelId,
          kind: input.kind,
          roomNumber: input.roomNumber,
          ...(input.returnStatus !== undefined ? { returnStatus: input.returnStatus } : {})
        }),
        hsk.CompleteRepairResponse
      )
      return { kind: input.kind, roomNumber: input.roomNumber, ...(input.returnStatus !== undefined ? { returnStatus: input.returnStatus } : {}) }
    }),
  render: ({ kind, returnStatus, roomNumber }) =>
    `Room ${roomNumber} is back in inventory (no longer ${kind === "OutOfOrder" ? "out of order" : "out of service"})` +
    (returnStatus !== undefined ? `, status ${returnStatus}.` : ".")
})
