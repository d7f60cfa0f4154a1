import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import {
  cancellationFromDetails,
  cancelReservation as cancelRequest,
  CancelReservationResponse
} from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { ReservationId } from "./shared.js"

export const cancelReservation = defineTool({
  name: "cancel_reservation",
  domain: "reservations",
  operations: ["rsv.postCancelReservation"],
  description: "Cancel a reservation. Destructive: the first call answers with what would change and a " +
    "confirmationToken; repeat the same call with that token to cancel.",
  annotations: {
    title: "Cancel reservation",
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: false,
    openWorldHint: true
  },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    reasonCode: optional(Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/)).annotations({
      description: "OPERA cancellation reason code, e.g. CHG (change of plans)"
    })),
    reason: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({
      description: "Free-text reason recorded with the cancellation"
    }))
  }),
  output: Schema.Struct({
    reservationId: Schema.String,
    cancellationNumber: Schema.optional(Schema.String),
    status: Schema.optional(Schema.String)
  }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.reservationId],
      summary: `Cancel reservation ${input.reservationId} at hotel ${hotelId}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        cancelRequest({
          hotelId,
          reservationId: input.reservationId,
          ...(input.reasonCode !== undefined ? { reasonCode: input.reasonCode } : {}),
          ...(input.reason !== undefined ? { reasonDescription: input.reason } : {})
        }),
        CancelReservationResponse
      )
      const cancelled = Option.getOrUndefined(cancellationFromDetails(body))
      if (cancelled === undefined) {
        return yield* new ToolError({ message: "OPERA accepted the cancellation but did not say what it cancelled." })
      }
      return {
        reservationId: cancelled.reservationId,
        ...(cancelled.cancellationNumber !== undefined ? { cancellationNumber: cancelled.cancellationNumber } : {}),
        ...(cancelled.status !== undefined ? { status: cancelled.status } : {})
      }
    }),
  render: (result) =>
    `Cancelled reservation #${result.reservationId}` +
    (result.cancellationNumber !== undefined ? ` (cancellation number ${result.cancellationNumber})` : "")
})
