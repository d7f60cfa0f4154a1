import { Effect, Schema } from "effect"
import * as fof from "../../client/frontDesk.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional, Paging } from "../../../../tools/fields.js"
import { FrontOfficeStatus, readOnly, roomLine, RoomStatus } from "../frontDesk/shared.js"
import { pageLine } from "../render.js"
import { PagingOutput, RoomTypeCode } from "../reservations/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const listRooms = defineTool({
  name: "list_rooms",
  domain: "housekeeping",
  operations: ["fof.getHotelRooms"],
  description: "List the hotel's rooms with housekeeping status (Clean, Dirty, Pickup, Inspected, OutOfOrder, " +
    "OutOfService), front office status (Vacant/Occupied) and today's reservation, filtered by status, room type " +
    "or floor. Returns OHIP paging (limit/offset/hasMore).",
  annotations: readOnly("List rooms"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    statuses: optional(Schema.Array(RoomStatus).pipe(Schema.minItems(1)).annotations({ description: "Only rooms in one of these statuses" })),
    frontOfficeStatus: optional(FrontOfficeStatus.annotations({ description: "Only Vacant or only Occupied rooms" })),
    roomType: optional(RoomTypeCode),
    floor: optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9]{1,5}$/)).annotations({ description: "Floor, e.g. 3" })),
    ...Paging
  }),
  output: Schema.Struct({ rooms: Schema.Array(fof.RoomSummary), paging: PagingOutput }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(fof.hotelRooms({ ...input, hotelId }), fof.HotelRoomsResponse)
      return fof.roomsFromListing(body)
    }),
  render: ({ paging, rooms }) => [pageLine(paging, "rooms"), ...rooms.map(roomLine)].join("\n")
})
