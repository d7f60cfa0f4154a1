import type { OperaRequest } from "./OperaRequest.js"
import { defined } from "./schemas/common.js"
import {
  CheckedInReservation,
  FrontDeskStatus,
  FrontOfficeStatistics,
  HotelRooms,
  RoomStatusStatistics,
  SuggestedRooms
} from "./schemas/frontDesk.js"

/**
 * OHIP front desk (fof, plus csh's check-out): one pure request builder per
 * operation, with the Schema its answer decodes with. Inputs are
 * already-decoded tool arguments.
 */
export * from "./schemas/frontDeskSummary.js"

interface ForReservation {
  readonly hotelId: string
  readonly reservationId: string
}

const reservationPath = "/hotels/{hotelId}/reservations/{reservationId}"
const ids = (input: ForReservation) => ({ hotelId: input.hotelId, reservationId: input.reservationId })

/** fof postCheckIn; `roomNumber` makes OPERA check the assigned room is the one expected. */
export const checkIn = (input: ForReservation & { readonly roomNumber?: string }): OperaRequest => ({
  module: "fof",
  operationId: "postCheckIn",
  method: "POST",
  template: `${reservationPath}/checkIns`,
  params: ids(input),
  body: {
    reservation: defined({ roomId: input.roomNumber, ignoreWarnings: false, stopCheckin: false, printRegistration: false }),
    fetchReservationInstruction: ["ReservationDetail"],
    includeNotifications: false
  },
  hotelId: input.hotelId
})
export const CheckInResponse = CheckedInReservation

/** csh postCheckOut. */
export const checkOut = (input: ForReservation): OperaRequest => ({
  module: "csh",
  operationId: "postCheckOut",
  method: "POST",
  template: `${reservationPath}/checkOuts`,
  params: ids(input),
  body: {
    reservation: { hotelId: input.hotelId, reservationIdList: [{ id: input.reservationId, type: "Reservation" }] },
    verificationOnly: false
  },
  hotelId: input.hotelId
})
export const CheckOutResponse = FrontDeskStatus

/** fof postRoomAssignment. */
export const assignRoom = (input: ForReservation & { readonly roomNumber: string }): OperaRequest => ({
  module: "fof",
  operationId: "postRoomAssignment",
  method: "POST",
  template: `${reservationPath}/roomAssignments`,
  params: ids(input),
  body: {
    criteria: {
      hotelId: input.hotelId,
      reservationIdList: [{ id: input.reservationId, type: "Reservation" }],
      roomId: input.roomNumber
    }
  },
  hotelId: input.hotelId
})
export const AssignRoomResponse = FrontDeskStatus

/** fof deleteAssignRoom (a PUT on the reservation's rooms). */
export const unassignRoom = (input: ForReservation): OperaRequest => ({
  module: "fof",
  operationId: "deleteAssignRoom",
  method: "PUT",
  template: `${reservationPath}/rooms`,
  params: ids(input),
  body: { overrideRoomNumberLocked: false },
  hotelId: input.hotelId
})
export const UnassignRoomResponse = FrontDeskStatus

/** fof moveInHouseGuest: the path's roomId is the room the guest moves to. */
export const moveRoom = (input: ForReservation & {
  readonly roomNumber: string
  readonly oldRoomStatus?: "Clean" | "Dirty" | "Pickup" | "Inspected"
  readonly reason?: string
}): OperaRequest => ({
  module: "fof",
  operationId: "moveInHouseGuest",
  method: "PUT",
  template: `${reservationPath}/rooms/{roomId}/roomMoves`,
  params: { ...ids(input), roomId: input.roomNumber },
  body: {
    criteria: defined({
      hotelId: input.hotelId,
      reservationIdList: [{ id: input.reservationId, type: "Reservation" }],
      roomId: input.roomNumber,
      oldRoomStatus: input.oldRoomStatus,
      description: input.reason
    })
  },
  hotelId: input.hotelId
})
export const MoveRoomResponse = FrontDeskStatus

/** fof getSuggestedRooms. */
export const suggestedRooms = (input: ForReservation & { readonly roomType?: string }): OperaRequest => ({
  module: "fof",
  operationId: "getSuggestedRooms",
  method: "GET",
  template: `${reservationPath}/suggestedRooms`,
  params: ids(input),
  query: defined({ roomType: input.roomType }),
  hotelId: input.hotelId
})
export const SuggestedRoomsResponse = SuggestedRooms

export interface RoomListing {
  readonly hotelId: string
  readonly statuses?: ReadonlyArray<string>
  readonly frontOfficeStatus?: "Vacant" | "Occupied"
  readonly roomType?: string
  readonly floor?: string
  readonly limit?: number
  readonly offset?: number
}

/** fof getHotelRooms. */
export const hotelRooms = (input: RoomListing): OperaRequest => ({
  module: "fof",
  operationId: "getHotelRooms",
  method: "GET",
  template: "/hotels/{hotelId}/rooms",
  params: { hotelId: input.hotelId },
  query: defined({
    hotelRoomStatus: input.statuses,
    hotelFORoomStatus: input.frontOfficeStatus === undefined ? undefined : [input.frontOfficeStatus],
    roomType: input.roomType === undefined ? undefined : [input.roomType],
    floor: input.floor,
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const HotelRoomsResponse = HotelRooms

/** fof getRoomsByRoomStatus. */
export const roomStatusStatistics = (input: { readonly hotelId: string; readonly frontOfficeStatus?: "Vacant" | "Occupied" }): OperaRequest => ({
  module: "fof",
  operationId: "getRoomsByRoomStatus",
  method: "GET",
  template: "/hotels/{hotelId}/roomStatusStatistics",
  params: { hotelId: input.hotelId },
  query: defined({ frontOfficeStatus: input.frontOfficeStatus }),
  hotelId: input.hotelId
})
export const RoomStatusStatisticsResponse = RoomStatusStatistics

/** The metrics of the HouseSummary report an occupancy report reads. */
export const occupancyMetrics = [
  "TotalPhysicalRooms",
  "TotalOutOfOrder",
  "TotalOutOfService",
  "TotalRoomsToSell",
  "InHouseRooms",
  "StayoverRooms",
  "ArrivalsExpectedRooms",
  "ArrivalsActualRooms",
  "DeparturesExpectedRooms",
  "DeparturesActualRooms",
  "MinAvailableTonightRooms",
  "PercentRoomsOccupied",
  "RoomRevenue"
] as const

/** fof getFrontOfficeStatistics with the HouseSummary report for one date. */
export const houseSummary = (input: { readonly hotelId: string; readonly date: string }): OperaRequest => ({
  module: "fof",
  operationId: "getFrontOfficeStatistics",
  method: "GET",
  template: "/hotels/{hotelId}/frontOfficeStatistics/{statisticsCode}",
  params: { hotelId: input.hotelId, statisticsCode: "HouseSummary" },
  query: { date: input.date, metric: occupancyMetrics },
  hotelId: input.hotelId
})
export const HouseSummaryResponse = FrontOfficeStatistics
