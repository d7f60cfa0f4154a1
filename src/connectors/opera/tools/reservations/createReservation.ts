import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import {
  createdReservationId,
  createReservation as createRequest,
  CreateReservationResponse,
  ReservationSummary
} from "../../client/reservations.js"
import { HotelId, hotelFor, IsoDate, operaId, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { readReservation } from "./getReservation.js"
import { Adults, Children, PersonName, RatePlanCode, RoomTypeCode } from "./shared.js"

const Guest = Schema.Struct({
  profileId: optional(operaId("profile", "OPERA profile id of an existing guest")),
  givenName: optional(PersonName("givenName")),
  surname: optional(PersonName("surname"))
}).pipe(
  Schema.filter((guest) =>
    (guest.profileId !== undefined) !== (guest.surname !== undefined) ||
    "give either profileId (an existing guest) or surname and optionally givenName (a new guest)"
  )
)

const guestOf = (guest: typeof Guest.Type) =>
  guest.profileId !== undefined
    ? { profileId: guest.profileId }
    : { surname: guest.surname ?? "", ...(guest.givenName !== undefined ? { givenName: guest.givenName } : {}) }

const Input = Schema.Struct({
  hotelId: optional(HotelId),
  guest: Guest.annotations({
    description: "The guest: { profileId } of an existing profile, or { givenName, surname } for a new guest"
  }),
  arrivalDate: IsoDate,
  departureDate: IsoDate,
  roomType: RoomTypeCode,
  ratePlanCode: RatePlanCode,
  adults: Adults,
  children: optional(Children),
  guaranteeCode: optional(Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/))),
  rateAmount: optional(Schema.Number.pipe(Schema.positive(), Schema.lessThanOrEqualTo(100_000)).annotations({
    description: "Nightly rate before tax; omit to let OPERA price the rate plan"
  }))
}).pipe(
  Schema.filter((input) =>
    input.departureDate > input.arrivalDate || {
      path: ["departureDate"],
      message: "must be after arrivalDate"
    }
  )
)

export const createReservation = defineTool({
  name: "create_reservation",
  domain: "reservations",
  operations: ["rsv.postReservation", "rsv.getReservation"],
  description: "Book a room: creates a reservation for an existing guest profile or a new guest, " +
    "for the given dates, room type and rate plan. Returns the new reservation.",
  annotations: {
    title: "Create reservation",
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: true
  },
  touchesGuestData: true,
  reveals: ["name"],
  input: Input,
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(createRequest({ ...input, hotelId, guest: guestOf(input.guest) }), CreateReservationResponse)
      const reservationId = yield* Option.match(createdReservationId(body), {
        onNone: () => Effect.fail(new ToolError({ message: "OPERA accepted the booking but returned no reservation id." })),
        onSome: Effect.succeed
      })
      return { reservation: yield* readReservation(hotelId, reservationId) }
    }),
  render: ({ reservation }) => `Created: ${reservationLine(reservation)}`
})
