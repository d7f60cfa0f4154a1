import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { CancellationEntry, cancellationsFromHistory, getCancellationHistory as historyRequest, GetCancellationHistoryResponse } from "../../client/reservationExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnReservation, reservationFacts } from "./extrasShared.js"

export const getCancellationHistory = defineTool({
  name: "get_cancellation_history",
  domain: "reservations",
  operations: ["rsv.getCancellationHistory"],
  description: "List the cancellations of a reservation: cancellation number, date, reason code and reason.",
  annotations: { title: "Get cancellation history", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct(OnReservation),
  output: Schema.Struct({ reservationId: Schema.String, cancellations: Schema.Array(CancellationEntry) }),
  facts: (input) => reservationFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(historyRequest({ hotelId, reservationId: input.reservationId }), GetCancellationHistoryResponse)
      return { reservationId: input.reservationId, cancellations: cancellationsFromHistory(body) }
    }),
  render: ({ cancellations, reservationId }) =>
    cancellations.length === 0
      ? `Reservation #${reservationId} has never been cancelled.`
      : [
        `Cancellations of reservation #${reservationId}:`,
        ...cancellations.map((entry) =>
          [entry.date, entry.cancellationNumber && `cancellation ${entry.cancellationNumber}`, entry.reasonCode, entry.reason]
            .filter(Boolean).join(" | ")
        )
      ].join("\n")
})
