import { Effect, Schema } from "effect"
import { transferToWindow, TransferToWindowResponse } from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { FolioWindowNo, ReservationId } from "./shared.js"

const TransactionNo = Schema.Int.pipe(
  Schema.positive({ message: () => "must be a transaction number from the folio" }),
  Schema.annotations({ description: "Transaction number of a posting, as get_folio shows it" })
)

export const transferCharge = defineTool({
  name: "transfer_charge",
  operations: ["csh.transferTransactionToWindow", "csh.getFolio"],
  domain: "cashiering",
  description: "Move postings of a reservation to another folio window (split billing, e.g. company pays room, " +
    "guest pays extras). The postings get new transaction numbers. Destructive: confirm with the returned token.",
  annotations: { title: "Transfer charge", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    transactionNos: Schema.NonEmptyArray(TransactionNo).pipe(
      Schema.maxItems(20),
      Schema.annotations({ description: "The transactions to move (1–20)" })
    ),
    toWindow: FolioWindowNo.annotations({ description: "Target folio window (1–8)" })
  }),
  output: Schema.Struct({
    reservationId: Schema.String,
    toWindow: Schema.Number,
    movedTransactionNos: Schema.Array(Schema.Number),
    newTransactionNos: Schema.Array(Schema.Number)
  }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.reservationId, ...input.transactionNos.map(String)],
      summary: `Move transaction${input.transactionNos.length > 1 ? "s" : ""} ${input.transactionNos.join(", ")} of reservation ` +
        `${input.reservationId} to folio window ${input.toWindow} at hotel ${hotelId}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        transferToWindow({ hotelId, reservationId: input.reservationId, transactionNos: input.transactionNos, targetWindowNo: input.toWindow }),
        TransferToWindowResponse
      )
      return {
        reservationId: input.reservationId,
        toWindow: input.toWindow,
        movedTransactionNos: input.transactionNos,
        newTransactionNos: body.transactions ?? []
      }
    }),
  render: (result) =>
    `Moved ${result.movedTransactionNos.map((number) => `#${number}`).join(", ")} of reservation #${result.reservationId} ` +
    `to window ${result.toWindow}` +
    (result.newTransactionNos.length > 0 ? ` (now ${result.newTransactionNos.map((number) => `#${number}`).join(", ")})` : "")
})
