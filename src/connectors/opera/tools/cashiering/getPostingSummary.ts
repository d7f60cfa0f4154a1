import { Effect, Schema } from "effect"
import { getPostingSummary as summaryRequest, GetPostingSummaryResponse, Money } from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { moneyText, today } from "./shared.js"

const SummaryType = Schema.Literal("Postings", "Adjustments", "All")

export const getPostingSummary = defineTool({
  name: "get_posting_summary",
  operations: ["csh.getPostingSummary"],
  domain: "cashiering",
  description: "Summarise one posting date: how many postings were made and their total amount " +
    "(postings, adjustments or all).",
  annotations: { title: "Get posting summary", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    date: optional(IsoDate.annotations({ description: "Posting date (YYYY-MM-DD); default today" })),
    type: optional(SummaryType.annotations({ description: "Postings (default), Adjustments or All" }))
  }),
  output: Schema.Struct({
    date: Schema.String,
    type: SummaryType,
    totalPostings: Schema.Number,
    totalAmount: Money,
    totalChecks: Schema.Number
  }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const date = input.date ?? (yield* today)
      const type = input.type ?? "Postings"
      const body = yield* client.execute(summaryRequest({ hotelId, postingDate: date, summaryType: type }), GetPostingSummaryResponse)
      const summaries = body.postingSummaries ?? []
      const totalAmount = summaries.reduce((sum, entry) => sum + (entry.totalAmount?.amount ?? 0), 0)
      const currencyCode = summaries.find((entry) => entry.totalAmount?.currencyCode !== undefined)?.totalAmount?.currencyCode
      return {
        date,
        type,
        totalPostings: summaries.reduce((sum, entry) => sum + (entry.totalPostings ?? 0), 0),
        totalAmount: { amount: Math.round(totalAmount * 100) / 100, ...(currencyCode !== undefined ? { currencyCode } : {}) },
        totalChecks: summaries.reduce((sum, entry) => sum + (entry.totalCheckCount ?? 0), 0)
      }
    }),
  render: (result) =>
    `${result.type} on ${result.date}: ${result.totalPostings} posting${result.totalPostings === 1 ? "" : "s"}, ` +
    `total ${moneyText(result.totalAmount)}${result.totalChecks > 0 ? `, ${result.totalChecks} checks` : ""}`
})
