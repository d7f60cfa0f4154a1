import { Effect, Option, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { ReservationSummary } from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { ReservationId, RoomNumber, writes } from "./shared.js"

/** Assigns the room when one is given, then checks in: fof postRoomAssignment, fof postCheckIn. */
export const checkInWithRoom = (hotelId: string, reservationId: string, roomNumber: string | undefined) =>
  Effect.gen(function*() {
    const client = yield* OperaClient
    if (roomNumber !== undefined) {
      yield* client.execute(fof.assignRoom({ hotelId, reservationId, roomNumber }), fof.AssignRoomResponse)
    }
    const body = yield* client.execute(
      fof.checkIn({ hotelId, reservationId, ...(roomNumber !== undefined ? { roomNumber } : {}) }),
      fof.CheckInResponse
    )
    return yield* Option.match(fof.reservationFromCheckIn(body), {
      onNone: () => Effect.fail(new ToolError({ message: `OPERA checked in reservation ${reservationId} but did not return it.` })),
      onSome: Effect.succeed
    })
  })

export const checkInGuest = defineTool({
  name: "check_in_guest",
  domain: "front-desk",
  operations: ["fof.postRoomAssignment", "fof.postCheckIn"],
  description: "Check in a reservation arriving today. Give roomNumber to assign that room first; otherwise the " +
    "reservation's assigned room is used. OPERA refuses when no room is assigned or the room is not Clean/Inspected " +
    "and vacant (use get_suggested_rooms to find one).",
  annotations: writes("Check in guest"),
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    roomNumber: optional(RoomNumber.annotations({ description: "Room to assign before check-in, e.g. 101" }))
  }),
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId] }))),
  handler: (input) =>
    hotelFor(input.hotelId).pipe(
      Effect.flatMap((hotelId) => checkInWithRoom(hotelId, input.reservationId, input.roomNumber)),
      Effect.map((reservation) => ({ reservation }))
    ),
  render: ({ reservation }) => `Checked in: ${reservationLine(reservation)}`
})
