import { Either } from "effect"
import type { BlockType } from "../client/schemas/blocks.js"
import type { HotelReservation } from "../client/schemas/reservation.js"
import { physicalRooms, soldOn } from "./availability.js"
import type { BlockBook, BlockNight, BlockRecord, BlockStatusCode } from "./blockBook.js"
import { allocationOn, blockNights, blockStatusCodes, blockStatuses, findBlock, heldByBlocksOn, pickedUpOn } from "./blockBook.js"
import { isIsoDate } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, businessRule } from "./ohipErrors.js"
import type { PropertySnapshot, ReservationRecord } from "./property.js"
import { nightlyRate, ratePlans, roomTypes } from "./property.js"
import { createReservation } from "./reservationBook.js"

/**
 * The block rules the sandbox enforces, as pure steps: creating a block
 * (its rooms must be free in the house) and picking up a reservation from one
 * (the block must sell, and hold a free room of the type on every night).
 */
const fail = <A>(failure: RouteFailure): Either.Either<A, RouteFailure> => Either.left(failure)

const isStatusCode = (code: string | undefined): code is BlockStatusCode =>
  blockStatusCodes.some((candidate) => candidate === code)

/** The Initial and Rates rows of a posted grid as nights; every cell must be a known room type on a block night. */
const allocationOf = (block: BlockType, dates: ReadonlyArray<string>, ratePlanCode: string): Either.Either<ReadonlyArray<BlockNight>, RouteFailure> => {
  const rows = block.roomAllocations?.roomAllocationType ?? []
  const figures = (kind: string) =>
    rows.filter((row) => row.allocation === kind).flatMap((row) =>
      (row.roomAllocationInfo ?? []).flatMap((day) =>
        (day.roomGridDetails ?? []).map((detail) => ({
          date: day.stayDate ?? "",
          roomType: detail.roomType ?? "",
          value: kind === "Rates" ? detail.rate?.onePerson : detail.inventory?.onePerson
        }))
      )
    )
  const nights: Array<BlockNight> = []
  for (const cell of figures("Initial")) {
    if (!dates.includes(cell.date)) {
      return fail(badRequest("roomAllocations has a stayDate outside the block's nights (startDate up to the day before endDate).", "INVALID_BLOCK_GRID"))
    }
    if (!roomTypes.some((type) => type.code === cell.roomType)) {
      return fail(badRequest(`Unknown room type in roomAllocations; this hotel has ${roomTypes.map((type) => type.code).join(", ")}.`, "INVALID_ROOM_TYPE"))
    }
    const rooms = cell.value ?? 0
    if (!Number.isInteger(rooms) || rooms < 0 || rooms > physicalRooms(cell.roomType)) {
      return fail(badRequest(`Rooms per night must be a whole number from 0 to the hotel's ${physicalRooms(cell.roomType)} ${cell.roomType} rooms.`, "INVALID_BLOCK_GRID"))
    }
    const rate = figures("Rates").find((entry) => entry.date === cell.date && entry.roomType === cell.roomType)?.value ??
      nightlyRate(cell.roomType, ratePlanCode) ?? 0
    if (!Number.isFinite(rate) || rate < 0) return fail(badRequest("Block rates must be amounts of at least 0.", "INVALID_BLOCK_GRID"))
    nights.push({ date: cell.date, roomType: cell.roomType, rooms, rate })
  }
  if (nights.every((night) => night.rooms === 0)) {
    return fail(businessRule("The block holds no rooms: give roomAllocations an Initial row with rooms per night and room type.", "BLOCK_WITHOUT_ROOMS"))
  }
  return Either.right(nights)
}

/** postBlock: a new block; rooms it deducts from inventory must still be free in the house on every night. */
export const createBlock = (
  book: BlockBook,
  property: PropertySnapshot,
  hotelId: string,
  requested: BlockType,
  nowIso: string
): Either.Either<readonly [BlockRecord, BlockBook], RouteFailure> => {
  const details = requested.blockDetails
  const blockCode = details?.blockCode?.trim() ?? ""
  const blockName = details?.blockName?.trim() ?? ""
  const startDate = details?.timeSpan?.startDate ?? ""
  const endDate = details?.timeSpan?.endDate ?? ""
  const status = details?.blockStatus?.bookingStatus?.status?.code ?? "TEN"
  const ratePlanCode = requested.reservationDetails?.ratePlanCode?.[0]?.ratePlanCode ?? ""
  if (requested.hotelId !== undefined && requested.hotelId !== hotelId) return fail(badRequest("The block's hotelId must match the hotel in the path."))
  if (!/^[A-Z0-9_-]{1,20}$/.test(blockCode)) return fail(badRequest("blockDetails.blockCode must be 1–20 capital letters, digits, - or _.", "INVALID_BLOCK_CODE"))
  if (blockName === "") return fail(badRequest("blockDetails.blockName is required."))
  if ([...book.blocks.values()].some((block) => block.hotelId === hotelId && block.blockCode === blockCode)) {
    return fail(businessRule(`Block code ${blockCode} is already used at hotel ${hotelId}.`, "BLOCK_CODE_EXISTS"))
  }
  if (!isIsoDate(startDate) || !isIsoDate(endDate)) return fail(badRequest("blockDetails.timeSpan needs startDate and endDate as YYYY-MM-DD."))
  if (endDate <= startDate) return fail(businessRule("The block's endDate (departure) must be after its startDate.", "INVALID_BLOCK_DATES"))
  if (startDate < property.businessDate) {
    return fail(businessRule(`Blocks cannot start before the business date ${property.businessDate}.`, "DATE_IN_PAST"))
  }
  const dates = blockNights({ startDate, endDate })
  if (dates.length > 60) return fail(businessRule("The sandbox holds blocks of at most 60 nights.", "INVALID_BLOCK_DATES"))
  if (!isStatusCode(status) || !blockStatuses[status].allowPickup && status !== "INQ") {
    return fail(badRequest("A new block's status must be INQ, TEN, DEF or ACT.", "INVALID_BLOCK_STATUS"))
  }
  const plan = ratePlans.find((candidate) => candidate.code === ratePlanCode)
  if (plan === undefined) {
    return fail(badRequest(`reservationDetails.ratePlanCode must name a rate plan; this hotel sells ${ratePlans.map((entry) => entry.code).join(", ")}.`, "INVALID_RATE_CODE"))
  }
  const cutoffDate = requested.reservationDetails?.cutOffDate ?? startDate
  if (!isIsoDate(cutoffDate) || cutoffDate > endDate) return fail(badRequest("reservationDetails.cutOffDate must be a date no later than the block's endDate."))
  return allocationOf(requested, dates, ratePlanCode).pipe(
    Either.flatMap((allocation): Either.Either<readonly [BlockRecord, BlockBook], RouteFailure> => {
      if (blockStatuses[status].deductInventory) {
        for (const night of allocation) {
          const free = physicalRooms(night.roomType) - soldOn(property, hotelId, night.roomType, night.date) -
            heldByBlocksOn(book, property, hotelId, night.date, night.roomType)
          if (night.rooms > free) {
            return fail(businessRule(
              `Not enough ${night.roomType} rooms on ${night.date}: ${night.rooms} asked for, ${Math.max(0, free)} free in the house.`,
              "INSUFFICIENT_INVENTORY"
            ))
          }
        }
      }
      const blockId = String(book.nextBlockNumber)
      const block: BlockRecord = {
        blockId, hotelId, blockCode, blockName, status, startDate, endDate, cutoffDate, ratePlanCode,
        marketCode: details?.marketCode?.marketCode ?? plan.marketCode,
        currencyCode: details?.currencyCode ?? "USD",
        allocation, reservationIds: [], createdAt: nowIso, modifiedAt: nowIso
      }
      return Either.right([block, { blocks: new Map(book.blocks).set(blockId, block), nextBlockNumber: book.nextBlockNumber + 1 }] as const)
    })
  )
}

/** postReservationByBlock: books the stay through the reservation book at the block's rate and counts it against the block. */
export const pickUpFromBlock = (
  book: BlockBook,
  property: PropertySnapshot,
  hotelId: string,
  blockId: string,
  requested: HotelReservation,
  nowIso: string
): Either.Either<readonly [ReservationRecord, BlockBook, PropertySnapshot], RouteFailure> =>
  findBlock(book, hotelId, blockId).pipe(
    Either.flatMap((block): Either.Either<readonly [ReservationRecord, BlockBook, PropertySnapshot], RouteFailure> => {
      const status = blockStatuses[block.status]
      if (!status.allowPickup) {
        return fail(businessRule(`Block ${block.blockCode} is ${status.description.toLowerCase()} and does not allow pick-up.`, "BLOCK_PICKUP_NOT_ALLOWED"))
      }
      if (property.businessDate > block.cutoffDate) {
        return fail(businessRule(`Block ${block.blockCode} passed its cut-off date ${block.cutoffDate}; its rooms went back to the house.`, "BLOCK_CUTOFF_PASSED"))
      }
      const stay = requested.roomStay
      const rate = stay?.roomRates?.[0]
      const arrivalDate = stay?.arrivalDate ?? rate?.start ?? ""
      const departureDate = stay?.departureDate ?? rate?.end ?? ""
      const roomType = rate?.roomType
      if (!isIsoDate(arrivalDate) || !isIsoDate(departureDate) || roomType === undefined) {
        return fail(badRequest("roomStay needs arrivalDate, departureDate and a room rate with roomType."))
      }
      if (arrivalDate < block.startDate || departureDate > block.endDate || departureDate <= arrivalDate) {
        return fail(businessRule(`The stay must fall within block ${block.blockCode}: arrival from ${block.startDate}, departure by ${block.endDate}.`, "BLOCK_DATES_MISMATCH"))
      }
      if (rate?.ratePlanCode !== undefined && rate.ratePlanCode !== block.ratePlanCode) {
        return fail(businessRule(`Block ${block.blockCode} sells rate plan ${block.ratePlanCode} only.`, "BLOCK_RATE_MISMATCH"))
      }
      const stayNights = blockNights({ startDate: arrivalDate, endDate: departureDate })
      for (const date of stayNights) {
        const night = allocationOn(block, date, roomType)
        if (night === undefined || night.rooms === 0) {
          return fail(businessRule(`Block ${block.blockCode} holds no ${roomType} rooms on ${date}.`, "ROOM_TYPE_NOT_IN_BLOCK"))
        }
        const taken = pickedUpOn(block, property, date, roomType)
        if (taken >= night.rooms) {
          return fail(businessRule(
            `Block ${block.blockCode} has no ${roomType} room left on ${date}: all ${night.rooms} are picked up.`,
            "BLOCK_ROOMS_UNAVAILABLE"
          ))
        }
      }
      const blockRate = allocationOn(block, arrivalDate, roomType)?.rate ?? 0
      const priced: HotelReservation = {
        ...requested,
        roomStay: {
          ...stay,
          roomRates: [{
            ...rate,
            ratePlanCode: block.ratePlanCode,
            rates: { rate: [{ base: { amountBeforeTax: blockRate, currencyCode: block.currencyCode } }] },
            sourceCode: rate?.sourceCode ?? "GRP"
          }]
        }
      }
      return createReservation(property, hotelId, priced, nowIso).pipe(
        Either.map(([reservation, nextProperty]) => {
          const updated = { ...block, reservationIds: [...block.reservationIds, reservation.reservationId], modifiedAt: nowIso }
          return [reservation, { ...book, blocks: new Map(book.blocks).set(block.blockId, updated) }, nextProperty] as const
        })
      )
    })
  )
