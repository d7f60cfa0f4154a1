import { Effect, Schema } from "effect"
import { getRestrictions as restrictionsRequest, GetRestrictionsResponse, RestrictionLine, restrictionLines } from "../../client/availability.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { plusDays, RatePlanCode, RoomTypeCode, today } from "./shared.js"

export const getRestrictions = defineTool({
  name: "get_restrictions",
  operations: ["par.getRestrictionsByDateRange"],
  domain: "rates",
  description: "Selling restrictions in a date range: closed dates, closed to arrival or departure, minimum and " +
    "maximum length of stay, for the whole house, a rate plan or a room type.",
  annotations: { title: "Get restrictions", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    startDate: optional(IsoDate.annotations({ description: "First date (YYYY-MM-DD); default today" })),
    endDate: optional(IsoDate.annotations({ description: "Last date (YYYY-MM-DD); default 30 days after startDate" })),
    ratePlanCode: optional(RatePlanCode),
    roomType: optional(RoomTypeCode)
  }).pipe(
    Schema.filter((input) =>
      input.startDate === undefined || input.endDate === undefined || input.endDate >= input.startDate ||
      { path: ["endDate"], message: "must not be before startDate" }
    )
  ),
  output: Schema.Struct({ startDate: Schema.String, endDate: Schema.String, restrictions: Schema.Array(RestrictionLine) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const startDate = input.startDate ?? (yield* today)
      const endDate = input.endDate ?? plusDays(startDate, 30)
      const body = yield* client.execute(
        restrictionsRequest({
          hotelId,
          startDate,
          endDate,
          ...(input.ratePlanCode !== undefined ? { ratePlanCode: input.ratePlanCode } : {}),
          ...(input.roomType !== undefined ? { roomType: input.roomType } : {})
        }),
        GetRestrictionsResponse
      )
      return { startDate, endDate, restrictions: restrictionLines(body) }
    }),
  render: (result) =>
    result.restrictions.length === 0
      ? `No restrictions from ${result.startDate} to ${result.endDate}.`
      : [
        `Restrictions from ${result.startDate} to ${result.endDate}:`,
        ...result.restrictions.map((line) =>
          `${line.start ?? "?"} → ${line.end ?? "?"} | ${line.code}${line.nights !== undefined ? ` ${line.nights} nights` : ""} | ` +
          `${line.appliesTo} | ${line.weekdays.join(", ")}`
        )
      ].join("\n")
})
