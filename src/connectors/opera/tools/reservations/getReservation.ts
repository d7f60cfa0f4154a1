import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import {
  getReservation as getRequest,
  GetReservationResponse,
  reservationFromEnvelope,
  ReservationSummary
} from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { ReservationId } from "./shared.js"

/** Reads one reservation and maps it; shared by the tools that show a reservation after changing it. */
export const readReservation = (hotelId: string, reservationId: string) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(getRequest({ hotelId, reservationId }), GetReservationResponse)),
    Effect.flatMap((body) =>
      Option.match(reservationFromEnvelope(body), {
        onNone: () => Effect.fail(new ToolError({ message: `OPERA returned no reservation for id ${reservationId}.` })),
        onSome: Effect.succeed
      })
    )
  )

export const getReservation = defineTool({
  name: "get_reservation",
  domain: "reservations",
  operations: ["rsv.getReservation"],
  description: "Read one reservation by its OPERA reservation id: status, guest, stay dates, room, rate and guests.",
  annotations: {
    title: "Get reservation",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: true,
  input: Schema.Struct({ hotelId: optional(HotelId), reservationId: ReservationId }),
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId] }))),
  handler: (input) =>
    hotelFor(input.hotelId).pipe(
      Effect.flatMap((hotelId) => readReservation(hotelId, input.reservationId)),
      Effect.map((reservation) => ({ reservation }))
    ),
  render: ({ reservation }) => reservationLine(reservation)
})
