import { Schema } from "effect"
import type { Paging } from "./common.js"
import { defined } from "./common.js"
import type { HousekeepingBoard, RepairRooms, RoomMaintenanceDetails, TaskAssignment } from "./housekeeping.js"
import type { RoomSummary } from "./rooms.js"
import { summarizeRoom } from "./rooms.js"

/** Compact housekeeping records for an AI assistant, and the mappings from OHIP bodies to them. */
export const StatusCount = Schema.Struct({ status: Schema.String, rooms: Schema.Number })

/** getHousekeepingOverview answer → counts per status, the rooms of the page, and paging. */
export const overviewFromBoard = (body: typeof HousekeepingBoard.Type): {
  readonly counts: ReadonlyArray<typeof StatusCount.Type>
  readonly rooms: ReadonlyArray<RoomSummary>
  readonly paging: Paging
} => {
  const info = body.housekeepingRoomInfo
  const rooms = (info?.housekeepingRooms?.room ?? []).flatMap(summarizeRoom)
  const offset = info?.offset ?? 0
  const totalResults = info?.totalResults ?? offset + rooms.length
  return {
    counts: (body.housekeepingRoomStatusInfoList ?? []).flatMap((entry) =>
      entry.housekeepingRoomStatus === undefined ? [] : [{ status: entry.housekeepingRoomStatus, rooms: entry.numberOfRooms ?? 0 }]
    ),
    rooms,
    paging: {
      offset,
      limit: info?.limit ?? rooms.length,
      hasMore: info?.hasMore ?? offset + rooms.length < totalResults,
      totalResults,
      count: info?.count ?? rooms.length
    }
  }
}

/** getOutOfOrderRooms / getOutOfServiceRooms answer → rooms with their repair. */
export const roomsUnderRepair = (body: typeof RepairRooms.Type): ReadonlyArray<RoomSummary> =>
  (body.housekeepingRooms?.room ?? []).flatMap(summarizeRoom)

export const TaskSheetSummary = Schema.Struct({
  sheetNumber: Schema.Number,
  attendant: Schema.optional(Schema.String),
  floor: Schema.optional(Schema.String),
  instructions: Schema.optional(Schema.String),
  roomCount: Schema.Number,
  rooms: Schema.Array(Schema.Struct({
    roomNumber: Schema.String,
    status: Schema.optional(Schema.String),
    frontOfficeStatus: Schema.optional(Schema.String),
    reservationStatus: Schema.optional(Schema.String)
  }))
})
export type TaskSheetSummary = typeof TaskSheetSummary.Type

/** getHouseKeepingTasks answer → one record per task sheet. */
export const taskSheetsFrom = (body: typeof TaskAssignment.Type): ReadonlyArray<TaskSheetSummary> =>
  (body.taskAssignmentInfo ?? []).flatMap((assignment) => assignment.taskSheets ?? []).map((sheet, index) => {
    const rooms = (sheet.rooms ?? []).flatMap(summarizeRoom).map((room) =>
      defined({
        roomNumber: room.roomNumber,
        status: room.status,
        frontOfficeStatus: room.frontOfficeStatus,
        reservationStatus: room.reservationStatus
      })
    )
    return defined({
      sheetNumber: sheet.sheetNumber ?? index + 1,
      attendant: sheet.attendant?.attendantName,
      floor: sheet.attendant?.floor,
      instructions: sheet.taskInstructions,
      roomCount: sheet.roomCount ?? rooms.length,
      rooms
    })
  })

export const MaintenanceSummary = Schema.Struct({
  maintenanceId: Schema.String,
  roomNumber: Schema.optional(Schema.String),
  code: Schema.optional(Schema.String),
  remarks: Schema.optional(Schema.String),
  status: Schema.Literal("Open", "Resolved"),
  resolvedOn: Schema.optional(Schema.String),
  createdAt: Schema.optional(Schema.String)
})
export type MaintenanceSummary = typeof MaintenanceSummary.Type

/** getRoomMaintenance answer → one record per maintenance request. */
export const maintenanceFrom = (body: typeof RoomMaintenanceDetails.Type): ReadonlyArray<MaintenanceSummary> =>
  (body.roomMaintenance?.roomMaintenance ?? []).flatMap((entry) =>
    entry.maintenanceId?.id === undefined ? [] : [defined({
      maintenanceId: entry.maintenanceId.id,
      roomNumber: entry.roomInfo?.roomId,
      code: entry.maintenanceCode,
      remarks: entry.remarks,
      status: entry.resolveInfo === undefined ? "Open" as const : "Resolved" as const,
      resolvedOn: entry.resolveInfo?.resolveDate,
      createdAt: entry.createDateTime
    })]
  )
