import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import {
  reservationsFromSearch,
  ReservationSummary,
  searchReservations as searchRequest,
  SearchReservationsResponse
} from "../../client/reservations.js"
import { HotelId, hotelFor, IsoDate, optional, Paging } from "../../../../tools/fields.js"
import { pageLine, reservationLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { PagingOutput, ReservationId } from "./shared.js"

const Status = Schema.Literal("DueIn", "DueOut", "InHouse", "CheckedIn", "CheckedOut", "Cancelled", "NoShow", "WaitList")

export const searchReservations = defineTool({
  name: "search_reservations",
  domain: "reservations",
  operations: ["rsv.getHotelReservations"],
  description: "Find reservations at a hotel by arrival or departure dates, guest name, confirmation number " +
    "or status. Returns compact records and OHIP paging (limit/offset/hasMore).",
  annotations: {
    title: "Search reservations",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    arrivalFrom: optional(IsoDate),
    arrivalTo: optional(IsoDate),
    departureFrom: optional(IsoDate),
    departureTo: optional(IsoDate),
    surname: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(80))),
    givenName: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(80))),
    confirmationNumber: optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9-]{1,30}$/))),
    reservationId: optional(ReservationId),
    status: optional(Status.annotations({ description: "Only reservations in this status" })),
    ...Paging
  }),
  output: Schema.Struct({ reservations: Schema.Array(ReservationSummary), paging: PagingOutput }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        searchRequest({
          ...input,
          hotelId,
          ...(input.status !== undefined ? { statuses: [input.status] } : {})
        }),
        SearchReservationsResponse
      )
      return reservationsFromSearch(body)
    }),
  render: ({ reservations, paging }) =>
    [pageLine(paging, "reservations"), ...reservations.map(reservationLine)].join("\n")
})
