import { Effect, Schema } from "effect"
import {
  getFinancialPostings as journalRequest,
  GetFinancialPostingsResponse,
  JournalLine,
  journalFromPostings,
  Money
} from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { Paging as PagingOutput } from "../../client/schemas/common.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { pageLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { moneyText, postingText, today } from "./shared.js"

export const getFinancialPostings = defineTool({
  name: "get_financial_postings",
  operations: ["csh.getFinancialPostings"],
  domain: "cashiering",
  description: "List the hotel's financial postings (the cashier journal) for a business date or a range of up to " +
    "30 days: charges and payments with room, reservation and totals. Filter by transaction codes or room; pages of at most 50.",
  annotations: { title: "Get financial postings", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    date: optional(IsoDate.annotations({ description: "Business date (YYYY-MM-DD); default today" })),
    endDate: optional(IsoDate.annotations({ description: "Last date of a range starting at date (YYYY-MM-DD)" })),
    transactionCodes: optional(Schema.Array(Schema.String.pipe(Schema.pattern(/^[A-Z0-9]{1,20}$/))).pipe(
      Schema.maxItems(20),
      Schema.annotations({ description: "Only these transaction codes, e.g. [\"2000\", \"2010\"]" })
    )),
    roomNumber: optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9-]{1,20}$/)).annotations({ description: "Only postings of this room" })),
    limit: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 50)).annotations({ description: "default 50" }), {
      default: () => 50
    }),
    offset: Schema.optionalWith(Schema.Int.pipe(Schema.nonNegative()).annotations({ description: "default 0" }), {
      default: () => 0
    })
  }).pipe(
    Schema.filter((input) =>
      input.endDate === undefined || input.date === undefined || input.endDate >= input.date ||
      { path: ["endDate"], message: "must not be before date" }
    )
  ),
  output: Schema.Struct({
    startDate: Schema.String,
    endDate: Schema.String,
    postings: Schema.Array(JournalLine),
    totals: Schema.Struct({ charges: Schema.optional(Money), payments: Schema.optional(Money), net: Schema.optional(Money) }),
    paging: PagingOutput
  }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const startDate = input.date ?? (yield* today)
      const endDate = input.endDate ?? startDate
      const body = yield* client.execute(
        journalRequest({
          hotelId,
          startDate,
          endDate,
          limit: input.limit,
          offset: input.offset,
          ...(input.transactionCodes !== undefined ? { transactionCodes: input.transactionCodes } : {}),
          ...(input.roomNumber !== undefined ? { roomNumbers: [input.roomNumber] } : {})
        }),
        GetFinancialPostingsResponse
      )
      return { startDate, endDate, ...journalFromPostings(body) }
    }),
  render: (result) =>
    [
      `${pageLine(result.paging, "postings")} (${result.startDate}${result.endDate !== result.startDate ? ` to ${result.endDate}` : ""})`,
      ...result.postings.map((line) =>
        `${postingText(line)}${line.roomNumber !== undefined ? ` | room ${line.roomNumber}` : ""}` +
        `${line.reservationId !== undefined ? ` | res #${line.reservationId}` : ""}`
      ),
      ...(result.totals.net !== undefined ? [`Net of all pages: ${moneyText(result.totals.net)}`] : [])
    ].join("\n")
})
