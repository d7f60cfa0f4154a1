import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { listRatePlans as listRequest, ListRatePlansResponse, ratePlansFromInfo, RatePlanSummary } from "../../client/ratePlans.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { ratePlanLine } from "./shared.js"

export const listRatePlans = defineTool({
  name: "list_rate_plans",
  operations: ["rtp.getRatePlansByHotel"],
  domain: "rates",
  description: "List the hotel's rate plans: code, description, category, market, whether it is the best " +
    "available rate or negotiated, length-of-stay limits and included packages.",
  annotations: { title: "List rate plans", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({ hotelId: optional(HotelId) }),
  output: Schema.Struct({ ratePlans: Schema.Array(RatePlanSummary) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      return { ratePlans: ratePlansFromInfo(yield* client.execute(listRequest({ hotelId }), ListRatePlansResponse)) }
    }),
  render: (result) =>
    result.ratePlans.length === 0 ? "No rate plans found." : result.ratePlans.map(ratePlanLine).join("\n")
})
