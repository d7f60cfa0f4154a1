import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { RoomNumber, writes } from "../frontDesk/shared.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { maintenanceLine } from "./listMaintenanceRequests.js"

export const createMaintenanceRequest = defineTool({
  name: "create_maintenance_request",
  domain: "housekeeping",
  operations: ["hsk.postRoomMaintenance", "hsk.getRoomMaintenance"],
  description: "Open a maintenance request for a room with an OPERA maintenance code (e.g. PLUMB plumbing, ELEC " +
    "electrical, HVAC air conditioning, TV, FURN furniture, LOCK door lock) and remarks for engineering.",
  annotations: writes("Create maintenance request"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    roomNumber: RoomNumber,
    code: Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be an OPERA maintenance code in capitals, e.g. PLUMB" }))
      .annotations({ description: "Maintenance code, e.g. PLUMB, ELEC, HVAC, TV, FURN, LOCK" }),
    remarks: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2000)).annotations({ description: "What is wrong" }))
  }),
  output: Schema.Struct({ request: hsk.MaintenanceSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [`room:${input.roomNumber}`] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(
        hsk.createMaintenance({ hotelId, code: input.code, roomNumber: input.roomNumber, ...(input.remarks !== undefined ? { remarks: input.remarks } : {}) }),
        hsk.CreateMaintenanceResponse
      )
      // OHIP answers the creation without the new id: read the room's open requests back.
      const open = hsk.maintenanceFrom(yield* client.execute(
        hsk.roomMaintenance({ hotelId, status: "UnResolved", roomNumber: input.roomNumber }),
        hsk.RoomMaintenanceResponse
      )).filter((entry) => entry.code === input.code)
      const request = open.at(-1)
      if (request === undefined) {
        return yield* new ToolError({ message: `OPERA accepted the request for room ${input.roomNumber} but does not list it.` })
      }
      return { request }
    }),
  render: ({ request }) => `Maintenance request opened: ${maintenanceLine(request)}`
})
