import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { linkReservations as linkRequest, LinkReservationsResponse } from "../../client/reservationExtras.js"
import { ReservationSummary } from "../../client/reservations.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnReservation } from "./extrasShared.js"
import { linkedText, readLinked } from "./getLinkedReservations.js"
import { ReservationId } from "./shared.js"

export const linkReservations = defineTool({
  name: "link_reservations",
  domain: "reservations",
  operations: ["rsv.postReservationLinks", "rsv.getLinkedReservations"],
  description: "Link two reservations of the same hotel (a party travelling together); if one is already in a link group " +
    "the other joins it. Returns the link group.",
  annotations: { title: "Link reservations", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    ...OnReservation,
    linkToReservationId: ReservationId.annotations({ description: "The reservation to link with" })
  }),
  output: Schema.Struct({ reservationId: Schema.String, linked: Schema.Array(ReservationSummary) }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId, input.linkToReservationId] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(linkRequest({ ...input, hotelId }), LinkReservationsResponse)
      return { reservationId: input.reservationId, linked: yield* readLinked(hotelId, input.reservationId) }
    }),
  render: ({ linked, reservationId }) => linkedText(reservationId, linked)
})
