import { Effect, Either, SynchronizedRef } from "effect"
import { addDays } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import type { PropertySnapshot, ReservationRecord } from "./property.js"
import { roomInventory } from "./property.js"

/**
 * The sandbox's rooms (fof, hsk, inv): housekeeping status, out-of-order and
 * out-of-service repairs, and maintenance requests, in their own
 * SynchronizedRef. Whether a room is occupied is not stored here: it follows
 * from the in-house reservations of the property state, so the two can never
 * disagree.
 */
export type HousekeepingStatus = "Clean" | "Dirty" | "Pickup" | "Inspected"
export type RepairKind = "OutOfOrder" | "OutOfService"

export interface RoomRepair {
  readonly kind: RepairKind
  readonly reasonCode: string
  readonly reasonDescription: string
  readonly remarks: string | undefined
  readonly start: string
  readonly end: string
  /** The housekeeping status the room returns to when the repair is completed. */
  readonly returnStatus: HousekeepingStatus
  readonly repairId: string
}

export interface RoomRecord {
  readonly hotelId: string
  readonly roomId: string
  readonly roomType: string
  readonly floor: string
  readonly housekeepingStatus: HousekeepingStatus
  readonly repair: RoomRepair | undefined
}

export interface MaintenanceRecord {
  readonly maintenanceId: string
  readonly hotelId: string
  readonly roomId: string
  readonly code: string
  readonly remarks: string | undefined
  readonly createdAt: string
  readonly resolved: { readonly date: string; readonly user: string } | undefined
}

export interface RoomBoard {
  /** Keyed by `roomKey(hotelId, roomId)`, in room-number order per hotel. */
  readonly rooms: ReadonlyMap<string, RoomRecord>
  readonly maintenance: ReadonlyArray<MaintenanceRecord>
  readonly nextRepairNumber: number
  readonly nextMaintenanceNumber: number
}

export const roomKey = (hotelId: string, roomId: string) => `${hotelId}/${roomId}`

export const maintenanceCodes: ReadonlyArray<{ readonly code: string; readonly description: string }> = [
  { code: "PLUMB", description: "Plumbing" },
  { code: "ELEC", description: "Electrical" },
  { code: "HVAC", description: "Heating and air conditioning" },
  { code: "TV", description: "Television" },
  { code: "FURN", description: "Furniture" },
  { code: "LOCK", description: "Door lock" }
]

export const repairReasons: ReadonlyArray<{ readonly code: string; readonly description: string }> = [
  { code: "RENO", description: "Renovation" },
  { code: "MAINT", description: "Maintenance work" },
  { code: "DMG", description: "Damage" },
  { code: "PEST", description: "Pest control" }
]

// A stable per-room number, so the seeded statuses do not depend on the reservation PRNG.
const roomHash = (text: string) => [...text].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0, 7)

/** The in-house reservation in a room, if any: the room is Occupied exactly then. */
export const occupantOf = (property: PropertySnapshot, hotelId: string, roomId: string): ReservationRecord | undefined => {
  for (const reservation of property.reservations.values()) {
    if (reservation.hotelId === hotelId && reservation.roomId === roomId && reservation.status === "InHouse") return reservation
  }
  return undefined
}

/** Seeds every room of every hotel: occupied rooms mostly dirty, vacant rooms mostly clean, one OOO and one OOS room. */
export const seedRoomBoard = (property: PropertySnapshot): RoomBoard => {
  const taken = new Set<string>()
  for (const reservation of property.reservations.values()) {
    if ((reservation.status === "InHouse" || reservation.status === "Reserved") && reservation.roomId !== undefined) {
      taken.add(roomKey(reservation.hotelId, reservation.roomId))
    }
  }
  const rooms = new Map<string, RoomRecord>()
  let repairNumber = 1
  for (const hotel of property.hotels) {
    const repairsToPlace: Array<RepairKind> = ["OutOfOrder", "OutOfService"]
    for (const room of roomInventory) {
      const key = roomKey(hotel.hotelId, room.roomId)
      const roll = roomHash(key) % 10
      const occupied = occupantOf(property, hotel.hotelId, room.roomId) !== undefined
      const housekeepingStatus: HousekeepingStatus = occupied
        ? (roll < 6 ? "Dirty" : "Clean")
        : roll < 2 ? "Dirty" : roll < 3 ? "Pickup" : roll < 7 ? "Clean" : "Inspected"
      const floor = room.roomId.slice(0, 1)
      // The repairs go to free rooms at the end of the top floor, so no seeded stay is affected.
      const placeRepair = !taken.has(key) && floor === "4" && room.roomId >= "420" && repairsToPlace.length > 0
      const kind = placeRepair ? repairsToPlace.shift() : undefined
      const reason = kind === "OutOfOrder" ? repairReasons[0] : repairReasons[1]
      rooms.set(key, {
        hotelId: hotel.hotelId,
        roomId: room.roomId,
        roomType: room.roomType,
        floor,
        housekeepingStatus: kind === undefined ? housekeepingStatus : "Dirty",
        repair: kind === undefined || reason === undefined ? undefined : {
          kind,
          reasonCode: reason.code,
          reasonDescription: reason.description,
          remarks: undefined,
          start: addDays(property.businessDate, -2),
          end: addDays(property.businessDate, 5),
          returnStatus: "Dirty",
          repairId: String(repairNumber++)
        }
      })
    }
  }
  const primary = property.hotels[0]?.hotelId ?? ""
  const maintenance: Array<MaintenanceRecord> = [
    { roomId: "105", code: "PLUMB", remarks: "Dripping tap in bathroom" },
    { roomId: "214", code: "HVAC", remarks: "Air conditioning noisy" }
  ].map((entry, index) => ({
    maintenanceId: String(900_001 + index),
    hotelId: primary,
    ...entry,
    createdAt: `${addDays(property.businessDate, -1)}T09:00:00.000Z`,
    resolved: undefined
  }))
  return { rooms, maintenance, nextRepairNumber: repairNumber, nextMaintenanceNumber: 900_001 + maintenance.length }
}

/** Rooms of one hotel, in room-number order. */
export const roomsOf = (board: RoomBoard, hotelId: string): ReadonlyArray<RoomRecord> =>
  [...board.rooms.values()].filter((room) => room.hotelId === hotelId)

/** True when a repair of the room covers the night of `date`. */
export const repairOn = (room: RoomRecord, date: string): RoomRepair | undefined =>
  room.repair !== undefined && room.repair.start <= date && date <= room.repair.end ? room.repair : undefined

export const withRoom = (board: RoomBoard, room: RoomRecord): RoomBoard => ({
  ...board,
  rooms: new Map(board.rooms).set(roomKey(room.hotelId, room.roomId), room)
})

type BoardStep<A> = Either.Either<readonly [A, RoomBoard], RouteFailure>
type JointStep<A> = Either.Either<readonly [A, RoomBoard, PropertySnapshot], RouteFailure>

/** What the routes use: read and change the board, alone or together with the property state. */
export interface RoomBoardState {
  readonly snapshot: Effect.Effect<RoomBoard>
  readonly transact: <A>(step: (board: RoomBoard) => BoardStep<A>) => Effect.Effect<A, RouteFailure>
  /**
   * One step over the board and the property (check-in, check-out, moves):
   * the board is locked first, then the property, so both commit or neither.
   */
  readonly transactWith: <A>(
    property: {
      readonly transact: <B>(
        step: (snapshot: PropertySnapshot) => Either.Either<readonly [B, PropertySnapshot], RouteFailure>
      ) => Effect.Effect<B, RouteFailure>
    },
    step: (board: RoomBoard, snapshot: PropertySnapshot) => JointStep<A>
  ) => Effect.Effect<A, RouteFailure>
}

export const makeRoomBoardState = (initial: PropertySnapshot): Effect.Effect<RoomBoardState> =>
  Effect.map(SynchronizedRef.make(seedRoomBoard(initial)), (ref) => ({
    snapshot: SynchronizedRef.get(ref),
    transact: (step) =>
      SynchronizedRef.modifyEffect(ref, (board) =>
        Either.match(step(board), {
          onLeft: (failure) => Effect.fail(failure),
          onRight: ([answer, next]) => Effect.succeed([answer, next] as const)
        })),
    transactWith: (property, step) =>
      SynchronizedRef.modifyEffect(ref, (board) =>
        property.transact((snapshot) =>
          Either.map(step(board, snapshot), ([answer, nextBoard, nextSnapshot]) =>
            [[answer, nextBoard] as const, nextSnapshot] as const
          )
        ))
  }))
