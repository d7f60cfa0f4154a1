import type { BlockRecord } from "../blockBook.js"
import { allocationOn, blockNights, blockStatuses, blockTotals, pickedUpOn } from "../blockBook.js"
import { addDays } from "../calendar.js"
import type { PropertySnapshot } from "../property.js"
import { ratePlans } from "../property.js"

/** Blocks as blk.json shapes them: `blockSummaryType` in searches, `blockType` with its room grid in getBlock. */
export type GridCriterion = "Initial" | "Pickup" | "Available" | "Rates"

const statusOf = (block: BlockRecord) => ({
  status: { code: block.status, description: blockStatuses[block.status].description }
})

const blockIdList = (block: BlockRecord) => [{ id: block.blockId, type: "Block" }]

export const renderBlockSummary = (block: BlockRecord, property: PropertySnapshot) => {
  const totals = blockTotals(block, property)
  const status = blockStatuses[block.status]
  return {
    blockIdList: blockIdList(block),
    block: {
      hotelId: block.hotelId,
      blockCode: block.blockCode,
      blockName: block.blockName,
      blockStatus: statusOf(block),
      status: status.statusType,
      rateCode: block.ratePlanCode,
      startDate: block.startDate,
      endDate: block.endDate,
      rooms: totals.rooms,
      actualRooms: totals.pickedUp,
      cutoffDate: block.cutoffDate,
      tentativeBlock: block.status === "TEN",
      deductInventory: status.deductInventory,
      createDateTime: block.createdAt,
      lastModifyDateTime: block.modifiedAt
    }
  }
}

export interface GridWindow {
  readonly startDate: string
  readonly numberOfDays: number
  readonly criteria: ReadonlyArray<GridCriterion>
}

/** The room grid: one row per criterion, one entry per block night in the window, one detail per room type. */
const renderGrid = (block: BlockRecord, property: PropertySnapshot, window: GridWindow) => {
  const last = addDays(window.startDate, window.numberOfDays)
  const dates = blockNights(block).filter((date) => date >= window.startDate && date < last)
  const roomTypesOf = (date: string) => [...new Set(block.allocation.filter((night) => night.date === date).map((night) => night.roomType))]
  const detail = (criterion: GridCriterion, date: string, roomType: string) => {
    const night = allocationOn(block, date, roomType)
    const held = night?.rooms ?? 0
    const picked = pickedUpOn(block, property, date, roomType)
    switch (criterion) {
      case "Initial":
        return { roomType, inventory: { onePerson: held } }
      case "Pickup":
        return { roomType, inventory: { onePerson: picked } }
      case "Available":
        return { roomType, inventory: { onePerson: Math.max(0, held - picked) } }
      case "Rates":
        return { roomType, rate: { onePerson: night?.rate ?? 0 } }
    }
  }
  return {
    roomAllocationType: window.criteria.map((allocation) => ({
      allocation,
      roomAllocationInfo: dates.map((stayDate) => ({
        stayDate,
        roomGridDetails: roomTypesOf(stayDate).map((roomType) => detail(allocation, stayDate, roomType))
      }))
    })),
    startDate: window.startDate,
    numberOfDays: window.numberOfDays
  }
}

/** `block` (getBlock 200); the grid only when asked for. */
export const renderBlock = (block: BlockRecord, property: PropertySnapshot, window: GridWindow | undefined) => {
  const status = blockStatuses[block.status]
  const plan = ratePlans.find((candidate) => candidate.code === block.ratePlanCode)
  const hotelName = property.hotels.find((hotel) => hotel.hotelId === block.hotelId)?.hotelName
  return {
    blocks: {
      blockInfo: [{
        block: {
          blockIdList: blockIdList(block),
          blockDetails: {
            blockCode: block.blockCode,
            blockName: block.blockName,
            timeSpan: { startDate: block.startDate, endDate: block.endDate },
            blockStatus: {
              bookingStatus: statusOf(block),
              deductInventory: status.deductInventory,
              allowPickup: status.allowPickup,
              returnToInventory: status.statusType === "Cancel",
              statusType: status.statusType
            },
            marketCode: { marketCode: block.marketCode, hotelId: block.hotelId },
            currencyCode: block.currencyCode,
            ...(hotelName === undefined ? {} : { hotelName }),
            blockClassification: "RegularBooking"
          },
          reservationDetails: {
            ratePlanCode: [{
              ratePlanCode: block.ratePlanCode,
              ...(plan === undefined ? {} : { description: plan.description }),
              currencyCode: block.currencyCode,
              primary: true
            }],
            cutOffDate: block.cutoffDate,
            inventoryControl: "NonElastic"
          },
          ...(window === undefined ? {} : { roomAllocations: renderGrid(block, property, window) }),
          hotelId: block.hotelId,
          createDateTime: block.createdAt,
          lastModifyDateTime: block.modifiedAt
        }
      }],
      hasMore: false,
      totalResults: 1,
      count: 1
    }
  }
}

export const blockLink = (baseUrl: string, block: BlockRecord) => ({
  href: `${baseUrl}/blk/v1/hotels/${encodeURIComponent(block.hotelId)}/blocks/${block.blockId}`,
  rel: "self",
  templated: false,
  method: "GET",
  operationId: "getBlock"
})
