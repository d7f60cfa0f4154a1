import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getRatePlan as ratePlanRequest, GetRatePlanResponse, ratePlansFromInfo, RatePlanSummary } from "../../client/ratePlans.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { RatePlanCode, ratePlanLine, roomTypeFloors } from "./shared.js"

export const getRatePlan = defineTool({
  name: "get_rate_plan",
  operations: ["rtp.getRatePlan"],
  domain: "rates",
  description: "Read one rate plan: description, sell dates, category and market, the room types it sells with " +
    "their lowest nightly amount, included packages and length-of-stay limits.",
  annotations: { title: "Get rate plan", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({ hotelId: optional(HotelId), ratePlanCode: RatePlanCode }),
  output: Schema.Struct({ ratePlan: RatePlanSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.ratePlanCode] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const plans = ratePlansFromInfo(yield* client.execute(ratePlanRequest({ hotelId, ratePlanCode: input.ratePlanCode }), GetRatePlanResponse))
      const ratePlan = plans.find((plan) => plan.ratePlanCode === input.ratePlanCode) ?? plans[0]
      if (ratePlan === undefined) return yield* new ToolError({ message: `OPERA returned no rate plan ${input.ratePlanCode}.` })
      return { ratePlan }
    }),
  render: ({ ratePlan }) =>
    [
      ratePlanLine(ratePlan),
      ...(ratePlan.sellFrom !== undefined ? [`Sold ${ratePlan.sellFrom} to ${ratePlan.sellUntil ?? "open"}`] : []),
      `Room types: ${roomTypeFloors(ratePlan)}`
    ].join("\n")
})
