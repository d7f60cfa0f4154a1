import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { HousekeepingStatus, RepairKind, RoomNumber, today, writes } from "../frontDesk/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

const Input = Schema.Struct({
  hotelId: optional(HotelId),
  kind: Schema.optionalWith(RepairKind, { default: () => "OutOfOrder" as const }),
  roomNumbers: Schema.Array(RoomNumber).pipe(Schema.minItems(1), Schema.maxItems(20)).annotations({ description: "Rooms to take out (1–20)" }),
  reasonCode: Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be an OPERA reason code in capitals" }))
    .annotations({ description: "OPERA out-of-order reason code, e.g. RENO (renovation), MAINT (maintenance), DMG (damage), PEST" }),
  reason: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({ description: "Reason text; default the code's description" })),
  remarks: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2000)).annotations({ description: "Repair notes for engineering" })),
  from: optional(IsoDate.annotations({ description: "First date as YYYY-MM-DD; default today" })),
  to: IsoDate.annotations({ description: "Last date as YYYY-MM-DD" }),
  returnStatus: Schema.optionalWith(HousekeepingStatus.annotations({ description: "Status when the repair is done; default Dirty" }), {
    default: () => "Dirty" as const
  })
})

export const setRoomOutOfOrder = defineTool({
  name: "set_room_out_of_order",
  domain: "housekeeping",
  operations: ["hsk.postOutOfOrderRooms", "hsk.postOutOfServiceRooms"],
  description: "Take rooms out of order (not sellable; kind OutOfOrder, the default) or out of service (kind " +
    "OutOfService) for a date range, with a reason code. OPERA refuses occupied rooms and, for out of order, rooms " +
    "assigned to a reservation in that period.",
  annotations: writes("Set room out of order"),
  touchesGuestData: false,
  input: Input,
  output: Schema.Struct({ kind: Schema.String, roomNumbers: Schema.Array(Schema.String), from: Schema.String, to: Schema.String }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: input.roomNumbers.map((room) => `room:${room}`) }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const from = input.from ?? (yield* today)
      yield* client.execute(
        hsk.startRepair({
          hotelId,
          kind: input.kind,
          roomNumbers: input.roomNumbers,
          reasonCode: input.reasonCode,
          ...(input.reason !== undefined ? { reason: input.reason } : {}),
          ...(input.remarks !== undefined ? { remarks: input.remarks } : {}),
          from,
          to: input.to,
          returnStatus: input.returnStatus
        }),
        hsk.StartRepairResponse
      )
      return { kind: input.kind, roomNumbers: [...input.roomNumbers], from, to: input.to }
    }),
  render: ({ from, kind, roomNumbers, to }) =>
    `Room${roomNumbers.length > 1 ? "s" : ""} ${roomNumbers.join(", ")} ${kind === "OutOfOrder" ? "out of order" : "out of service"} ${from} → ${to}.`
})
