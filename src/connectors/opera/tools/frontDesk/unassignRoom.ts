import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { ReservationSummary } from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { readReservation } from "../reservations/getReservation.js"
import { defineTool } from "../../../../tools/Tool.js"
import { ReservationId, writes } from "./shared.js"

export const unassignRoom = defineTool({
  name: "unassign_room",
  domain: "front-desk",
  operations: ["fof.deleteAssignRoom", "rsv.getReservation"],
  description: "Remove the assigned room from a reservation that has not checked in, so the room can go to another guest.",
  annotations: writes("Unassign room"),
  touchesGuestData: false,
  input: Schema.Struct({ hotelId: optional(HotelId), reservationId: ReservationId }),
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(fof.unassignRoom({ hotelId, reservationId: input.reservationId }), fof.UnassignRoomResponse)
      return { reservation: yield* readReservation(hotelId, input.reservationId) }
    }),
  render: ({ reservation }) => `Room removed: ${reservationLine(reservation)}`
})
