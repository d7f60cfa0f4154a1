import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getLinkedReservations as linkedRequest, GetLinkedReservationsResponse, linkedFrom } from "../../client/reservationExtras.js"
import { ReservationSummary } from "../../client/reservations.js"
import { hotelFor } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnReservation, reservationFacts } from "./extrasShared.js"

/** The reservations linked with one reservation (its link group, itself included). */
export const readLinked = (hotelId: string, reservationId: string) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(linkedRequest({ hotelId, reservationId }), GetLinkedReservationsResponse)),
    Effect.map(linkedFrom)
  )

export const linkedText = (reservationId: string, linked: ReadonlyArray<ReservationSummary>) =>
  linked.length === 0
    ? `Reservation #${reservationId} is not linked to other reservations.`
    : [`Reservations linked with #${reservationId}:`, ...linked.map(reservationLine)].join("\n")

export const getLinkedReservations = defineTool({
  name: "get_linked_reservations",
  domain: "reservations",
  operations: ["rsv.getLinkedReservations"],
  description: "List the reservations linked with a reservation (travelling together, one party): the link group, itself included.",
  annotations: { title: "Get linked reservations", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct(OnReservation),
  output: Schema.Struct({ reservationId: Schema.String, linked: Schema.Array(ReservationSummary) }),
  facts: (input) => reservationFacts(input),
  handler: (input) =>
    hotelFor(input.hotelId).pipe(
      Effect.flatMap((hotelId) => readLinked(hotelId, input.reservationId)),
      Effect.map((linked) => ({ reservationId: input.reservationId, linked }))
    ),
  render: ({ linked, reservationId }) => linkedText(reservationId, linked)
})
