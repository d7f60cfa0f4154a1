import { Schema } from "effect"
import { Links, pagingFields, UniqueId, Warnings } from "./common.js"
import { HotelRoomsList, Room } from "./rooms.js"

/**
 * The parts of hsk.json this project reads or writes, named after the
 * spec's definitions; every field optional as in the spec.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)

export const HousekeepingStatusLiteral = Schema.Literal("Clean", "Dirty", "Pickup", "Inspected")
const RoomStatusLiteral = Schema.Literal("Clean", "Dirty", "Pickup", "Inspected", "OutOfOrder", "OutOfService")

/** Bodies that only carry links and warnings. */
export const HousekeepingStatusAnswer = Schema.Struct({ links: optional(Links), warnings: optional(Warnings) })

/** `housekeepingRoomStatusCriteria` (putRoomRelatedStatus body). */
export const RoomStatusChangeRequest = Schema.Struct({
  roomList: Schema.NonEmptyArray(Schema.Struct({ roomId: Schema.String, reservationId: optional(UniqueId) })),
  housekeepingStatus: optional(Schema.Literal("Vacant", "Occupied")),
  housekeepingRoomStatus: optional(RoomStatusLiteral),
  turndownStatus: optional(Schema.Literal("Required", "NotRequired", "Compeleted"))
})

/** `roomOutOfOrder` inside the repair bodies. */
const RepairDetails = Schema.Struct({
  repairRemarks: text,
  returnStatus: optional(RoomStatusLiteral),
  reasonCode: text,
  reasonDescription: text,
  start: text,
  end: text
})

/** `roomRepairOutOfOrder` / `roomRepairOutOfService` (postOutOfOrderRooms / postOutOfServiceRooms body). */
export const RoomRepairRequest = Schema.Struct({
  criteria: Schema.Struct({
    roomRangeList: Schema.Struct({
      roomIds: optional(Schema.Array(Schema.String)),
      roomOutOfOrder: optional(RepairDetails)
    })
  })
})

/** `completeRoomRepair` (completeOutOfOrderRooms / completeOutOfServiceRooms body). */
export const CompleteRoomRepairRequest = Schema.Struct({
  criteria: Schema.Struct({
    roomRepairByRoomNumber: optional(Schema.Array(Schema.Struct({ roomId: Schema.String, roomOutOfOrder: optional(RepairDetails) }))),
    roomRangeList: optional(Schema.Struct({ roomIds: optional(Schema.Array(Schema.String)), roomOutOfOrder: optional(RepairDetails) }))
  })
})

/** `rooms` (getOutOfOrderRooms / getOutOfServiceRooms 200). */
export const RepairRooms = Schema.Struct({
  housekeepingRooms: optional(HotelRoomsList),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `housekeepingBoard` (getHousekeepingOverview 200). */
export const HousekeepingBoard = Schema.Struct({
  housekeepingRoomInfo: optional(Schema.Struct({ housekeepingRooms: optional(HotelRoomsList), ...pagingFields })),
  housekeepingRoomStatusInfoList: optional(Schema.Array(Schema.Struct({
    housekeepingRoomStatus: text,
    numberOfRooms: optional(Schema.Number)
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `housekeepingTaskType`: one task sheet. */
export const TaskSheet = Schema.Struct({
  taskCodes: optional(Schema.Array(Schema.Struct({ code: text, description: text }))),
  attendant: optional(Schema.Struct({ attendantId: text, attendantName: text, floor: text })),
  rooms: optional(Schema.Array(Room)),
  sheetNumber: optional(Schema.Number),
  date: text,
  roomCount: optional(Schema.Number),
  completedRoomsCount: optional(Schema.Number),
  taskInstructions: text,
  sheetType: text
})

/** `taskAssignment` (getHouseKeepingTasks 200). */
export const TaskAssignment = Schema.Struct({
  taskAssignmentInfo: optional(Schema.Array(Schema.Struct({
    taskCodes: optional(Schema.Array(Schema.Struct({ code: text, description: text }))),
    taskSheets: optional(Schema.Array(TaskSheet)),
    hotelId: text,
    taskDate: text,
    taskSheetsCount: optional(Schema.Number)
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `roomMaintenanceRequest` (postRoomMaintenance body). */
export const RoomMaintenanceRequest = Schema.Struct({
  criteria: Schema.Struct({
    maintenanceCode: text,
    remarks: text,
    roomIds: optional(Schema.Array(Schema.String)),
    hotelId: text
  }),
  includeDetails: flag
})

/** `roomMaintenance` (resolveRoomMaintenance body). */
export const ResolveMaintenanceRequest = Schema.Struct({
  criteria: optional(Schema.Struct({
    maintenanceCode: text,
    remarks: text,
    maintenanceId: optional(UniqueId),
    roomId: text,
    hotelId: text
  }))
})

/** `roomMaintenanceType`. */
export const RoomMaintenance = Schema.Struct({
  maintenanceCode: text,
  remarks: text,
  maintenanceId: optional(UniqueId),
  roomInfo: optional(Room),
  resolveInfo: optional(Schema.Struct({ resolveUser: text, resolveDate: text })),
  createDateTime: text
})

/** `roomMaintenanceDetails` (getRoomMaintenance 200). */
export const RoomMaintenanceDetails = Schema.Struct({
  roomMaintenance: optional(Schema.Struct({ roomMaintenance: optional(Schema.Array(RoomMaintenance)), hotelId: text })),
  links: optional(Links),
  warnings: optional(Warnings)
})
