import { Effect, Schema } from "effect"
import { Money, postCharge as chargeRequest, PostChargeResponse, postedLines, PostingLine } from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { Amount, FolioText, FolioWindowNo, moneyText, postingText, ReservationId, TransactionCode, windowBalance } from "./shared.js"

export const postCharge = defineTool({
  name: "post_charge",
  operations: ["csh.postBillingCharges", "csh.getFolio"],
  domain: "cashiering",
  description: "Post a charge (restaurant, minibar, parking, spa …) to a reservation's folio window. " +
    "Destructive: the first call answers with what would be posted and a confirmationToken; repeat it with the token to post.",
  annotations: { title: "Post charge", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    transactionCode: TransactionCode,
    amount: Amount.annotations({ description: "Unit price in the folio's currency; OPERA posts amount × quantity" }),
    quantity: optional(Schema.Int.pipe(Schema.between(1, 99)).annotations({ description: "How many (1–99, default 1)" })),
    window: optional(FolioWindowNo),
    reference: optional(FolioText("reference", "Short reference shown on the folio, e.g. a check number")),
    remark: optional(FolioText("remark", "Remark shown on the folio line"))
  }),
  output: Schema.Struct({
    reservationId: Schema.String,
    postings: Schema.Array(PostingLine),
    windowBalance: Schema.optional(Money)
  }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.reservationId],
      summary: `Post ${input.quantity ?? 1} × ${input.amount.toFixed(2)} with transaction code ${input.transactionCode} ` +
        `to window ${input.window ?? 1} of reservation ${input.reservationId} at hotel ${hotelId}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const window = input.window ?? 1
      const body = yield* client.execute(
        chargeRequest({
          hotelId,
          reservationId: input.reservationId,
          transactionCode: input.transactionCode,
          amount: input.amount,
          quantity: input.quantity ?? 1,
          folioWindowNo: window,
          ...(input.reference !== undefined ? { reference: input.reference } : {}),
          ...(input.remark !== undefined ? { remark: input.remark } : {})
        }),
        PostChargeResponse
      )
      const postings = postedLines(body)
      if (postings.length === 0) return yield* new ToolError({ message: "OPERA accepted the charge but returned no posting." })
      const balance = yield* windowBalance(hotelId, input.reservationId, window)
      return { reservationId: input.reservationId, postings, ...(balance !== undefined ? { windowBalance: balance } : {}) }
    }),
  render: (result) =>
    [
      `Posted to reservation #${result.reservationId}:`,
      ...result.postings.map((line) => `  ${postingText(line)}`),
      ...(result.windowBalance !== undefined ? [`Window balance now ${moneyText(result.windowBalance)}`] : [])
    ].join("\n")
})
