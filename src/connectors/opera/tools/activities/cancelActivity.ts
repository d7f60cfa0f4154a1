import { Effect, Schema } from "effect"
import { ActivitySummary, cancelActivity as cancelRequest, CancelActivityResponse } from "../../client/activities.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { ActivityId, activityLine, readActivity } from "./shared.js"

export const cancelActivity = defineTool({
  name: "cancel_activity",
  domain: "activities",
  operations: ["act.getActivity", "act.deleteActivities"],
  description: "Cancel a booked activity: OPERA deletes it and frees its slot; a completed activity cannot be cancelled. " +
    "Destructive: the first call answers with what would change and a confirmationToken; repeat the same call with that token to cancel.",
  annotations: { title: "Cancel activity", readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({ hotelId: optional(HotelId), activityId: ActivityId }),
  output: Schema.Struct({ cancelled: ActivitySummary }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.activityId],
      summary: `Cancel (delete) activity ${input.activityId} at hotel ${hotelId}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const activity = yield* readActivity(hotelId, input.activityId)
      yield* client.execute(cancelRequest({ hotelId, activityId: input.activityId }), CancelActivityResponse)
      return { cancelled: activity }
    }),
  render: ({ cancelled }) => `Cancelled ${activityLine(cancelled)}`
})
