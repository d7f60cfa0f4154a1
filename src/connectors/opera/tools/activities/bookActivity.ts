import { Effect, Schema } from "effect"
import { ActivitySummary, bookActivity as bookRequest, BookActivityResponse } from "../../client/activities.js"
import { idFromLinks } from "../../client/schemas/common.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { readReservation } from "../reservations/getReservation.js"
import { ReservationId } from "../reservations/shared.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { activityLine, ActivityType, readActivity, TimeOfDay, wallClockPlus } from "./shared.js"

const closedStatuses: ReadonlyArray<string> = ["Cancelled", "CheckedOut", "NoShow"]

export const bookActivity = defineTool({
  name: "book_activity",
  domain: "activities",
  operations: ["rsv.getReservation", "act.postActivities", "act.getActivity"],
  description: "Book an activity (spa treatment, golf tee time, dinner, tour) for the guest of a reservation on a day " +
    "of the stay. OPERA refuses a slot that is fully booked or overlaps the guest's other activities. Returns the booking.",
  annotations: { title: "Book activity", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    activityType: ActivityType,
    date: IsoDate.annotations({ description: "Day of the activity as YYYY-MM-DD, within the stay" }),
    startTime: TimeOfDay,
    durationMinutes: optional(Schema.Int.pipe(Schema.between(15, 720)).annotations({ description: "Length in minutes (15–720, default 60)" })),
    purpose: optional(Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(100)).annotations({
      description: "What is booked, e.g. Hot stone massage 60 min; default the activity type"
    })),
    notes: optional(Schema.String.pipe(Schema.maxLength(500)).annotations({ description: "Notes for the activity staff" }))
  }),
  output: Schema.Struct({ reservationId: Schema.String, activity: ActivitySummary }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.reservationId],
      summary: `Book ${input.activityType} on ${input.date} at ${input.startTime} for reservation ${input.reservationId} at hotel ${hotelId}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const reservation = yield* readReservation(hotelId, input.reservationId)
      const status = reservation.status ?? ""
      if (closedStatuses.includes(status)) {
        return yield* new ToolError({ message: `Reservation ${input.reservationId} is ${status}: activities can only be booked for an upcoming or in-house stay.` })
      }
      const arrival = reservation.arrivalDate
      const departure = reservation.departureDate
      if (arrival !== undefined && departure !== undefined && (input.date < arrival || input.date > departure)) {
        return yield* new ToolError({ message: `${input.date} is outside the stay of reservation ${input.reservationId} (${arrival} to ${departure}).` })
      }
      const profileId = reservation.guest.profileId
      if (profileId === undefined) {
        return yield* new ToolError({ message: `Reservation ${input.reservationId} has no guest profile to book the activity for.` })
      }
      const body = yield* client.execute(
        bookRequest({
          hotelId,
          activityType: input.activityType,
          purpose: input.purpose ?? input.activityType,
          start: `${input.date}T${input.startTime}`,
          end: wallClockPlus(input.date, input.startTime, input.durationMinutes ?? 60),
          profileId,
          ...(input.notes !== undefined ? { notes: input.notes } : {})
        }),
        BookActivityResponse
      )
      const activityId = idFromLinks(body.links)
      if (activityId === undefined) {
        return yield* new ToolError({ message: "OPERA booked the activity but did not say its id; find it with list_activities." })
      }
      return { reservationId: input.reservationId, activity: yield* readActivity(hotelId, activityId) }
    }),
  render: ({ activity, reservationId }) => `Booked for reservation #${reservationId}: ${activityLine(activity)}`
})
