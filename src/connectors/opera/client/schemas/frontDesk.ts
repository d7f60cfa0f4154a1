import { Schema } from "effect"
import { Links, OhipNumber, pagingFields, UniqueIdList, Warnings } from "./common.js"
import { HotelReservation } from "./reservation.js"
import { HotelRoomsList } from "./rooms.js"

/**
 * The parts of fof.json (and csh.json's check-out) this project reads or
 * writes, named after the spec's definitions; every field optional as in the spec.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)

/** Bodies that only carry links and warnings (`status`, `unAssignedRoom`, `assignedRoom`, `movedInHouseGuest`). */
export const FrontDeskStatus = Schema.Struct({ links: optional(Links), warnings: optional(Warnings) })

/** `reservation` (postCheckIn body). */
export const CheckInRequest = Schema.Struct({
  reservation: optional(Schema.Struct({ roomId: text, ignoreWarnings: flag, stopCheckin: flag, printRegistration: flag })),
  fetchReservationInstruction: optional(Schema.Array(Schema.String)),
  includeNotifications: flag
})

/** `checkedinReservation` (postCheckIn 201). */
export const CheckedInReservation = Schema.Struct({
  reservation: optional(Schema.Array(HotelReservation)),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `reservation` (csh postCheckOut body). */
export const CheckOutRequest = Schema.Struct({
  reservation: optional(Schema.Struct({
    hotelId: text,
    reservationIdList: optional(UniqueIdList),
    checkoutWithOpenFolio: flag,
    stopCheckout: flag
  })),
  verificationOnly: flag
})

/** `room` (postRoomAssignment body): `criteria` is a `reservationRoomSelectionType`. */
export const RoomAssignmentRequest = Schema.Struct({
  criteria: optional(Schema.Struct({
    hotelId: text,
    reservationIdList: optional(UniqueIdList),
    roomId: text,
    updateRoomTypeCharged: flag,
    roomNumberLocked: flag,
    comments: text
  }))
})

/** `unAssignRoomCriteria` (deleteAssignRoom body). */
export const UnassignRoomRequest = Schema.Struct({
  overrideRoomNumberLocked: flag,
  overrideRoomOwnership: flag,
  roomSegmentBeginDate: text,
  roomSegmentEndDate: text
})

/** `moveInHouseGuest` (moveInHouseGuest body). */
export const MoveRoomRequest = Schema.Struct({
  criteria: optional(Schema.Struct({
    hotelId: text,
    reservationIdList: optional(UniqueIdList),
    roomId: text,
    updateRoomTypeCharged: flag,
    oldRoomStatus: optional(Schema.Literal("Clean", "Dirty", "Pickup", "Inspected")),
    reasonCode: text,
    description: text
  }))
})

/** `suggestedRooms` (getSuggestedRooms 200). */
export const SuggestedRooms = Schema.Struct({
  suggestedRoomsType: optional(Schema.Array(Schema.Struct({ roomId: text, componentRoomNumber: optional(Schema.Array(Schema.String)) }))),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `hotelRooms` (getHotelRooms 200). */
export const HotelRooms = Schema.Struct({
  hotelRoomsDetails: optional(HotelRoomsList),
  ...pagingFields,
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `roomStatusStatisticsListType` (getRoomsByRoomStatus 200). */
export const RoomStatusStatistics = Schema.Struct({
  roomStatusStatistics: optional(Schema.Array(Schema.Struct({
    roomClass: text,
    roomType: text,
    frontOfficeStatus: text,
    roomStats: optional(Schema.Array(Schema.Struct({
      housekeepingRoomStatus: text,
      housekeepingRoomStatusCount: optional(Schema.Number)
    })))
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `statistics` (getFrontOfficeStatistics 200). */
export const FrontOfficeStatistics = Schema.Struct({
  statisticsCode: text,
  calendarDate: text,
  metricSet: optional(Schema.Array(Schema.Struct({
    metrics: optional(Schema.Array(Schema.Struct({ value: optional(OhipNumber), category: text, code: text }))),
    start: text,
    end: text
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})
