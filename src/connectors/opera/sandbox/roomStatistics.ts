import { DateTime } from "effect"
import { addDays } from "./calendar.js"
import type { PropertySnapshot } from "./property.js"
import { roomTypes } from "./property.js"
import { displayStatus, renderRoom, staysOn } from "./render/room.js"
import type { RoomBoard, RoomRecord } from "./roomBoard.js"
import { occupantOf, repairOn, roomsOf } from "./roomBoard.js"

/**
 * The counts OPERA reports over rooms (fof statistics, inv inventory, hsk
 * task sheets), computed from the room board and the property state.
 */
const metric = (code: string, value: number, category: "Numeric" | "Amount" = "Numeric") => ({ value, category, code })

/** getFrontOfficeStatistics HouseSummary: the house for one date. */
export const houseSummary = (board: RoomBoard, snapshot: PropertySnapshot, hotelId: string, date: string) => {
  const rooms = roomsOf(board, hotelId)
  const outOfOrder = rooms.filter((room) => repairOn(room, date)?.kind === "OutOfOrder").length
  const outOfService = rooms.filter((room) => repairOn(room, date)?.kind === "OutOfService").length
  const stays = staysOn(snapshot, hotelId, date)
  const active = [...snapshot.reservations.values()].filter((reservation) =>
    reservation.hotelId === hotelId && (reservation.status === "Reserved" || reservation.status === "InHouse" || reservation.status === "CheckedOut")
  )
  const arrived = (status: string) => status === "InHouse" || status === "CheckedOut"
  const arrivals = active.filter((reservation) => reservation.arrivalDate === date)
  const departures = active.filter((reservation) => reservation.departureDate === date)
  const toSell = rooms.length - outOfOrder
  const percent = toSell === 0 ? 0 : Math.round((stays.length / toSell) * 1000) / 10
  return [
    metric("TotalPhysicalRooms", rooms.length),
    metric("TotalOutOfOrder", outOfOrder),
    metric("TotalOutOfService", outOfService),
    metric("TotalRoomsToSell", toSell),
    metric("InHouseRooms", stays.length),
    metric("StayoverRooms", stays.filter((reservation) => reservation.arrivalDate < date).length),
    metric("ArrivalsExpectedRooms", arrivals.length),
    metric("ArrivalsActualRooms", arrivals.filter((reservation) => arrived(reservation.status)).length),
    metric("DeparturesExpectedRooms", departures.filter((reservation) => reservation.status !== "Reserved").length),
    metric("DeparturesActualRooms", departures.filter((reservation) => reservation.status === "CheckedOut").length),
    metric("MinAvailableTonightRooms", Math.max(0, toSell - stays.length)),
    metric("PercentRoomsOccupied", percent),
    metric("RoomRevenue", stays.reduce((sum, reservation) => sum + reservation.rateAmount, 0), "Amount")
  ]
}

/** getRoomsByRoomStatus: counts by room type, front office status and housekeeping status. */
export const roomStatusStatistics = (
  board: RoomBoard,
  snapshot: PropertySnapshot,
  hotelId: string,
  frontOfficeFilter: "Vacant" | "Occupied" | undefined
) => {
  const groups = new Map<string, { roomType: string; frontOfficeStatus: string; counts: Map<string, number> }>()
  for (const room of roomsOf(board, hotelId)) {
    const frontOfficeStatus = occupantOf(snapshot, hotelId, room.roomId) === undefined ? "Vacant" : "Occupied"
    if (frontOfficeFilter !== undefined && frontOfficeFilter !== frontOfficeStatus) continue
    const key = `${room.roomType}/${frontOfficeStatus}`
    const group = groups.get(key) ?? { roomType: room.roomType, frontOfficeStatus, counts: new Map<string, number>() }
    const status = displayStatus(room, snapshot.businessDate)
    group.counts.set(status, (group.counts.get(status) ?? 0) + 1)
    groups.set(key, group)
  }
  return [...groups.values()].map((group) => ({
    roomClass: "ALL",
    roomType: group.roomType,
    frontOfficeStatus: group.frontOfficeStatus,
    roomStats: [...group.counts].map(([housekeepingRoomStatus, housekeepingRoomStatusCount]) => ({
      housekeepingRoomStatus,
      housekeepingRoomStatusCount
    }))
  }))
}

/** getInventoryStatistics RoomsAvailabilitySummary: per day, for the hotel ("ALL") and each room type. */
export const inventoryStatistics = (board: RoomBoard, snapshot: PropertySnapshot, hotelId: string, from: string, to: string) => {
  const rooms = roomsOf(board, hotelId)
  const dates: Array<string> = []
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date)
  const codes = [{ code: "ALL", description: "All room types" }, ...roomTypes.map((type) => ({ code: type.code, description: type.description }))]
  return codes.map(({ code, description }) => ({
    statisticDate: dates.map((date) => {
      const ofType = (room: RoomRecord) => code === "ALL" || room.roomType === code
      const physical = rooms.filter(ofType)
      const outOfOrder = physical.filter((room) => repairOn(room, date)?.kind === "OutOfOrder").length
      const outOfService = physical.filter((room) => repairOn(room, date)?.kind === "OutOfService").length
      const reserved = staysOn(snapshot, hotelId, date).filter((stay) => code === "ALL" || stay.roomType === code).length
      return {
        inventory: [
          { value: physical.length, code: "PhysicalRooms" },
          { value: outOfOrder, code: "OutOfOrderRooms" },
          { value: outOfService, code: "OutOfServiceRooms" },
          { value: reserved, code: "ReservedRooms" },
          { value: Math.max(0, physical.length - outOfOrder - reserved), code: "AvailableRooms" }
        ],
        statisticDate: date,
        weekendDate: isWeekend(date)
      }
    }),
    statCode: code,
    statCategoryCode: "ROOM_TYPE",
    description
  }))
}

/** Saturday or Sunday (weekDay 0 is Sunday). */
const isWeekend = (date: string) => {
  const weekDay = DateTime.getPartUtc(DateTime.unsafeMake(date), "weekDay")
  return weekDay === 0 || weekDay === 6
}

/** getHouseKeepingTasks: one task sheet per floor with the rooms that need cleaning today. */
export const taskSheets = (board: RoomBoard, snapshot: PropertySnapshot, hotelId: string) => {
  const floors = [...new Set(roomsOf(board, hotelId).map((room) => room.floor))].sort()
  return floors.map((floor, index) => {
    const rooms = roomsOf(board, hotelId).filter((room) => {
      const status = displayStatus(room, snapshot.businessDate)
      return room.floor === floor && (status === "Dirty" || status === "Pickup")
    })
    return {
      taskCodes: [{ code: "STD", description: "Standard clean" }],
      attendant: { attendantId: `HK${floor}`, attendantName: `Floor ${floor} attendant`, floor },
      rooms: rooms.map((room) => renderRoom(room, snapshot, "hsk")),
      sheetNumber: index + 1,
      date: snapshot.businessDate,
      autoGenerated: true,
      roomCount: rooms.length,
      taskInstructions: "Clean departures first, then stayovers",
      hotelId,
      sheetType: "AutomaticGeneration" as const,
      completedRoomsCount: 0
    }
  })
}
