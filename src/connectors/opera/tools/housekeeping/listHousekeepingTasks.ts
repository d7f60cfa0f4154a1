import { Effect, Schema } from "effect"
import * as hsk from "../../client/housekeeping.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { readOnly, today } from "../frontDesk/shared.js"
import { defineTool } from "../../../../tools/Tool.js"

export const listHousekeepingTasks = defineTool({
  name: "list_housekeeping_tasks",
  domain: "housekeeping",
  operations: ["hsk.getHouseKeepingTasks"],
  description: "Today's housekeeping task sheets: per sheet the attendant, floor and the rooms to service with " +
    "their status. OPERA keeps task sheets for the current business date only.",
  annotations: readOnly("Housekeeping task sheets"),
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    date: optional(IsoDate.annotations({ description: "Task date as YYYY-MM-DD; default today (the business date)" }))
  }),
  output: Schema.Struct({ date: Schema.String, sheets: Schema.Array(hsk.TaskSheetSummary) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const date = input.date ?? (yield* today)
      const body = yield* client.execute(hsk.housekeepingTasks({ hotelId, taskDate: date }), hsk.HousekeepingTasksResponse)
      return { date, sheets: hsk.taskSheetsFrom(body) }
    }),
  render: ({ date, sheets }) =>
    [
      `Task sheets for ${date}: ${sheets.length}`,
      ...sheets.map((sheet) =>
        `sheet ${sheet.sheetNumber} | ${sheet.attendant ?? "unassigned"} | ${sheet.roomCount} rooms: ` +
        (sheet.rooms.map((room) => `${room.roomNumber} ${room.status ?? ""}${room.frontOfficeStatus === "Occupied" ? " (occupied)" : ""}`).join(", ") || "none")
      )
    ].join("\n")
})
