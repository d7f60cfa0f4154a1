import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { ReservationSummary } from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { readReservation } from "../reservations/getReservation.js"
import { defineTool } from "../../../../tools/Tool.js"
import { ReservationId, writes } from "./shared.js"

export const checkOutGuest = defineTool({
  name: "check_out_guest",
  domain: "front-desk",
  operations: ["csh.postCheckOut", "rsv.getReservation"],
  description: "Check out an in-house reservation; its room becomes vacant and dirty. Destructive: the first call " +
    "answers with what would change and a confirmationToken; repeat the same call with that token to check out.",
  annotations: writes("Check out guest", { destructive: true }),
  touchesGuestData: true,
  input: Schema.Struct({ hotelId: optional(HotelId), reservationId: ReservationId }),
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.reservationId],
      summary: `Check out reservation ${input.reservationId} at hotel ${hotelId}; its room becomes vacant and dirty.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(fof.checkOut({ hotelId, reservationId: input.reservationId }), fof.CheckOutResponse)
      return { reservation: yield* readReservation(hotelId, input.reservationId) }
    }),
  render: ({ reservation }) =>
    `Checked out: ${reservationLine(reservation)}` +
    (reservation.roomNumber !== undefined ? `\nRoom ${reservation.roomNumber} is now vacant and dirty.` : "")
})
