import { Effect, Option, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { createdReservationId, createReservation, CreateReservationResponse, ReservationSummary } from "../../client/reservations.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { Adults, Children, PersonName, RatePlanCode, RoomTypeCode } from "../reservations/shared.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { checkInWithRoom } from "./checkInGuest.js"
import { daysFrom, RoomNumber, today, writes } from "./shared.js"

const Input = Schema.Struct({
  hotelId: optional(HotelId),
  givenName: optional(PersonName("givenName")),
  surname: PersonName("surname"),
  nights: Schema.optionalWith(
    Schema.Int.pipe(Schema.between(1, 30, { message: () => "must be a whole number of nights from 1 to 30" }))
      .annotations({ description: "Nights from today; default 1" }),
    { default: () => 1 }
  ),
  roomType: RoomTypeCode,
  ratePlanCode: Schema.optionalWith(RatePlanCode, { default: () => "BAR" }),
  adults: Schema.optionalWith(Adults, { default: () => 1 }),
  children: optional(Children),
  roomNumber: optional(RoomNumber.annotations({ description: "Room to give the guest; default the first suggested clean room" }))
})

/** Creates the reservation, then assigns and checks in; a failure after booking says what is left to do. */
export const walkInGuest = defineTool({
  name: "walk_in_guest",
  domain: "front-desk",
  operations: ["rsv.postReservation", "fof.getSuggestedRooms", "fof.postRoomAssignment", "fof.postCheckIn"],
  description: "Book and check in a guest who walks in without a reservation: arrival today for the given nights, " +
    "room type and rate plan (default BAR); the room is the one given or the first clean suggested room of the type.",
  annotations: writes("Walk-in guest"),
  touchesGuestData: true,
  reveals: ["name"],
  input: Input,
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const arrivalDate = yield* today
      const created = yield* client.execute(
        createReservation({
          hotelId,
          arrivalDate,
          departureDate: daysFrom(arrivalDate, input.nights),
          roomType: input.roomType,
          ratePlanCode: input.ratePlanCode,
          adults: input.adults,
          ...(input.children !== undefined ? { children: input.children } : {}),
          guest: { surname: input.surname, ...(input.givenName !== undefined ? { givenName: input.givenName } : {}) }
        }),
        CreateReservationResponse
      )
      const reservationId = yield* Option.match(createdReservationId(created), {
        onNone: () => Effect.fail(new ToolError({ message: "OPERA accepted the walk-in booking but did not return its id." })),
        onSome: Effect.succeed
      })
      const checkedIn = Effect.gen(function*() {
        const roomNumber = input.roomNumber ?? (yield* client.execute(
          fof.suggestedRooms({ hotelId, reservationId }),
          fof.SuggestedRoomsResponse
        )).suggestedRoomsType?.find((room) => room.roomId !== undefined)?.roomId
        if (roomNumber === undefined) {
          return yield* new ToolError({ message: `no clean ${input.roomType} room is free tonight` })
        }
        return yield* checkInWithRoom(hotelId, reservationId, roomNumber)
      })
      const reservation = yield* checkedIn.pipe(
        Effect.mapError((error) =>
          new ToolError({
            message: `Reservation ${reservationId} was booked but the guest is not checked in: ${error.message} ` +
              "The reservation stays reserved: assign a clean room and check in, or cancel it."
          })
        )
      )
      return { reservation }
    }),
  render: ({ reservation }) => `Walk-in checked in: ${reservationLine(reservation)}`
})
