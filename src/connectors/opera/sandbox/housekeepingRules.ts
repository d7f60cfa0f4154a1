import { Either } from "effect"
import { addDays } from "./calendar.js"
import { findRoom, holderOf } from "./frontDeskRules.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, businessRule, notFound } from "./ohipErrors.js"
import type { PropertySnapshot } from "./property.js"
import type { HousekeepingStatus, MaintenanceRecord, RepairKind, RoomBoard, RoomRecord } from "./roomBoard.js"
import { maintenanceCodes, occupantOf, repairOn, withRoom } from "./roomBoard.js"

/**
 * Housekeeping rules (hsk) as pure steps over the room board; the property
 * snapshot is only read (who is in a room, who holds it).
 */
type Step<A> = Either.Either<readonly [A, RoomBoard], RouteFailure>

const kindText = (kind: RepairKind) => kind === "OutOfOrder" ? "out of order" : "out of service"

/** putRoomRelatedStatus: sets the housekeeping status of rooms that are not under repair. */
export const setRoomStatus = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  roomIds: ReadonlyArray<string>,
  status: HousekeepingStatus
): Step<ReadonlyArray<RoomRecord>> =>
  Either.gen(function*() {
    let next = board
    const changed: Array<RoomRecord> = []
    for (const roomId of roomIds) {
      const room = yield* findRoom(next, hotelId, roomId)
      const repair = repairOn(room, snapshot.businessDate)
      if (repair !== undefined) {
        return yield* Either.left(businessRule(`Room ${roomId} is ${kindText(repair.kind)}: complete the repair to change its status.`, "ROOM_OUT_OF_ORDER"))
      }
      const updated = { ...room, housekeepingStatus: status }
      next = withRoom(next, updated)
      changed.push(updated)
    }
    return [changed, next] as const
  })

export interface RepairRequest {
  readonly kind: RepairKind
  readonly roomIds: ReadonlyArray<string>
  readonly reasonCode: string
  readonly reasonDescription: string
  readonly remarks: string | undefined
  readonly start: string
  readonly end: string
  readonly returnStatus: HousekeepingStatus
}

/** postOutOfOrderRooms / postOutOfServiceRooms: takes free rooms out of inventory for a date range. */
export const startRepair = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  request: RepairRequest
): Step<ReadonlyArray<RoomRecord>> =>
  Either.gen(function*() {
    if (request.start < snapshot.businessDate) {
      return yield* Either.left(businessRule(`The start date cannot be before the business date ${snapshot.businessDate}.`, "DATE_IN_PAST"))
    }
    if (request.end < request.start) {
      return yield* Either.left(businessRule("The end date must be on or after the start date.", "INVALID_DATE_RANGE"))
    }
    let next = board
    let repairNumber = board.nextRepairNumber
    const changed: Array<RoomRecord> = []
    for (const roomId of request.roomIds) {
      const room = yield* findRoom(next, hotelId, roomId)
      if (room.repair !== undefined) {
        return yield* Either.left(businessRule(`Room ${roomId} is already ${kindText(room.repair.kind)}.`, "ROOM_ALREADY_OUT_OF_ORDER"))
      }
      if (request.start === snapshot.businessDate && occupantOf(snapshot, hotelId, roomId) !== undefined) {
        return yield* Either.left(businessRule(`Room ${roomId} is occupied by an in-house guest.`, "ROOM_OCCUPIED"))
      }
      if (request.kind === "OutOfOrder" && holderOf(snapshot, room, request.start, addDays(request.end, 1), "") !== undefined) {
        return yield* Either.left(businessRule(`Room ${roomId} is assigned to a reservation in that period: unassign it first.`, "ROOM_ASSIGNED"))
      }
      const updated: RoomRecord = {
        ...room,
        repair: {
          kind: request.kind,
          reasonCode: request.reasonCode,
          reasonDescription: request.reasonDescription,
          remarks: request.remarks,
          start: request.start,
          end: request.end,
          returnStatus: request.returnStatus,
          repairId: String(repairNumber++)
        }
      }
      next = withRoom(next, updated)
      changed.push(updated)
    }
    return [changed, { ...next, nextRepairNumber: repairNumber }] as const
  })

/** completeOutOfOrderRooms / completeOutOfServiceRooms: returns rooms to inventory with their return status. */
export const completeRepair = (
  board: RoomBoard,
  hotelId: string,
  kind: RepairKind,
  rooms: ReadonlyArray<{ readonly roomId: string; readonly returnStatus: HousekeepingStatus | undefined }>
): Step<ReadonlyArray<RoomRecord>> =>
  Either.gen(function*() {
    let next = board
    const changed: Array<RoomRecord> = []
    for (const { roomId, returnStatus } of rooms) {
      const room = yield* findRoom(next, hotelId, roomId)
      if (room.repair?.kind !== kind) {
        return yield* Either.left(businessRule(`Room ${roomId} is not ${kindText(kind)}.`, kind === "OutOfOrder" ? "ROOM_NOT_OUT_OF_ORDER" : "ROOM_NOT_OUT_OF_SERVICE"))
      }
      const updated: RoomRecord = { ...room, housekeepingStatus: returnStatus ?? room.repair.returnStatus, repair: undefined }
      next = withRoom(next, updated)
      changed.push(updated)
    }
    return [changed, next] as const
  })

/** postRoomMaintenance: one open request per room, with a known maintenance code. */
export const openMaintenance = (
  board: RoomBoard,
  hotelId: string,
  code: string,
  roomIds: ReadonlyArray<string>,
  remarks: string | undefined,
  nowIso: string
): Step<ReadonlyArray<MaintenanceRecord>> =>
  Either.gen(function*() {
    if (!maintenanceCodes.some((entry) => entry.code === code)) {
      return yield* Either.left(badRequest(`Unknown maintenance code; this hotel uses ${maintenanceCodes.map((entry) => entry.code).join(", ")}.`, "INVALID_MAINTENANCE_CODE"))
    }
    if (roomIds.length === 0) return yield* Either.left(badRequest("criteria.roomIds must name at least one room."))
    let number = board.nextMaintenanceNumber
    const created: Array<MaintenanceRecord> = []
    for (const roomId of roomIds) {
      yield* findRoom(board, hotelId, roomId)
      created.push({ maintenanceId: String(number++), hotelId, roomId, code, remarks, createdAt: nowIso, resolved: undefined })
    }
    return [created, { ...board, maintenance: [...board.maintenance, ...created], nextMaintenanceNumber: number }] as const
  })

/** resolveRoomMaintenance: closes an open request. */
export const resolveMaintenance = (
  board: RoomBoard,
  hotelId: string,
  maintenanceId: string,
  businessDate: string
): Step<MaintenanceRecord> =>
  Either.gen(function*() {
    const found = board.maintenance.find((entry) => entry.maintenanceId === maintenanceId && entry.hotelId === hotelId)
    if (found === undefined) return yield* Either.left(notFound(`Hotel ${hotelId} has no maintenance request with this id.`))
    if (found.resolved !== undefined) {
      return yield* Either.left(businessRule(`Maintenance request ${maintenanceId} is already resolved.`, "MAINTENANCE_ALREADY_RESOLVED"))
    }
    const resolved: MaintenanceRecord = { ...found, resolved: { date: businessDate, user: "SANDBOX" } }
    return [resolved, { ...board, maintenance: board.maintenance.map((entry) => entry === found ? resolved : entry) }] as const
  })
