import { Effect, Schema } from "effect"
import { nightsBetween } from "../calendar.js"
import { DateParam, decodeQuery, single } from "../decode.js"
import { badRequest, businessRule } from "../ohipErrors.js"
import { inventoryStatistics } from "../roomStatistics.js"
import type { SandboxRoute } from "../route.js"

/** Inventory (inv.json, base path /inv/v1). */
const InventoryQuery = Schema.Struct({
  dateRangeStart: single(DateParam),
  dateRangeEnd: single(DateParam),
  reportCode: single(Schema.Literal("DetailedAvailabiltySummary", "RoomCalendarStatistics", "SellLimitSummary", "RoomsAvailabilitySummary"))
})

const hints = {
  dateRangeStart: "a date as YYYY-MM-DD",
  dateRangeEnd: "a date as YYYY-MM-DD",
  reportCode: "DetailedAvailabiltySummary, RoomCalendarStatistics, SellLimitSummary or RoomsAvailabilitySummary"
}

/** The longest range one request may ask for, as OPERA limits statistics queries. */
const maxDays = 31

export const invRoutes: ReadonlyArray<SandboxRoute> = [{
  module: "inv",
  operationId: "getInventoryStatistics",
  method: "GET",
  template: "/hotels/{hotelId}/inventoryStatistics",
  auth: "bearer",
  body: "none",
  handler: (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(InventoryQuery, request.query, hints)
      if (query.reportCode !== "RoomsAvailabilitySummary") {
        return yield* businessRule("This property reports the RoomsAvailabilitySummary inventory statistics only.", "REPORT_CODE_NOT_SUPPORTED")
      }
      const days = nightsBetween(query.dateRangeStart, query.dateRangeEnd) + 1
      if (days < 1) return yield* badRequest("dateRangeEnd must be on or after dateRangeStart.", "INVALID_DATE_RANGE")
      if (days > maxDays) return yield* badRequest(`A date range may cover at most ${maxDays} days.`, "DATE_RANGE_TOO_LONG")
      const snapshot = yield* env.property.snapshot
      const hotelName = snapshot.hotels.find((hotel) => hotel.hotelId === request.hotelId)?.hotelName ?? request.hotelId
      return {
        status: 200,
        body: [{
          statistics: inventoryStatistics(yield* env.property.rooms.snapshot, snapshot, request.hotelId, query.dateRangeStart, query.dateRangeEnd),
          hotelName,
          reportCode: "RoomsAvailabilitySummary",
          description: "Rooms availability summary"
        }]
      }
    })
}]
