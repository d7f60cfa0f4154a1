import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { GuestMessageSummary, postGuestMessage as messageRequest, PostGuestMessageResponse, summarizeGuestMessage } from "../../client/reservationExtras.js"
import { hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { missing, OnReservation, reservationFacts } from "./extrasShared.js"

export const messageLine = (message: GuestMessageSummary) =>
  [
    `message ${message.messageId}`,
    message.reservationId !== undefined ? `#${message.reservationId}` : undefined,
    message.roomNumber !== undefined ? `room ${message.roomNumber}` : undefined,
    message.delivered ? "delivered" : "waiting",
    message.createdAt,
    message.text
  ].filter(Boolean).join(" | ")

export const postGuestMessage = defineTool({
  name: "post_guest_message",
  domain: "reservations",
  operations: ["rsv.postGuestMessages"],
  description: "Leave a message for an arriving or in-house guest (shown at the desk and on the room's message light). " +
    "Do not put card numbers or passwords in messages.",
  annotations: { title: "Post guest message", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    ...OnReservation,
    text: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2000)).annotations({ description: "The message for the guest" }),
    from: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(80)).annotations({ description: "Who the message is from, as the guest should read it" })),
    kind: optional(Schema.Literal("Tm", "Vm").annotations({ description: "Tm: text message (default); Vm: voice-mail notice" }))
  }),
  output: Schema.Struct({ message: GuestMessageSummary }),
  facts: (input) => reservationFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        messageRequest({
          hotelId,
          reservationId: input.reservationId,
          text: input.text,
          ...(input.from !== undefined ? { recipient: input.from } : {}),
          ...(input.kind !== undefined ? { kind: input.kind } : {})
        }),
        PostGuestMessageResponse
      )
      const message = Option.flatMap(Option.fromNullable(body.guestMessages?.[0]), summarizeGuestMessage)
      if (Option.isNone(message)) return yield* new ToolError({ message: missing("the new guest message") })
      return { message: message.value }
    }),
  render: ({ message }) => `Left ${messageLine(message)}`
})
