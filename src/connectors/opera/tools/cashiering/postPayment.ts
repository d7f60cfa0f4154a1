import { Effect, Schema } from "effect"
import { Money, postedLines, PostingLine, postPayment as paymentRequest, PostPaymentResponse } from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { Amount, CardLast4, CardToken, FolioText, FolioWindowNo, moneyText, postingText, ReservationId, windowBalance } from "./shared.js"

const Method = Schema.Literal("CA", "VA", "MC", "AX").annotations({
  description: "Payment method: CA cash, VA Visa, MC MasterCard, AX American Express"
})

const Input = Schema.Struct({
  hotelId: optional(HotelId),
  reservationId: ReservationId,
  method: Method,
  amount: Amount.annotations({ description: "Amount paid, at most the window's open balance" }),
  cardToken: optional(CardToken),
  cardLast4: optional(CardLast4),
  window: optional(FolioWindowNo),
  reference: optional(FolioText("reference", "Short reference shown on the folio, e.g. a receipt number")),
  remark: optional(FolioText("remark", "Remark shown on the folio line"))
}).pipe(
  Schema.filter((input) =>
    input.method === "CA"
      ? (input.cardToken === undefined && input.cardLast4 === undefined) ||
        { path: ["method"], message: "a cash payment takes no cardToken or cardLast4" }
      : (input.cardToken !== undefined && input.cardLast4 !== undefined) ||
        { path: ["cardToken"], message: "a card payment needs cardToken (from the terminal or vault) and cardLast4" }
  )
)

export const postPayment = defineTool({
  name: "post_payment",
  operations: ["csh.postBillingPayment", "csh.getFolio"],
  domain: "cashiering",
  description: "Post a payment (cash, or a card by its token and last four digits, never a card number) to a " +
    "reservation's folio window; it may not exceed the window's balance. Destructive: confirm with the returned token.",
  annotations: { title: "Post payment", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Input,
  output: Schema.Struct({
    reservationId: Schema.String,
    payment: PostingLine,
    windowBalance: Schema.optional(Money)
  }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.reservationId],
      summary: `Post a ${input.method} payment of ${input.amount.toFixed(2)}` +
        (input.cardLast4 !== undefined ? ` (card ending ${input.cardLast4})` : "") +
        ` to window ${input.window ?? 1} of reservation ${input.reservationId} at hotel ${hotelId}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const window = input.window ?? 1
      const body = yield* client.execute(
        paymentRequest({
          hotelId,
          reservationId: input.reservationId,
          paymentMethod: input.method,
          amount: input.amount,
          folioWindowNo: window,
          ...(input.cardToken !== undefined && input.cardLast4 !== undefined
            ? { card: { token: input.cardToken, last4: input.cardLast4 } }
            : {}),
          ...(input.reference !== undefined ? { reference: input.reference } : {}),
          ...(input.remark !== undefined ? { remark: input.remark } : {})
        }),
        PostPaymentResponse
      )
      const posted = postedLines(body)[0]
      if (posted === undefined) return yield* new ToolError({ message: "OPERA accepted the payment but returned no posting." })
      // The card is shown by the digits the caller gave; nothing else of it is kept or returned.
      const payment = { ...posted, ...(input.cardLast4 !== undefined ? { cardLast4: input.cardLast4 } : {}), paymentMethod: input.method }
      const balance = yield* windowBalance(hotelId, input.reservationId, window)
      return { reservationId: input.reservationId, payment, ...(balance !== undefined ? { windowBalance: balance } : {}) }
    }),
  render: (result) =>
    [
      `Payment posted to reservation #${result.reservationId}: ${postingText(result.payment)}`,
      ...(result.windowBalance !== undefined ? [`Window balance now ${moneyText(result.windowBalance)}`] : [])
    ].join("\n")
})
