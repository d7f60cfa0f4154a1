import { Effect, Schema } from "effect"
import { activitiesFromList, ActivitySummary, listActivities as listRequest, ListActivitiesResponse } from "../../client/activities.js"
import { Paging as PagingOutput } from "../../client/schemas/common.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional, Paging } from "../../../../tools/fields.js"
import { pageLine } from "../render.js"
import { readReservation } from "../reservations/getReservation.js"
import { ReservationId } from "../reservations/shared.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { activityLine, ActivityType, today } from "./shared.js"

export const listActivities = defineTool({
  name: "list_activities",
  domain: "activities",
  operations: ["act.getActivities", "rsv.getReservation"],
  description: "List booked activities (spa, golf, dinner, tours) for a date (default today) or a date range, or for " +
    "one reservation's guest over the stay. Returns times, type, purpose and guest profile id, with OHIP paging " +
    "(limit/offset/hasMore).",
  annotations: { title: "List activities", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    date: optional(IsoDate.annotations({ description: "Activities starting on this date (YYYY-MM-DD); default today, or the whole stay with reservationId" })),
    toDate: optional(IsoDate.annotations({ description: "With date: activities starting up to this date (YYYY-MM-DD)" })),
    reservationId: optional(ReservationId.annotations({ description: "Only the activities of this reservation's guest" })),
    types: optional(Schema.Array(ActivityType).pipe(Schema.minItems(1), Schema.maxItems(10)).annotations({ description: "Only these activity types" })),
    includeCompleted: optional(Schema.Boolean.annotations({ description: "false: hide completed activities (default: show all)" })),
    ...Paging
  }).pipe(Schema.filter((input) =>
    input.toDate === undefined || (input.date !== undefined && input.toDate >= input.date) ||
    { path: ["toDate"], message: "needs date, and must not be before it" }
  )),
  output: Schema.Struct({
    from: Schema.String,
    to: Schema.String,
    reservationId: Schema.optional(Schema.String),
    activities: Schema.Array(ActivitySummary),
    paging: PagingOutput
  }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, ...(input.reservationId !== undefined ? { objectIds: [input.reservationId] } : {}) }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const reservation = input.reservationId === undefined ? undefined : yield* readReservation(hotelId, input.reservationId)
      const profileId = reservation?.guest.profileId
      if (reservation !== undefined && profileId === undefined) {
        return yield* new ToolError({ message: `Reservation ${reservation.reservationId} has no guest profile to look activities up by.` })
      }
      const from = input.date ?? reservation?.arrivalDate ?? (yield* today)
      const to = input.toDate ?? (input.date === undefined ? reservation?.departureDate : undefined) ?? from
      const body = yield* client.execute(
        listRequest({
          hotelId,
          startDate: from,
          endDate: to,
          ...(profileId !== undefined ? { contactId: profileId } : {}),
          ...(input.types !== undefined ? { activityTypes: input.types } : {}),
          ...(input.includeCompleted === false ? { completed: false } : {}),
          limit: input.limit,
          offset: input.offset
        }),
        ListActivitiesResponse
      )
      return { from, to, ...(input.reservationId !== undefined ? { reservationId: input.reservationId } : {}), ...activitiesFromList(body) }
    }),
  render: ({ activities, from, paging, reservationId, to }) =>
    [
      `${pageLine(paging, "activities")} — ${from === to ? from : `${from} to ${to}`}${reservationId !== undefined ? `, reservation #${reservationId}` : ""}`,
      ...activities.map(activityLine)
    ].join("\n")
})
