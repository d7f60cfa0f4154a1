import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { ReservationSummary } from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { readReservation } from "../reservations/getReservation.js"
import { defineTool } from "../../../../tools/Tool.js"
import { ReservationId, RoomNumber, writes } from "./shared.js"

export const assignRoom = defineTool({
  name: "assign_room",
  domain: "front-desk",
  operations: ["fof.postRoomAssignment", "rsv.getReservation"],
  description: "Assign a room to a reservation that has not checked in yet. The room must be of the reservation's " +
    "room type and free for the stay (get_suggested_rooms lists candidates). For an in-house guest use move_room.",
  annotations: writes("Assign room"),
  touchesGuestData: false,
  input: Schema.Struct({ hotelId: optional(HotelId), reservationId: ReservationId, roomNumber: RoomNumber }),
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId, `room:${input.roomNumber}`] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(fof.assignRoom({ hotelId, reservationId: input.reservationId, roomNumber: input.roomNumber }), fof.AssignRoomResponse)
      return { reservation: yield* readReservation(hotelId, input.reservationId) }
    }),
  render: ({ reservation }) => `Room assigned: ${reservationLine(reservation)}`
})
