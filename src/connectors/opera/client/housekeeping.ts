import type { OperaRequest } from "./OperaRequest.js"
import { defined } from "./schemas/common.js"
import {
  HousekeepingBoard,
  HousekeepingStatusAnswer,
  RepairRooms,
  RoomMaintenanceDetails,
  TaskAssignment
} from "./schemas/housekeeping.js"

/**
 * OHIP housekeeping (hsk): one pure request builder per operation, with the
 * Schema its answer decodes with. Inputs are already-decoded tool arguments.
 */
export * from "./schemas/housekeepingSummary.js"

export type HousekeepingStatus = "Clean" | "Dirty" | "Pickup" | "Inspected"
export type RepairKind = "OutOfOrder" | "OutOfService"

/** hsk putRoomRelatedStatus. */
export const setRoomStatus = (input: {
  readonly hotelId: string
  readonly roomNumbers: ReadonlyArray<string>
  readonly status: HousekeepingStatus
}): OperaRequest => ({
  module: "hsk",
  operationId: "putRoomRelatedStatus",
  method: "PUT",
  template: "/hotels/{hotelId}/rooms/status",
  params: { hotelId: input.hotelId },
  body: { roomList: input.roomNumbers.map((roomId) => ({ roomId })), housekeepingRoomStatus: input.status },
  hotelId: input.hotelId
})
export const SetRoomStatusResponse = HousekeepingStatusAnswer

const repairPath = (kind: RepairKind) =>
  kind === "OutOfOrder" ? "/hotels/{hotelId}/rooms/outOfOrderRooms" : "/hotels/{hotelId}/rooms/outOfServiceRooms"

/** hsk getOutOfOrderRooms / getOutOfServiceRooms. */
export const repairRooms = (input: {
  readonly hotelId: string
  readonly kind: RepairKind
  readonly from: string
  readonly to?: string
  readonly roomNumber?: string
}): OperaRequest => ({
  module: "hsk",
  operationId: input.kind === "OutOfOrder" ? "getOutOfOrderRooms" : "getOutOfServiceRooms",
  method: "GET",
  template: repairPath(input.kind),
  params: { hotelId: input.hotelId },
  query: defined({ startDate: input.from, endDate: input.to, roomId: input.roomNumber }),
  hotelId: input.hotelId
})
export const RepairRoomsResponse = RepairRooms

/** hsk postOutOfOrderRooms / postOutOfServiceRooms. */
export const startRepair = (input: {
  readonly hotelId: string
  readonly kind: RepairKind
  readonly roomNumbers: ReadonlyArray<string>
  readonly reasonCode: string
  readonly reason?: string
  readonly remarks?: string
  readonly from: string
  readonly to: string
  readonly returnStatus: HousekeepingStatus
}): OperaRequest => ({
  module: "hsk",
  operationId: input.kind === "OutOfOrder" ? "postOutOfOrderRooms" : "postOutOfServiceRooms",
  method: "POST",
  template: repairPath(input.kind),
  params: { hotelId: input.hotelId },
  body: {
    criteria: {
      roomRangeList: {
        roomIds: input.roomNumbers,
        roomOutOfOrder: defined({
          repairRemarks: input.remarks,
          returnStatus: input.returnStatus,
          reasonCode: input.reasonCode,
          reasonDescription: input.reason,
          start: input.from,
          end: input.to
        })
      }
    }
  },
  hotelId: input.hotelId
})
export const StartRepairResponse = HousekeepingStatusAnswer

/** hsk completeOutOfOrderRooms / completeOutOfServiceRooms. */
export const completeRepair = (input: {
  readonly hotelId: string
  readonly kind: RepairKind
  readonly roomNumber: string
  readonly returnStatus?: HousekeepingStatus
}): OperaRequest => ({
  module: "hsk",
  operationId: input.kind === "OutOfOrder" ? "completeOutOfOrderRooms" : "completeOutOfServiceRooms",
  method: "PUT",
  template: repairPath(input.kind),
  params: { hotelId: input.hotelId },
  body: {
    criteria: {
      roomRepairByRoomNumber: [defined({
        roomId: input.roomNumber,
        roomOutOfOrder: input.returnStatus === undefined ? undefined : { returnStatus: input.returnStatus }
      })]
    }
  },
  hotelId: input.hotelId
})
export const CompleteRepairResponse = HousekeepingStatusAnswer

/** hsk getHousekeepingOverview. */
export const housekeepingOverview = (input: {
  readonly hotelId: string
  readonly statuses?: ReadonlyArray<string>
  readonly frontOfficeStatus?: "Vacant" | "Occupied"
  readonly floor?: string
  readonly limit?: number
  readonly offset?: number
}): OperaRequest => ({
  module: "hsk",
  operationId: "getHousekeepingOverview",
  method: "GET",
  template: "/hotels/{hotelId}/housekeepingOverview",
  params: { hotelId: input.hotelId },
  query: defined({
    housekeepingRoomStatus: input.statuses,
    frontOfficeRoomStatus: input.frontOfficeStatus === undefined ? undefined : [input.frontOfficeStatus],
    floor: input.floor === undefined ? undefined : [input.floor],
    fetchInstructions: ["Summary", "ResvInfo"],
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const HousekeepingOverviewResponse = HousekeepingBoard

/** hsk getHouseKeepingTasks (OHIP spells the path `houseKeepingtasks`). */
export const housekeepingTasks = (input: { readonly hotelId: string; readonly taskDate: string }): OperaRequest => ({
  module: "hsk",
  operationId: "getHouseKeepingTasks",
  method: "GET",
  template: "/hotels/{hotelId}/houseKeepingtasks",
  params: { hotelId: input.hotelId },
  query: { taskDate: input.taskDate, includeTaskSheetDetails: true, includeTaskSheetsSummary: true },
  hotelId: input.hotelId
})
export const HousekeepingTasksResponse = TaskAssignment

/** hsk getRoomMaintenance. */
export const roomMaintenance = (input: {
  readonly hotelId: string
  readonly status?: "All" | "UnResolved" | "Resolved"
  readonly roomNumber?: string
}): OperaRequest => ({
  module: "hsk",
  operationId: "getRoomMaintenance",
  method: "GET",
  template: "/hotels/{hotelId}/rooms/maintenances",
  params: { hotelId: input.hotelId },
  query: defined({ roomMaintenanceStatus: input.status, roomId: input.roomNumber }),
  hotelId: input.hotelId
})
export const RoomMaintenanceResponse = RoomMaintenanceDetails

/** hsk postRoomMaintenance. */
export const createMaintenance = (input: {
  readonly hotelId: string
  readonly code: string
  readonly roomNumber: string
  readonly remarks?: string
}): OperaRequest => ({
  module: "hsk",
  operationId: "postRoomMaintenance",
  method: "POST",
  template: "/hotels/{hotelId}/rooms/maintenanceCodes/{maintenanceCode}",
  params: { hotelId: input.hotelId, maintenanceCode: input.code },
  body: {
    criteria: defined({ maintenanceCode: input.code, remarks: input.remarks, roomIds: [input.roomNumber], hotelId: input.hotelId }),
    includeDetails: false
  },
  hotelId: input.hotelId
})
export const CreateMaintenanceResponse = HousekeepingStatusAnswer

/** hsk resolveRoomMaintenance (OHIP spells the parameter `mainteananceId`). */
export const resolveMaintenance = (input: {
  readonly hotelId: string
  readonly maintenanceId: string
  readonly remarks?: string
}): OperaRequest => ({
  module: "hsk",
  operationId: "resolveRoomMaintenance",
  method: "PUT",
  template: "/hotels/{hotelId}/maintenances/{mainteananceId}/resolve",
  params: { hotelId: input.hotelId, mainteananceId: input.maintenanceId },
  body: {
    criteria: defined({ maintenanceId: { id: input.maintenanceId, type: "Maintenance" }, remarks: input.remarks, hotelId: input.hotelId })
  },
  hotelId: input.hotelId
})
export const ResolveMaintenanceResponse = HousekeepingStatusAnswer
