import { Effect, Either, SynchronizedRef } from "effect"
import { addDays } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { notFound } from "./ohipErrors.js"
import type { PropertySnapshot } from "./property.js"

/**
 * The sandbox's business blocks (blk): what each block holds per night and
 * room type, in their own SynchronizedRef. What a block has picked up is not
 * stored as a number: it follows from the reservations the block made (kept
 * as ids, read from the reservation book), so a cancelled pick-up returns
 * its room to the block by itself.
 */
export const blockStatusCodes = ["INQ", "TEN", "DEF", "ACT", "CXL", "LOS"] as const
export type BlockStatusCode = typeof blockStatusCodes[number]

export interface BlockStatusInfo {
  readonly description: string
  readonly statusType: "Inquiry" | "Actual" | "Cancel"
  readonly allowPickup: boolean
  readonly deductInventory: boolean
}

/** OPERA's default block statuses: only tentative, definite and actual blocks sell rooms. */
export const blockStatuses: Readonly<Record<BlockStatusCode, BlockStatusInfo>> = {
  INQ: { description: "Inquiry", statusType: "Inquiry", allowPickup: false, deductInventory: false },
  TEN: { description: "Tentative", statusType: "Actual", allowPickup: true, deductInventory: false },
  DEF: { description: "Definite", statusType: "Actual", allowPickup: true, deductInventory: true },
  ACT: { description: "Actual", statusType: "Actual", allowPickup: true, deductInventory: true },
  CXL: { description: "Cancelled", statusType: "Cancel", allowPickup: false, deductInventory: false },
  LOS: { description: "Lost", statusType: "Cancel", allowPickup: false, deductInventory: false }
}

/** Rooms held on one night for one room type, at a nightly rate for one person. */
export interface BlockNight {
  readonly date: string
  readonly roomType: string
  readonly rooms: number
  readonly rate: number
}

export interface BlockRecord {
  readonly blockId: string
  readonly hotelId: string
  readonly blockCode: string
  readonly blockName: string
  readonly status: BlockStatusCode
  /** First night. */
  readonly startDate: string
  /** Departure date: the last night is the day before. */
  readonly endDate: string
  readonly cutoffDate: string
  readonly ratePlanCode: string
  readonly marketCode: string
  readonly currencyCode: string
  readonly allocation: ReadonlyArray<BlockNight>
  /** Reservations picked up from the block, in booking order. */
  readonly reservationIds: ReadonlyArray<string>
  readonly createdAt: string
  readonly modifiedAt: string
}

export interface BlockBook {
  readonly blocks: ReadonlyMap<string, BlockRecord>
  readonly nextBlockNumber: number
}

export const firstBlockNumber = 3_100_001

const nights = (startDate: string, endDate: string) => {
  const dates: Array<string> = []
  for (let date = startDate; date < endDate; date = addDays(date, 1)) dates.push(date)
  return dates
}

export const blockNights = (block: Pick<BlockRecord, "startDate" | "endDate">) => nights(block.startDate, block.endDate)

const evenly = (startDate: string, endDate: string, rooms: ReadonlyArray<readonly [string, number, number]>) =>
  nights(startDate, endDate).flatMap((date) => rooms.map(([roomType, count, rate]) => ({ date, roomType, rooms: count, rate })))

/**
 * A wedding and a conference open for pick-up, a symposium past its cut-off
 * and a cancelled retreat, all at the primary hotel and dated from the business date.
 */
export const seedBlockBook = (property: PropertySnapshot): BlockBook => {
  const hotelId = property.hotels[0]?.hotelId ?? ""
  const today = property.businessDate
  const createdAt = `${addDays(today, -30)}T10:00:00.000Z`
  const seeds: ReadonlyArray<Omit<BlockRecord, "blockId" | "hotelId" | "reservationIds" | "createdAt" | "modifiedAt" | "currencyCode">> = [
    {
      blockCode: "CONF-TECH", blockName: "Harbour Tech Summit", status: "DEF",
      startDate: today, endDate: addDays(today, 3), cutoffDate: today, ratePlanCode: "CORP", marketCode: "CORP",
      allocation: evenly(today, addDays(today, 3), [["KING", 12, 195], ["DBL", 2, 165]])
    },
    {
      blockCode: "WED-HARPER", blockName: "Harper and Lee Wedding", status: "DEF",
      startDate: addDays(today, 3), endDate: addDays(today, 5), cutoffDate: addDays(today, 1), ratePlanCode: "PKG", marketCode: "PKG",
      allocation: evenly(addDays(today, 3), addDays(today, 5), [["KING", 8, 209], ["QUEEN", 6, 189]])
    },
    {
      blockCode: "MED-SYMP", blockName: "Coastal Medical Symposium", status: "DEF",
      startDate: addDays(today, 14), endDate: addDays(today, 16), cutoffDate: addDays(today, -1), ratePlanCode: "CORP", marketCode: "CORP",
      allocation: evenly(addDays(today, 14), addDays(today, 16), [["QUEEN", 10, 179]])
    },
    {
      blockCode: "YOGA-RET", blockName: "Sunrise Yoga Retreat", status: "CXL",
      startDate: addDays(today, 10), endDate: addDays(today, 12), cutoffDate: addDays(today, 3), ratePlanCode: "BAR", marketCode: "TRANS",
      allocation: evenly(addDays(today, 10), addDays(today, 12), [["KING", 5, 199]])
    }
  ]
  const blocks = new Map<string, BlockRecord>()
  seeds.forEach((seed, index) => {
    const blockId = String(firstBlockNumber + index)
    blocks.set(blockId, { ...seed, blockId, hotelId, currencyCode: "USD", reservationIds: [], createdAt, modifiedAt: createdAt })
  })
  return { blocks, nextBlockNumber: firstBlockNumber + seeds.length }
}

export const findBlock = (book: BlockBook, hotelId: string, blockId: string): Either.Either<BlockRecord, RouteFailure> => {
  const block = book.blocks.get(blockId)
  return block === undefined || block.hotelId !== hotelId
    ? Either.left(notFound(`Hotel ${hotelId} has no block with this id.`))
    : Either.right(block)
}

const holdsBlockRoom = (status: string) => status === "Reserved" || status === "InHouse" || status === "CheckedOut"

/** Rooms of a room type the block's reservations occupy on a night. */
export const pickedUpOn = (block: BlockRecord, property: PropertySnapshot, date: string, roomType: string): number =>
  block.reservationIds.reduce((count, reservationId) => {
    const reservation = property.reservations.get(reservationId)
    return reservation !== undefined && holdsBlockRoom(reservation.status) && reservation.roomType === roomType &&
        reservation.arrivalDate <= date && date < reservation.departureDate
      ? count + 1
      : count
  }, 0)

export const allocationOn = (block: BlockRecord, date: string, roomType: string): BlockNight | undefined =>
  block.allocation.find((night) => night.date === date && night.roomType === roomType)

/** Rooms of the type still held but not yet picked up by the hotel's inventory-deducting blocks on a night. */
export const heldByBlocksOn = (book: BlockBook, property: PropertySnapshot, hotelId: string, date: string, roomType: string) => {
  let held = 0
  for (const block of book.blocks.values()) {
    if (block.hotelId !== hotelId || !blockStatuses[block.status].deductInventory) continue
    const night = allocationOn(block, date, roomType)
    if (night !== undefined) held += Math.max(0, night.rooms - pickedUpOn(block, property, date, roomType))
  }
  return held
}

/** Room nights held and picked up over the whole block. */
export const blockTotals = (block: BlockRecord, property: PropertySnapshot) => ({
  rooms: block.allocation.reduce((total, night) => total + night.rooms, 0),
  pickedUp: block.allocation.reduce((total, night) => total + Math.min(night.rooms, pickedUpOn(block, property, night.date, night.roomType)), 0)
})

type BookStep<A> = Either.Either<readonly [A, BlockBook], RouteFailure>
type JointStep<A> = Either.Either<readonly [A, BlockBook, PropertySnapshot], RouteFailure>

export interface BlockBookState {
  readonly snapshot: Effect.Effect<BlockBook>
  readonly transact: <A>(step: (book: BlockBook) => BookStep<A>) => Effect.Effect<A, RouteFailure>
  /** One step over the blocks and the property (a pick-up): blocks are locked first, then the property. */
  readonly transactWith: <A>(
    property: {
      readonly transact: <B>(
        step: (snapshot: PropertySnapshot) => Either.Either<readonly [B, PropertySnapshot], RouteFailure>
      ) => Effect.Effect<B, RouteFailure>
    },
    step: (book: BlockBook, snapshot: PropertySnapshot) => JointStep<A>
  ) => Effect.Effect<A, RouteFailure>
}

export const makeBlockBookState = (initial: PropertySnapshot): Effect.Effect<BlockBookState> =>
  Effect.map(SynchronizedRef.make(seedBlockBook(initial)), (ref) => ({
    snapshot: SynchronizedRef.get(ref),
    transact: (step) =>
      SynchronizedRef.modifyEffect(ref, (book) =>
        Either.match(step(book), {
          onLeft: (failure) => Effect.fail(failure),
          onRight: ([answer, next]) => Effect.succeed([answer, next] as const)
        })),
    transactWith: (property, step) =>
      SynchronizedRef.modifyEffect(ref, (book) =>
        property.transact((snapshot) =>
          Either.map(step(book, snapshot), ([answer, nextBook, nextSnapshot]) => [[answer, nextBook] as const, nextSnapshot] as const)
        ))
  }))
