import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, operaId, optional } from "../../../../tools/fields.js"
import { writes } from "../frontDesk/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const resolveMaintenanceRequest = defineTool({
  name: "resolve_maintenance_request",
  domain: "housekeeping",
  operations: ["hsk.resolveRoomMaintenance"],
  description: "Mark a room maintenance request as resolved (the id comes from list_maintenance_requests).",
  annotations: writes("Resolve maintenance request"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    maintenanceId: operaId("maintenance request", "Maintenance request id, e.g. 900001"),
    remarks: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2000)).annotations({ description: "What was done" }))
  }),
  output: Schema.Struct({ maintenanceId: Schema.String, status: Schema.Literal("Resolved") }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [`maintenance:${input.maintenanceId}`] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(
        hsk.resolveMaintenance({ hotelId, maintenanceId: input.maintenanceId, ...(input.remarks !== undefined ? { remarks: input.remarks } : {}) }),
        hsk.ResolveMaintenanceResponse
      )
      return { maintenanceId: input.maintenanceId, status: "Resolved" as const }
    }),
  render: ({ maintenanceId }) => `Maintenance request #${maintenanceId} resolved.`
})
