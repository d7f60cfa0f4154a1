import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { RoomTypeCode } from "../reservations/shared.js"
import { defineTool } from "../../../../tools/Tool.js"
import { readOnly, ReservationId } from "./shared.js"

export const getSuggestedRooms = defineTool({
  name: "get_suggested_rooms",
  domain: "front-desk",
  operations: ["fof.getSuggestedRooms"],
  description: "Rooms OPERA suggests for a reservation: vacant, Clean or Inspected rooms of its room type (or of " +
    "roomType) that are free for the whole stay, best first. Use one with assign_room or check_in_guest.",
  annotations: readOnly("Suggested rooms"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    roomType: optional(RoomTypeCode.annotations({ description: "Another room type to look at (an upgrade); default the reservation's" }))
  }),
  output: Schema.Struct({ reservationId: Schema.String, roomNumbers: Schema.Array(Schema.String) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        fof.suggestedRooms({ hotelId, reservationId: input.reservationId, ...(input.roomType !== undefined ? { roomType: input.roomType } : {}) }),
        fof.SuggestedRoomsResponse
      )
      const roomNumbers = (body.suggestedRoomsType ?? []).flatMap((room) => room.roomId === undefined ? [] : [room.roomId])
      return { reservationId: input.reservationId, roomNumbers }
    }),
  render: ({ reservationId, roomNumbers }) =>
    roomNumbers.length === 0
      ? `No free clean room of that type for reservation #${reservationId}.`
      : `Suggested rooms for #${reservationId}: ${roomNumbers.join(", ")}`
})
