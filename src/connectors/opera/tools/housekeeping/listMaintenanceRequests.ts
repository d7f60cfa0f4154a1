import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { readOnly, RoomNumber } from "../frontDesk/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

const opera = { Open: "UnResolved", Resolved: "Resolved", All: "All" } as const

export const maintenanceLine = (entry: hsk.MaintenanceSummary) =>
  [`#${entry.maintenanceId}`, entry.roomNumber !== undefined ? `room ${entry.roomNumber}` : undefined, entry.code, entry.status,
    entry.resolvedOn !== undefined ? `resolved ${entry.resolvedOn}` : undefined, entry.remarks]
    .filter((part) => part !== undefined && part !== "").join(" | ")

export const listMaintenanceRequests = defineTool({
  name: "list_maintenance_requests",
  domain: "housekeeping",
  operations: ["hsk.getRoomMaintenance"],
  description: "List room maintenance requests (engineering work orders): Open (default), Resolved or All, " +
    "optionally for one room.",
  annotations: readOnly("List maintenance requests"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    status: Schema.optionalWith(Schema.Literal("Open", "Resolved", "All"), { default: () => "Open" as const }),
    roomNumber: optional(RoomNumber)
  }),
  output: Schema.Struct({ requests: Schema.Array(hsk.MaintenanceSummary) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        hsk.roomMaintenance({ hotelId, status: opera[input.status], ...(input.roomNumber !== undefined ? { roomNumber: input.roomNumber } : {}) }),
        hsk.RoomMaintenanceResponse
      )
      return { requests: hsk.maintenanceFrom(body) }
    }),
  render: ({ requests }) => requests.length === 0 ? "No maintenance requests." : requests.map(maintenanceLine).join("\n")
})
