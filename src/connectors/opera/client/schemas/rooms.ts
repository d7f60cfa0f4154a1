import { Schema } from "effect"
import { defined, UniqueId } from "./common.js"

/**
 * `roomType` as fof.json and hsk.json define it (the two name a few fields
 * differently; both spellings decode), and the compact room record an AI
 * assistant reads.
 */
const optional = Schema.optional
const text = optional(Schema.String)

export const HousekeepingStatuses = ["Clean", "Dirty", "Pickup", "Inspected"] as const
export const RoomStatuses = [...HousekeepingStatuses, "OutOfOrder", "OutOfService"] as const
export const FrontOfficeStatuses = ["Vacant", "Occupied"] as const

/** `roomStatusType`: fof says `roomStatus`, hsk says `housekeepingRoomStatus`. */
const RoomStatusInfo = Schema.Struct({
  reservationStatusList: optional(Schema.Array(Schema.String)),
  roomStatus: text,
  housekeepingRoomStatus: text,
  frontOfficeStatus: text,
  housekeepingStatus: text
})

/** `roomOutOfOrderType`: fof says `reasonDesc`/`roomStatus`, hsk `reasonDescription`/`housekeepingRoomStatus`. */
export const RoomOutOfOrder = Schema.Struct({
  repairRemarks: text,
  returnStatus: text,
  reasonCode: text,
  reasonDesc: text,
  reasonDescription: text,
  roomStatus: text,
  housekeepingRoomStatus: text,
  start: text,
  end: text,
  roomRepairId: optional(UniqueId)
})

export const Room = Schema.Struct({
  roomId: text,
  roomType: optional(Schema.Struct({ roomType: text, roomClass: text, shortDescription: text })),
  floor: text,
  housekeeping: optional(Schema.Struct({
    roomStatus: optional(RoomStatusInfo),
    housekeepingRoomStatus: optional(RoomStatusInfo)
  })),
  outOfOrder: optional(Schema.Array(RoomOutOfOrder)),
  resvInfo: optional(Schema.Array(Schema.Struct({
    reservationId: optional(UniqueId),
    reservationStatusInfo: text
  })))
})
export type Room = typeof Room.Type

/** `hotelRoomsType`. */
export const HotelRoomsList = Schema.Struct({ room: optional(Schema.Array(Room)), hotelId: text })

/** The compact room record tools return. */
export const RoomSummary = Schema.Struct({
  roomNumber: Schema.String,
  roomType: Schema.optional(Schema.String),
  floor: Schema.optional(Schema.String),
  /** Clean, Dirty, Pickup, Inspected, or OutOfOrder/OutOfService while a repair covers today. */
  status: Schema.optional(Schema.String),
  frontOfficeStatus: Schema.optional(Schema.String),
  /** What today means for the room: Arrival, StayOver, DueOut, NotReserved … */
  reservationStatus: Schema.optional(Schema.String),
  reservationId: Schema.optional(Schema.String),
  repair: Schema.optional(Schema.Struct({
    kind: Schema.optional(Schema.String),
    reasonCode: Schema.optional(Schema.String),
    reason: Schema.optional(Schema.String),
    from: Schema.optional(Schema.String),
    to: Schema.optional(Schema.String),
    returnStatus: Schema.optional(Schema.String),
    remarks: Schema.optional(Schema.String)
  }))
})
export type RoomSummary = typeof RoomSummary.Type

/** One `roomType` as a summary; none without a room number. */
export const summarizeRoom = (room: Room): ReadonlyArray<RoomSummary> => {
  if (room.roomId === undefined) return []
  const status = room.housekeeping?.roomStatus ?? room.housekeeping?.housekeepingRoomStatus
  const repair = room.outOfOrder?.[0]
  const stay = room.resvInfo?.[0]
  return [defined({
    roomNumber: room.roomId,
    roomType: room.roomType?.roomType,
    floor: room.floor,
    status: status?.roomStatus ?? status?.housekeepingRoomStatus,
    frontOfficeStatus: status?.frontOfficeStatus,
    reservationStatus: status?.reservationStatusList?.[0] ?? stay?.reservationStatusInfo,
    reservationId: stay?.reservationId?.id,
    repair: repair === undefined ? undefined : defined({
      kind: repair.roomStatus ?? repair.housekeepingRoomStatus,
      reasonCode: repair.reasonCode,
      reason: repair.reasonDesc ?? repair.reasonDescription,
      from: repair.start,
      to: repair.end,
      returnStatus: repair.returnStatus,
      remarks: repair.repairRemarks
    })
  })]
}
