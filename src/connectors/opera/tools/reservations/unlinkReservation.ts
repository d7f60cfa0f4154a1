import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { unlinkReservation as unlinkRequest, UnlinkReservationResponse } from "../../client/reservationExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnReservation, reservationFacts } from "./extrasShared.js"

export const unlinkReservation = defineTool({
  name: "unlink_reservation",
  domain: "reservations",
  operations: ["rsv.deleteReservationLinks"],
  description: "Take a reservation out of its link group; the reservation itself is not changed.",
  annotations: { title: "Unlink reservation", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct(OnReservation),
  output: Schema.Struct({ reservationId: Schema.String, unlinked: Schema.Boolean }),
  facts: (input) => reservationFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(unlinkRequest({ hotelId, reservationId: input.reservationId }), UnlinkReservationResponse)
      return { reservationId: input.reservationId, unlinked: true }
    }),
  render: (result) => `Reservation #${result.reservationId} is no longer linked to other reservations.`
})
