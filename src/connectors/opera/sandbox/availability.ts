import { addDays, nightsBetween } from "./calendar.js"
import type { PropertySnapshot } from "./property.js"
import { roomInventory } from "./property.js"

/**
 * Rooms left to sell, computed from the reservation book: a room type's
 * physical rooms less the reservations (expected or in house) that hold one
 * of them on a night. Availability therefore drops the moment a booking is made.
 */
export const physicalRooms = (roomType: string): number =>
  roomInventory.filter((room) => room.roomType === roomType).length

const holdsRoom = (status: string) => status === "Reserved" || status === "InHouse"

export const soldOn = (snapshot: PropertySnapshot, hotelId: string, roomType: string, night: string): number => {
  let sold = 0
  for (const reservation of snapshot.reservations.values()) {
    if (
      reservation.hotelId === hotelId && reservation.roomType === roomType && holdsRoom(reservation.status) &&
      reservation.arrivalDate <= night && night < reservation.departureDate
    ) sold++
  }
  return sold
}

/** Rooms of the type free on every night of the stay (the smallest nightly figure; never below 0). */
export const availableForStay = (
  snapshot: PropertySnapshot,
  hotelId: string,
  roomType: string,
  arrivalDate: string,
  departureDate: string
): number => {
  const total = physicalRooms(roomType)
  const nights = Math.max(1, nightsBetween(arrivalDate, departureDate))
  let lowest = total
  for (let index = 0; index < nights; index++) {
    lowest = Math.min(lowest, total - soldOn(snapshot, hotelId, roomType, addDays(arrivalDate, index)))
  }
  return Math.max(0, lowest)
}
