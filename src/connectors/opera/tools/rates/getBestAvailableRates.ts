import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { BestRateDay, bestRatesFromDetails, getBestAvailableRates as barRequest, GetBestAvailableRatesResponse } from "../../client/ratePlans.js"
import { Paging as PagingOutput } from "../../client/schemas/common.js"
import { HotelId, hotelFor, IsoDate, optional, Paging } from "../../../../tools/fields.js"
import { pageLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { plusDays, RatePlanCode, today } from "./shared.js"

export const getBestAvailableRates = defineTool({
  name: "get_best_available_rates",
  operations: ["rtp.getBestAvailableRates"],
  domain: "rates",
  description: "Best available rates per arrival date: which rate plans are open and best (cheapest first) for a " +
    "stay of the given length, over up to 90 days. Use get_hotel_availability for the prices of a stay.",
  annotations: {
    title: "Get best available rates",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    startDate: optional(IsoDate.annotations({ description: "First arrival date (YYYY-MM-DD); default today" })),
    endDate: optional(IsoDate.annotations({ description: "Last arrival date (YYYY-MM-DD); default 6 days after startDate" })),
    nights: optional(Schema.Int.pipe(Schema.between(1, 8)).annotations({ description: "Length of stay (1–8 nights, default 1)" })),
    ratePlanCodes: optional(Schema.Array(RatePlanCode).pipe(Schema.maxItems(20))),
    ...Paging
  }).pipe(
    Schema.filter((input) =>
      input.startDate === undefined || input.endDate === undefined || input.endDate >= input.startDate ||
      { path: ["endDate"], message: "must not be before startDate" }
    )
  ),
  output: Schema.Struct({ days: Schema.Array(BestRateDay), paging: PagingOutput }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const startDate = input.startDate ?? (yield* today)
      const body = yield* client.execute(
        barRequest({
          hotelId,
          startDate,
          endDate: input.endDate ?? plusDays(startDate, 6),
          limit: input.limit,
          offset: input.offset,
          ...(input.nights !== undefined ? { nights: input.nights } : {}),
          ...(input.ratePlanCodes !== undefined ? { ratePlanCodes: input.ratePlanCodes } : {})
        }),
        GetBestAvailableRatesResponse
      )
      const days = bestRatesFromDetails(body)
      const offset = body.offset ?? input.offset
      const totalResults = body.totalResults ?? offset + days.length
      return {
        days,
        paging: {
          offset,
          limit: body.limit ?? input.limit,
          hasMore: body.hasMore ?? offset + days.length < totalResults,
          totalResults,
          count: body.count ?? days.length
        }
      }
    }),
  render: (result) =>
    [
      pageLine(result.paging, "days"),
      ...result.days.map((day) =>
        `${day.date}${day.lengthOfStay !== undefined ? ` (${day.lengthOfStay} night${day.lengthOfStay === 1 ? "" : "s"})` : ""}: ` +
        (day.rates.length === 0 ? "no open rate" : day.rates.map((rate) => rate.ratePlanCode).join(" < "))
      )
    ].join("\n")
})
