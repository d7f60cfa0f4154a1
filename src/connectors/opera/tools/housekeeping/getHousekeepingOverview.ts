import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { RoomSummary } from "../../client/schemas/rooms.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional, Paging } from "../../../../tools/fields.js"
import { FrontOfficeStatus, readOnly, roomLine, RoomStatus } from "../frontDesk/shared.js"
import { pageLine } from "../render.js"
import { PagingOutput } from "../reservations/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const getHousekeepingOverview = defineTool({
  name: "get_housekeeping_overview",
  domain: "housekeeping",
  operations: ["hsk.getHousekeepingOverview"],
  description: "The housekeeping board: how many rooms are Clean, Dirty, Pickup, Inspected, out of order or out of " +
    "service, and the rooms themselves (filtered by status, front office status or floor), with OHIP paging.",
  annotations: readOnly("Housekeeping overview"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    statuses: optional(Schema.Array(RoomStatus).pipe(Schema.minItems(1)).annotations({ description: "Only rooms in one of these statuses" })),
    frontOfficeStatus: optional(FrontOfficeStatus),
    floor: optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9]{1,5}$/)).annotations({ description: "Floor, e.g. 2" })),
    ...Paging
  }),
  output: Schema.Struct({ counts: Schema.Array(hsk.StatusCount), rooms: Schema.Array(RoomSummary), paging: PagingOutput }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(hsk.housekeepingOverview({ ...input, hotelId }), hsk.HousekeepingOverviewResponse)
      return hsk.overviewFromBoard(body)
    }),
  render: ({ counts, paging, rooms }) =>
    [
      `Housekeeping: ${counts.map((entry) => `${entry.status} ${entry.rooms}`).join(", ") || "no rooms"}`,
      pageLine(paging, "rooms"),
      ...rooms.map(roomLine)
    ].join("\n")
})
