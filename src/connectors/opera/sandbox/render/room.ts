import type { PropertySnapshot, ReservationRecord } from "../property.js"
import { computedStatus, roomTypes } from "../property.js"
import type { MaintenanceRecord, RoomBoard, RoomRecord } from "../roomBoard.js"
import { maintenanceCodes, occupantOf, repairOn } from "../roomBoard.js"

/**
 * Rooms rendered as OHIP JSON. fof.json and hsk.json both call it `roomType`
 * but name fields differently (fof: `housekeeping.roomStatus.roomStatus`,
 * `reasonDesc`; hsk: `housekeeping.housekeepingRoomStatus.housekeepingRoomStatus`,
 * `reasonDescription`), so the flavour is a parameter.
 */
export type Flavour = "fof" | "hsk"

/** The room's status as OPERA shows it: a repair covering the date wins over the housekeeping status. */
export const displayStatus = (room: RoomRecord, date: string) => {
  const repair = repairOn(room, date)
  return repair === undefined ? room.housekeepingStatus : repair.kind
}

/** housekeepingRoomReservationStatusType of the room's current stay. */
const roomReservationStatus = (reservation: ReservationRecord | undefined, businessDate: string) => {
  if (reservation === undefined) return "NotReserved"
  if (reservation.status === "InHouse") return reservation.departureDate <= businessDate ? "DueOut" : "StayOver"
  return reservation.arrivalDate === businessDate ? "Arrival" : "NotReserved"
}

/** The reservation a room is tied to today: its in-house guest, else today's assigned arrival. */
export const stayInRoom = (snapshot: PropertySnapshot, room: RoomRecord): ReservationRecord | undefined =>
  occupantOf(snapshot, room.hotelId, room.roomId) ??
    [...snapshot.reservations.values()].find((reservation) =>
      reservation.hotelId === room.hotelId && reservation.roomId === room.roomId && reservation.status === "Reserved" &&
      reservation.arrivalDate === snapshot.businessDate
    )

export const renderRoom = (room: RoomRecord, snapshot: PropertySnapshot, flavour: Flavour) => {
  const date = snapshot.businessDate
  const stay = stayInRoom(snapshot, room)
  const occupied = stay?.status === "InHouse"
  const status = displayStatus(room, date)
  const frontOfficeStatus = occupied ? "Occupied" : "Vacant"
  const reservationStatus = roomReservationStatus(stay, date)
  const info = roomTypes.find((entry) => entry.code === room.roomType)
  const guest = stay === undefined ? undefined : snapshot.guests.get(stay.profileId)
  const repair = room.repair
  return {
    roomType: {
      roomType: room.roomType,
      roomClass: "ALL",
      ...(info === undefined ? {} : { shortDescription: info.description, maximumOccupancy: info.maxOccupancy }),
      pseudo: false,
      suite: room.roomType === "STE"
    },
    floor: room.floor,
    roomDescription: info?.description.slice(0, 20) ?? room.roomType,
    roomId: room.roomId,
    housekeeping: flavour === "fof"
      ? { roomStatus: { reservationStatusList: [reservationStatus], roomStatus: status, frontOfficeStatus, housekeepingStatus: frontOfficeStatus } }
      : {
        housekeepingRoomStatus: {
          reservationStatusList: [reservationStatus],
          housekeepingRoomStatus: status,
          frontOfficeStatus,
          housekeepingStatus: frontOfficeStatus
        }
      },
    ...(repair === undefined ? {} : {
      outOfOrder: [{
        ...(repair.remarks === undefined ? {} : { repairRemarks: repair.remarks }),
        returnStatus: repair.returnStatus,
        reasonCode: repair.reasonCode,
        ...(flavour === "fof"
          ? { reasonDesc: repair.reasonDescription, roomStatus: repair.kind }
          : { reasonDescription: repair.reasonDescription, housekeepingRoomStatus: repair.kind, roomRepairId: { id: repair.repairId, type: "RoomRepair" } }),
        start: repair.start,
        end: repair.end
      }]
    }),
    ...(stay === undefined ? {} : {
      resvInfo: [{
        ...(guest === undefined ? {} : { guestName: `${guest.surname}, ${guest.givenName}` }),
        reservationId: { id: stay.reservationId, type: "Reservation" },
        reservationStatusInfo: reservationStatus,
        stayDateInfo: { timeSpan: { startDate: stay.arrivalDate, endDate: stay.departureDate } },
        profileId: { id: stay.profileId, type: "Profile" }
      }]
    })
  }
}

/** `roomMaintenanceType` (hsk). */
export const renderMaintenance = (entry: MaintenanceRecord, board: RoomBoard, snapshot: PropertySnapshot) => {
  const room = [...board.rooms.values()].find((candidate) => candidate.hotelId === entry.hotelId && candidate.roomId === entry.roomId)
  return {
    maintenanceCode: entry.code,
    ...(entry.remarks === undefined ? {} : { remarks: entry.remarks }),
    maintenanceId: { id: entry.maintenanceId, type: "Maintenance" },
    ...(room === undefined ? {} : { roomInfo: renderRoom(room, snapshot, "hsk") }),
    ...(entry.resolved === undefined ? {} : { resolveInfo: { resolveUser: entry.resolved.user, resolveDate: entry.resolved.date } }),
    createDateTime: entry.createdAt,
    creatorId: "SANDBOX"
  }
}

export const maintenanceDescription = (code: string) => maintenanceCodes.find((entry) => entry.code === code)?.description ?? code

/** Rooms sold on the night of `date` (stays that include it, not cancelled or no-show). */
export const staysOn = (snapshot: PropertySnapshot, hotelId: string, date: string): ReadonlyArray<ReservationRecord> =>
  [...snapshot.reservations.values()].filter((reservation) =>
    reservation.hotelId === hotelId && reservation.arrivalDate <= date && date < reservation.departureDate &&
    (reservation.status === "Reserved" || reservation.status === "InHouse" || reservation.status === "CheckedOut")
  )

export const isDueIn = (reservation: ReservationRecord, businessDate: string) => computedStatus(reservation, businessDate) === "DueIn"
