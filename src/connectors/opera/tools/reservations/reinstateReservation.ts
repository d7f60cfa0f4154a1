import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { reinstateReservation as reinstateRequest, ReinstateReservationResponse, ReservationSummary } from "../../client/reservations.js"
import { hotelFor } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnReservation, reservationFacts } from "./extrasShared.js"
import { readReservation } from "./getReservation.js"

export const reinstateReservation = defineTool({
  name: "reinstate_reservation",
  domain: "reservations",
  operations: ["rsv.putReinstateReservation", "rsv.getReservation"],
  description: "Bring a cancelled reservation back to reserved, if its arrival date has not passed. " +
    "Returns the reservation as OPERA now holds it.",
  annotations: { title: "Reinstate reservation", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct(OnReservation),
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) => reservationFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(reinstateRequest({ hotelId, reservationId: input.reservationId }), ReinstateReservationResponse)
      return { reservation: yield* readReservation(hotelId, input.reservationId) }
    }),
  render: ({ reservation }) => `Reinstated: ${reservationLine(reservation)}`
})
