import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getGuestMessages as messagesRequest, GetGuestMessagesResponse, GuestMessageSummary, messagesFrom } from "../../client/reservationExtras.js"
import { HotelId, hotelFor, optional, Paging } from "../../../../tools/fields.js"
import { pageLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { messageLine } from "./postGuestMessage.js"
import { PagingOutput, ReservationId } from "./shared.js"

export const getGuestMessages = defineTool({
  name: "get_guest_messages",
  domain: "reservations",
  operations: ["rsv.getGuestMessages"],
  description: "List guest messages at a hotel, for one reservation or all; optionally only those not yet delivered. OHIP paging passed through.",
  annotations: { title: "Get guest messages", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: optional(ReservationId),
    undeliveredOnly: Schema.optionalWith(Schema.Boolean.annotations({ description: "Only messages not yet delivered (default false)" }), { default: () => false }),
    ...Paging
  }),
  output: Schema.Struct({ messages: Schema.Array(GuestMessageSummary), paging: PagingOutput }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, ...(input.reservationId !== undefined ? { objectIds: [input.reservationId] } : {}) }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(messagesRequest({ ...input, hotelId }), GetGuestMessagesResponse)
      return messagesFrom(body)
    }),
  render: ({ messages, paging }) => [pageLine(paging, "messages"), ...messages.map(messageLine)].join("\n")
})
