import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { ReservationSummary } from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { readReservation } from "../reservations/getReservation.js"
import { defineTool } from "../../../../tools/Tool.js"
import { HousekeepingStatus, ReservationId, RoomNumber, writes } from "./shared.js"

export const moveRoom = defineTool({
  name: "move_room",
  domain: "front-desk",
  operations: ["fof.moveInHouseGuest", "rsv.getReservation"],
  description: "Move an in-house guest to another room. The new room must be vacant, Clean or Inspected and free " +
    "for the rest of the stay; the old room is left with oldRoomStatus (default Dirty).",
  annotations: writes("Move room"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    roomNumber: RoomNumber.annotations({ description: "The room the guest moves to, e.g. 214" }),
    oldRoomStatus: optional(HousekeepingStatus.annotations({ description: "Housekeeping status of the room left behind; default Dirty" })),
    reason: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({ description: "Why the guest moves" }))
  }),
  output: Schema.Struct({ reservation: ReservationSummary, previousRoomNumber: Schema.optional(Schema.String) }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId, `room:${input.roomNumber}`] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const before = yield* readReservation(hotelId, input.reservationId)
      yield* client.execute(
        fof.moveRoom({
          hotelId,
          reservationId: input.reservationId,
          roomNumber: input.roomNumber,
          ...(input.oldRoomStatus !== undefined ? { oldRoomStatus: input.oldRoomStatus } : {}),
          ...(input.reason !== undefined ? { reason: input.reason } : {})
        }),
        fof.MoveRoomResponse
      )
      const reservation = yield* readReservation(hotelId, input.reservationId)
      return before.roomNumber === undefined ? { reservation } : { reservation, previousRoomNumber: before.roomNumber }
    }),
  render: ({ previousRoomNumber, reservation }) =>
    `Moved${previousRoomNumber !== undefined ? ` from room ${previousRoomNumber}` : ""}: ${reservationLine(reservation)}`
})
