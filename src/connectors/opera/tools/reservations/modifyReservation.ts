import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { modifyReservation as modifyRequest, ModifyReservationResponse, ReservationSummary } from "../../client/reservations.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { readReservation } from "./getReservation.js"
import { Adults, Children, RatePlanCode, ReservationId, RoomTypeCode } from "./shared.js"

const changeable = ["arrivalDate", "departureDate", "roomType", "ratePlanCode", "adults", "children", "rateAmount"] as const

const Input = Schema.Struct({
  hotelId: optional(HotelId),
  reservationId: ReservationId,
  arrivalDate: optional(IsoDate),
  departureDate: optional(IsoDate),
  roomType: optional(RoomTypeCode),
  ratePlanCode: optional(RatePlanCode),
  adults: optional(Adults),
  children: optional(Children),
  rateAmount: optional(Schema.Number.pipe(Schema.positive(), Schema.lessThanOrEqualTo(100_000)))
}).pipe(
  Schema.filter((input) =>
    changeable.some((field) => input[field] !== undefined) ||
    `give at least one field to change: ${changeable.join(", ")}`
  ),
  Schema.filter((input) =>
    input.arrivalDate === undefined || input.departureDate === undefined || input.departureDate > input.arrivalDate ||
    { path: ["departureDate"], message: "must be after arrivalDate" }
  )
)

export const modifyReservation = defineTool({
  name: "modify_reservation",
  domain: "reservations",
  operations: ["rsv.putReservation", "rsv.getReservation"],
  description: "Change a reservation's dates, room type, rate plan, nightly rate or guest counts; " +
    "only the fields given change. Returns the reservation as OPERA now holds it.",
  annotations: {
    title: "Modify reservation",
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: true,
  input: Input,
  output: Schema.Struct({ reservation: ReservationSummary }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(modifyRequest({ ...input, hotelId }), ModifyReservationResponse)
      return { reservation: yield* readReservation(hotelId, input.reservationId) }
    }),
  render: ({ reservation }) => `Modified: ${reservationLine(reservation)}`
})
