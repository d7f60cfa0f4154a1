import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { ActivityEntry, activityFrom, getReservationActivityLog as activityRequest, GetReservationActivityLogResponse } from "../../client/reservationExtras.js"
import { hotelFor, IsoDate, optional, Paging } from "../../../../tools/fields.js"
import { pageLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnReservation, plusDays, reservationFacts, today } from "./extrasShared.js"
import { PagingOutput } from "./shared.js"

export const getReservationActivityLog = defineTool({
  name: "get_reservation_activity_log",
  domain: "reservations",
  operations: ["rsv.getReservationActivityLog"],
  description: "What happened to a reservation and when (created, changed, cancelled, packages, links, messages) " +
    "over at most 90 days; defaults to the last 90 days. OHIP paging passed through.",
  annotations: { title: "Get reservation activity log", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    ...OnReservation,
    fromDate: optional(IsoDate.annotations({ description: "From date (YYYY-MM-DD); defaults to 89 days before toDate" })),
    toDate: optional(IsoDate.annotations({ description: "To date (YYYY-MM-DD); defaults to today" })),
    ...Paging
  }).pipe(Schema.filter((input) =>
    input.fromDate === undefined || input.toDate === undefined || input.toDate >= input.fromDate ||
    { path: ["toDate"], message: "must not be before fromDate" }
  )),
  output: Schema.Struct({ reservationId: Schema.String, entries: Schema.Array(ActivityEntry), paging: PagingOutput }),
  facts: (input) => reservationFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const toDate = input.toDate ?? (yield* today)
      const fromDate = input.fromDate ?? plusDays(toDate, -89)
      const body = yield* client.execute(
        activityRequest({ hotelId, reservationId: input.reservationId, fromDate, toDate, limit: input.limit, offset: input.offset }),
        GetReservationActivityLogResponse
      )
      return { reservationId: input.reservationId, ...activityFrom(body) }
    }),
  render: ({ entries, paging, reservationId }) =>
    [
      `Activity of reservation #${reservationId}: ${pageLine(paging, "entries")}`,
      ...entries.map((entry) => [entry.loggedAt, entry.action, entry.description, entry.user].filter(Boolean).join(" | "))
    ].join("\n")
})
