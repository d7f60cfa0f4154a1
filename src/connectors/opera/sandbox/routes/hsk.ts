import { Clock, Effect, Schema } from "effect"
import {
  CompleteRoomRepairRequest,
  ResolveMaintenanceRequest,
  RoomMaintenanceRequest,
  RoomRepairRequest,
  RoomStatusChangeRequest
} from "../../client/schemas/housekeeping.js"
import { isoDateTimeOf } from "../calendar.js"
import { CsvParam, DateParam, decodeBody, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { completeRepair, openMaintenance, resolveMaintenance, setRoomStatus, startRepair } from "../housekeepingRules.js"
import { badRequest, businessRule } from "../ohipErrors.js"
import { displayStatus, renderMaintenance, renderRoom } from "../render/room.js"
import type { HousekeepingStatus, RepairKind } from "../roomBoard.js"
import { occupantOf, repairReasons, roomsOf } from "../roomBoard.js"
import { taskSheets } from "../roomStatistics.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"
import { bearerRoute } from "../route.js"

/** Housekeeping (hsk.json, base path /hsk/v1). */
const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const route = bearerRoute("hsk")

const links = (baseUrl: string, request: SandboxRequest, operationId: string) => ({
  links: [{ href: `${baseUrl}${request.path}`, rel: "self", templated: false, method: request.method.toUpperCase(), operationId }]
})

const hints = {
  startDate: "a date as YYYY-MM-DD",
  endDate: "a date as YYYY-MM-DD",
  taskDate: "a date as YYYY-MM-DD",
  limit: "a whole number",
  offset: "a whole number",
  housekeepingRoomStatus: "Clean, Dirty, Pickup, Inspected, OutOfOrder or OutOfService",
  frontOfficeRoomStatus: "Vacant or Occupied",
  roomMaintenanceStatus: "All, UnResolved or Resolved"
}

const RepairQuery = Schema.Struct({
  startDate: single(DateParam),
  endDate: Schema.optional(single(DateParam)),
  roomId: Schema.optional(single(Schema.String))
})

const asHousekeeping = (status: string | undefined): HousekeepingStatus | undefined =>
  status === "Clean" || status === "Dirty" || status === "Pickup" || status === "Inspected" ? status : undefined

const listRepairs = (kind: RepairKind, operationId: string): SandboxRoute["handler"] => (request, env) =>
  Effect.gen(function*() {
    const query = yield* decodeQuery(RepairQuery, request.query, hints)
    const end = query.endDate ?? query.startDate
    const snapshot = yield* env.property.snapshot
    const rooms = roomsOf(yield* env.property.rooms.snapshot, request.hotelId).filter((room) =>
      room.repair?.kind === kind && room.repair.start <= end && query.startDate <= room.repair.end &&
      (query.roomId === undefined || query.roomId === room.roomId)
    )
    return {
      status: 200,
      body: {
        housekeepingRooms: { room: rooms.map((room) => renderRoom(room, snapshot, "hsk")), hotelId: request.hotelId },
        ...links(env.baseUrl, request, operationId)
      }
    }
  })

const postRepairs = (kind: RepairKind, operationId: string, definition: string): SandboxRoute["handler"] => (request, env) =>
  Effect.gen(function*() {
    const body = yield* decodeBody(RoomRepairRequest, request.body, definition)
    const details = body.criteria.roomRangeList.roomOutOfOrder
    const roomIds = body.criteria.roomRangeList.roomIds ?? []
    if (roomIds.length === 0) return yield* badRequest("criteria.roomRangeList.roomIds must name at least one room.")
    if (details?.reasonCode === undefined || details.start === undefined || details.end === undefined) {
      return yield* badRequest("criteria.roomRangeList.roomOutOfOrder needs reasonCode, start and end.")
    }
    const reason = repairReasons.find((entry) => entry.code === details.reasonCode)
    if (reason === undefined) {
      return yield* badRequest(`Unknown reason code; this hotel uses ${repairReasons.map((entry) => entry.code).join(", ")}.`, "INVALID_REASON_CODE")
    }
    const snapshot = yield* env.property.snapshot
    yield* env.property.rooms.transact((board) =>
      startRepair(board, snapshot, request.hotelId, {
        kind,
        roomIds,
        reasonCode: reason.code,
        reasonDescription: details.reasonDescription ?? reason.description,
        remarks: details.repairRemarks,
        start: details.start ?? snapshot.businessDate,
        end: details.end ?? snapshot.businessDate,
        returnStatus: asHousekeeping(details.returnStatus) ?? "Dirty"
      })
    )
    return { status: 201, body: links(env.baseUrl, request, operationId) }
  })

const completeRepairs = (kind: RepairKind, operationId: string): SandboxRoute["handler"] => (request, env) =>
  Effect.gen(function*() {
    const body = yield* decodeBody(CompleteRoomRepairRequest, request.body, "completeRoomRepair")
    const byNumber = (body.criteria.roomRepairByRoomNumber ?? []).map((entry) => ({
      roomId: entry.roomId,
      returnStatus: asHousekeeping(entry.roomOutOfOrder?.returnStatus)
    }))
    const range = body.criteria.roomRangeList
    const byRange = (range?.roomIds ?? []).map((roomId) => ({ roomId, returnStatus: asHousekeeping(range?.roomOutOfOrder?.returnStatus) }))
    const rooms = [...byNumber, ...byRange]
    if (rooms.length === 0) return yield* badRequest("criteria must name at least one room (roomRepairByRoomNumber or roomRangeList).")
    yield* env.property.rooms.transact((board) => completeRepair(board, request.hotelId, kind, rooms))
    return { status: 200, body: links(env.baseUrl, request, operationId) }
  })

const OverviewQuery = Schema.Struct({
  limit: Schema.optional(single(WholeNumberParam)),
  offset: Schema.optional(single(WholeNumberParam)),
  housekeepingRoomStatus: Schema.optional(Schema.compose(CsvParam, Schema.Array(Schema.Literal("Clean", "Dirty", "Pickup", "Inspected", "OutOfOrder", "OutOfService")))),
  frontOfficeRoomStatus: Schema.optional(Schema.compose(CsvParam, Schema.Array(Schema.Literal("Vacant", "Occupied")))),
  floor: Schema.optional(CsvParam),
  roomType: Schema.optional(CsvParam)
})

const MaintenanceQuery = Schema.Struct({
  roomId: Schema.optional(single(Schema.String)),
  roomMaintenanceStatus: Schema.optional(single(Schema.Literal("All", "UnResolved", "Resolved")))
})

export const hskRoutes: ReadonlyArray<SandboxRoute> = [
  route("putRoomRelatedStatus", "PUT", "/hotels/{hotelId}/rooms/status", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(RoomStatusChangeRequest, request.body, "housekeepingRoomStatusCriteria")
      const status = asHousekeeping(body.housekeepingRoomStatus)
      if (body.housekeepingRoomStatus !== undefined && status === undefined) {
        return yield* businessRule("Rooms go out of order or out of service through the outOfOrderRooms and outOfServiceRooms operations.", "USE_ROOM_REPAIR")
      }
      if (status === undefined) return yield* badRequest("housekeepingRoomStatus must say the new status: Clean, Dirty, Pickup or Inspected.")
      const snapshot = yield* env.property.snapshot
      yield* env.property.rooms.transact((board) =>
        setRoomStatus(board, snapshot, request.hotelId, body.roomList.map((entry) => entry.roomId), status)
      )
      return { status: 200, body: links(env.baseUrl, request, "putRoomRelatedStatus") }
    })),

  route("getOutOfOrderRooms", "GET", "/hotels/{hotelId}/rooms/outOfOrderRooms", "none", listRepairs("OutOfOrder", "getOutOfOrderRooms")),
  route("postOutOfOrderRooms", "POST", "/hotels/{hotelId}/rooms/outOfOrderRooms", "json", postRepairs("OutOfOrder", "postOutOfOrderRooms", "roomRepairOutOfOrder")),
  route("completeOutOfOrderRooms", "PUT", "/hotels/{hotelId}/rooms/outOfOrderRooms", "json", completeRepairs("OutOfOrder", "completeOutOfOrderRooms")),
  route("getOutOfServiceRooms", "GET", "/hotels/{hotelId}/rooms/outOfServiceRooms", "none", listRepairs("OutOfService", "getOutOfServiceRooms")),
  route("postOutOfServiceRooms", "POST", "/hotels/{hotelId}/rooms/outOfServiceRooms", "json", postRepairs("OutOfService", "postOutOfServiceRooms", "roomRepairOutOfService")),
  route("completeOutOfServiceRooms", "PUT", "/hotels/{hotelId}/rooms/outOfServiceRooms", "json", completeRepairs("OutOfService", "completeOutOfServiceRooms")),

  route("getHousekeepingOverview", "GET", "/hotels/{hotelId}/housekeepingOverview", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(OverviewQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const all = roomsOf(yield* env.property.rooms.snapshot, request.hotelId)
      const matching = all.filter((room) => {
        const frontOffice = occupantOf(snapshot, room.hotelId, room.roomId) === undefined ? "Vacant" : "Occupied"
        return (query.housekeepingRoomStatus === undefined || query.housekeepingRoomStatus.includes(displayStatus(room, snapshot.businessDate))) &&
          (query.frontOfficeRoomStatus === undefined || query.frontOfficeRoomStatus.includes(frontOffice)) &&
          (query.floor === undefined || query.floor.includes(room.floor)) &&
          (query.roomType === undefined || query.roomType.includes(room.roomType))
      })
      const counts = new Map<string, number>()
      for (const room of matching) {
        const status = displayStatus(room, snapshot.businessDate)
        counts.set(status, (counts.get(status) ?? 0) + 1)
      }
      const limit = Math.min(query.limit ?? 20, 200) || 20
      const offset = query.offset ?? 0
      const page = matching.slice(offset, offset + limit)
      return {
        status: 200,
        body: {
          housekeepingRoomInfo: {
            housekeepingRooms: { room: page.map((room) => renderRoom(room, snapshot, "hsk")), hotelId: request.hotelId },
            totalPages: Math.ceil(matching.length / limit),
            offset,
            limit,
            hasMore: offset + page.length < matching.length,
            totalResults: matching.length,
            count: page.length
          },
          housekeepingRoomStatusInfoList: [...counts].map(([housekeepingRoomStatus, numberOfRooms]) => ({ housekeepingRoomStatus, numberOfRooms })),
          ...links(env.baseUrl, request, "getHousekeepingOverview")
        }
      }
    })),

  route("getHouseKeepingTasks", "GET", "/hotels/{hotelId}/houseKeepingtasks", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(Schema.Struct({ taskDate: single(DateParam) }), request.query, hints)
      const snapshot = yield* env.property.snapshot
      if (query.taskDate !== snapshot.businessDate) {
        return yield* businessRule(`Task sheets exist for the business date ${snapshot.businessDate} only.`, "TASK_DATE_NOT_BUSINESS_DATE")
      }
      const sheets = taskSheets(yield* env.property.rooms.snapshot, snapshot, request.hotelId)
      return {
        status: 200,
        body: {
          taskAssignmentInfo: [{
            taskCodes: [{ code: "STD", description: "Standard clean", hotelId: request.hotelId, sequence: 1 }],
            taskSheets: sheets,
            hotelId: request.hotelId,
            taskDate: snapshot.businessDate,
            taskSheetsCount: sheets.length
          }],
          ...links(env.baseUrl, request, "getHouseKeepingTasks")
        }
      }
    })),

  route("getRoomMaintenance", "GET", "/hotels/{hotelId}/rooms/maintenances", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(MaintenanceQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const board = yield* env.property.rooms.snapshot
      const wanted = query.roomMaintenanceStatus ?? "All"
      const entries = board.maintenance.filter((entry) =>
        entry.hotelId === request.hotelId && (query.roomId === undefined || entry.roomId === query.roomId) &&
        (wanted === "All" || (wanted === "Resolved") === (entry.resolved !== undefined))
      )
      return {
        status: 200,
        body: {
          roomMaintenance: { roomMaintenance: entries.map((entry) => renderMaintenance(entry, board, snapshot)), hotelId: request.hotelId },
          ...links(env.baseUrl, request, "getRoomMaintenance")
        }
      }
    })),

  route("postRoomMaintenance", "POST", "/hotels/{hotelId}/rooms/maintenanceCodes/{maintenanceCode}", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(RoomMaintenanceRequest, request.body, "roomMaintenanceRequest")
      const code = request.params["maintenanceCode"] ?? ""
      if (body.criteria.maintenanceCode !== undefined && body.criteria.maintenanceCode !== code) {
        return yield* badRequest("criteria.maintenanceCode must match the maintenance code in the path.")
      }
      const nowIso = yield* now
      yield* env.property.rooms.transact((board) =>
        openMaintenance(board, request.hotelId, code, body.criteria.roomIds ?? [], body.criteria.remarks, nowIso)
      )
      return { status: 201, body: links(env.baseUrl, request, "postRoomMaintenance") }
    })),

  route("resolveRoomMaintenance", "PUT", "/hotels/{hotelId}/maintenances/{mainteananceId}/resolve", "json", (request, env) =>
    Effect.gen(function*() {
      yield* decodeBody(ResolveMaintenanceRequest, request.body, "roomMaintenance")
      const snapshot = yield* env.property.snapshot
      yield* env.property.rooms.transact((board) =>
        resolveMaintenance(board, request.hotelId, request.params["mainteananceId"] ?? "", snapshot.businessDate)
      )
      return { status: 200, body: links(env.baseUrl, request, "resolveRoomMaintenance") }
    }))
]
