import { Effect, Schema } from "effect"
import { pickUpReservation, PickUpReservationResponse } from "../../client/blocks.js"
import { ReservationSummary } from "../../client/reservations.js"
import { idFromLinks } from "../../client/schemas/common.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, operaId, optional } from "../../../../tools/fields.js"
import { reservationLine } from "../render.js"
import { readReservation } from "../reservations/getReservation.js"
import { Adults, Children, PersonName, RoomTypeCode } from "../reservations/shared.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { BlockId, readBlock } from "./shared.js"

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

const Remaining = Schema.Struct({ date: Schema.String, available: Schema.Number })

export const pickUpBlockReservation = defineTool({
  name: "pick_up_block_reservation",
  domain: "blocks",
  operations: ["rsv.postReservationByBlock", "rsv.getReservation", "blk.getBlock"],
  description: "Book a guest into a group block (a pick-up): OPERA creates a reservation at the block's rate and " +
    "takes one room of the type from the block on every night. Returns the reservation and the rooms of that type " +
    "the block still has per night. The stay must fall within the block's dates and before its cut-off.",
  annotations: { title: "Pick up reservation from block", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    blockId: BlockId,
    guest: Guest.annotations({ description: "The guest: { profileId } of an existing profile, or { givenName, surname } for a new guest" }),
    arrivalDate: IsoDate,
    departureDate: IsoDate,
    roomType: RoomTypeCode,
    adults: Adults,
    children: optional(Children)
  }).pipe(Schema.filter((input) => input.departureDate > input.arrivalDate || { path: ["departureDate"], message: "must be after arrivalDate" })),
  output: Schema.Struct({ blockId: Schema.String, reservation: ReservationSummary, remaining: Schema.Array(Remaining) }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.blockId, ...(input.guest.profileId !== undefined ? [input.guest.profileId] : [])],
      summary: `Pick up a ${input.roomType} reservation from block ${input.blockId} at hotel ${hotelId}, ${input.arrivalDate} to ${input.departureDate}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const guest = input.guest.profileId !== undefined
        ? { profileId: input.guest.profileId }
        : { surname: input.guest.surname ?? "", ...(input.guest.givenName !== undefined ? { givenName: input.guest.givenName } : {}) }
      const body = yield* client.execute(
        pickUpReservation({
          hotelId,
          blockId: input.blockId,
          arrivalDate: input.arrivalDate,
          departureDate: input.departureDate,
          roomType: input.roomType,
          adults: input.adults,
          ...(input.children !== undefined ? { children: input.children } : {}),
          guest
        }),
        PickUpReservationResponse
      )
      const reservationId = idFromLinks(body.links)
      if (reservationId === undefined) {
        return yield* new ToolError({ message: "OPERA booked the pick-up but did not say the reservation id; find it with search_reservations." })
      }
      const reservation = yield* readReservation(hotelId, reservationId)
      const block = yield* readBlock(hotelId, input.blockId, { startDate: input.arrivalDate })
      const remaining = block.grid
        .filter((cell) => cell.roomType === input.roomType && cell.date >= input.arrivalDate && cell.date < input.departureDate)
        .map((cell) => ({ date: cell.date, available: cell.available }))
      return { blockId: input.blockId, reservation, remaining }
    }),
  render: ({ blockId, remaining, reservation }) =>
    [
      `Picked up from block ${blockId}: ${reservationLine(reservation)}`,
      ...(remaining.length === 0 ? [] : [`Block still has ${reservation.roomType ?? "this type"}: ${remaining.map((night) => `${night.date} ${night.available}`).join(", ")}`])
    ].join("\n")
})
