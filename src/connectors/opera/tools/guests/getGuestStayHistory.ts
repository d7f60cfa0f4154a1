import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getStayHistory, GetStayHistoryResponse, StaySummary, staysFromHistory } from "../../client/profileExtras.js"
import { hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnProfile, profileFacts } from "./profileShared.js"

const stayLine = (stay: StaySummary) =>
  [
    `#${stay.reservationId}`,
    stay.status,
    stay.arrivalDate !== undefined ? `${stay.arrivalDate} → ${stay.departureDate ?? "?"}` : undefined,
    [stay.roomType, stay.roomNumber !== undefined ? `room ${stay.roomNumber}` : undefined].filter(Boolean).join(" "),
    [stay.ratePlanCode, stay.rate !== undefined ? `${stay.rate.amount.toFixed(2)}${stay.rate.currencyCode ? ` ${stay.rate.currencyCode}` : ""}` : undefined].filter(Boolean).join(" ")
  ].filter((part) => part !== undefined && part !== "").join(" | ")

export const getGuestStayHistory = defineTool({
  name: "get_guest_stay_history",
  domain: "guests",
  operations: ["crm.getStayHistory"],
  description: "A guest's past stays (checked out) and future reservations at this hotel, newest first.",
  annotations: { title: "Get guest stay history", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    ...OnProfile,
    limit: optional(Schema.Int.pipe(Schema.between(1, 200)).annotations({ description: "At most this many stays per list (default 20)" }))
  }),
  output: Schema.Struct({ profileId: Schema.String, past: Schema.Array(StaySummary), future: Schema.Array(StaySummary) }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(getStayHistory({ ...input, hotelId }), GetStayHistoryResponse)
      return { profileId: input.profileId, ...staysFromHistory(body) }
    }),
  render: ({ future, past, profileId }) =>
    [
      `Stay history of profile ${profileId}: ${past.length} past, ${future.length} upcoming`,
      ...(past.length > 0 ? ["Past:", ...past.map(stayLine)] : []),
      ...(future.length > 0 ? ["Upcoming:", ...future.map(stayLine)] : [])
    ].join("\n")
})
