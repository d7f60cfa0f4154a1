import { DateTime } from "effect"
import type { OperaRequest } from "./OperaRequest.js"
import { BlockEnvelope, BlockSummaries } from "./schemas/blocks.js"
import { defined, LinksAndWarnings } from "./schemas/common.js"

/**
 * OHIP blocks (blk, and rsv's pick-up from a block): one pure request builder
 * per operation and the Schema its answer decodes with. Inputs are
 * already-decoded tool arguments. Compact records: ./schemas/blockSummary.ts.
 */
export * from "./schemas/blockSummary.js"

/** Block status codes as OPERA configures them out of the box. */
export type BlockStatusCode = "INQ" | "TEN" | "DEF" | "ACT" | "CXL" | "LOS"

export interface BlockSearch {
  readonly hotelId: string
  readonly blockCode?: string
  readonly blockName?: string
  readonly statuses?: ReadonlyArray<BlockStatusCode>
  /** Blocks whose first night falls in this range. */
  readonly startFrom?: string
  readonly startTo?: string
  /** Blocks that hold rooms on this night. */
  readonly stayDate?: string
  readonly onlyPickupBlocks?: boolean
  readonly limit?: number
  readonly offset?: number
}

/** getBlocks: GET /blocks, the hotel as a query parameter. */
export const searchBlocks = (input: BlockSearch): OperaRequest => ({
  module: "blk",
  operationId: "getBlocks",
  method: "GET",
  template: "/blocks",
  query: defined({
    hotelId: input.hotelId,
    blockCode: input.blockCode,
    blockName: input.blockName,
    blockStatus: input.statuses,
    blockStartStartDate: input.startFrom,
    blockStartEndDate: input.startTo,
    stayDate: input.stayDate,
    onlyPickupBlocks: input.onlyPickupBlocks,
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const SearchBlocksResponse = BlockSummaries

/** The grid rows get_block shows: rooms held, picked up, still available, and the block rate. */
export const gridCriteria = ["Initial", "Pickup", "Available", "Rates"] as const

/** getBlock with its room grid (fetch instruction RateGrid). */
export const getBlock = (input: {
  readonly hotelId: string
  readonly blockId: string
  readonly startDate?: string
  readonly numberOfDays?: number
}): OperaRequest => ({
  module: "blk",
  operationId: "getBlock",
  method: "GET",
  template: "/hotels/{hotelId}/blocks/{blockId}",
  params: { hotelId: input.hotelId, blockId: input.blockId },
  query: defined({
    fetchInstructions: ["Block", "RateGrid"],
    roomAllocationCriteria: gridCriteria,
    startDate: input.startDate,
    numberOfDays: input.numberOfDays
  }),
  hotelId: input.hotelId
})
export const GetBlockResponse = BlockEnvelope

export interface NewBlock {
  readonly hotelId: string
  readonly blockCode: string
  readonly blockName: string
  /** First night. */
  readonly startDate: string
  /** Departure date (the last night is the day before). */
  readonly endDate: string
  readonly status: BlockStatusCode
  readonly ratePlanCode: string
  readonly cutoffDate?: string
  readonly marketCode?: string
  /** Rooms held every night, per room type, with an optional negotiated nightly rate. */
  readonly rooms: ReadonlyArray<{ readonly roomType: string; readonly rooms: number; readonly rate?: number }>
}

/** The nights of a stay: arrival up to the day before departure (at most a year). */
export const nightsOf = (startDate: string, endDate: string): ReadonlyArray<string> => {
  const nights: Array<string> = []
  const end = DateTime.unsafeMake(endDate)
  for (let day = DateTime.unsafeMake(startDate); DateTime.lessThan(day, end) && nights.length < 366; day = DateTime.add(day, { days: 1 })) {
    nights.push(DateTime.formatIsoDateUtc(day))
  }
  return nights
}

/** postBlock: body is the spec's `block`, with the room grid as Initial (rooms) and Rates rows. */
export const createBlock = (input: NewBlock): OperaRequest => {
  const nights = nightsOf(input.startDate, input.endDate)
  const row = (allocation: "Initial" | "Rates", pick: (entry: NewBlock["rooms"][number]) => number | undefined) => ({
    allocation,
    roomAllocationInfo: nights.map((stayDate) => ({
      stayDate,
      roomGridDetails: input.rooms.flatMap((entry) => {
        const value = pick(entry)
        if (value === undefined) return []
        return [allocation === "Rates"
          ? { roomType: entry.roomType, rate: { onePerson: value } }
          : { roomType: entry.roomType, inventory: { onePerson: value } }]
      })
    }))
  })
  const withRates = input.rooms.some((entry) => entry.rate !== undefined)
  return {
    module: "blk",
    operationId: "postBlock",
    method: "POST",
    template: "/hotels/{hotelId}/block",
    params: { hotelId: input.hotelId },
    body: {
      blocks: {
        blockInfo: [{
          block: {
            blockDetails: defined({
              blockCode: input.blockCode,
              blockName: input.blockName,
              timeSpan: { startDate: input.startDate, endDate: input.endDate },
              blockStatus: { bookingStatus: { status: { code: input.status } } },
              marketCode: input.marketCode === undefined ? undefined : { marketCode: input.marketCode }
            }),
            reservationDetails: defined({
              ratePlanCode: [{ ratePlanCode: input.ratePlanCode, primary: true }],
              cutOffDate: input.cutoffDate
            }),
            roomAllocations: {
              roomAllocationType: [
                row("Initial", (entry) => entry.rooms),
                ...(withRates ? [row("Rates", (entry) => entry.rate)] : [])
              ]
            },
            hotelId: input.hotelId
          }
        }]
      }
    },
    hotelId: input.hotelId
  }
}
export const CreateBlockResponse = LinksAndWarnings

export interface BlockPickup {
  readonly hotelId: string
  readonly blockId: string
  readonly arrivalDate: string
  readonly departureDate: string
  readonly roomType: string
  readonly adults: number
  readonly children?: number
  /** An existing profile, or the name of a new guest. */
  readonly guest: { readonly profileId: string } | { readonly givenName?: string; readonly surname: string }
}

/** postReservationByBlock (rsv.json): body is the spec's `createReservation`; the block's rate applies. */
export const pickUpReservation = (input: BlockPickup): OperaRequest => {
  const counts = { adults: input.adults, children: input.children ?? 0 }
  const profileInfo = "profileId" in input.guest
    ? { profileIdList: [{ id: input.guest.profileId, type: "Profile" }] }
    : {
      profile: {
        customer: { personName: [defined({ givenName: input.guest.givenName, surname: input.guest.surname, nameType: "Primary" })] },
        profileType: "Guest"
      }
    }
  return {
    module: "rsv",
    operationId: "postReservationByBlock",
    method: "POST",
    template: "/hotels/{hotelId}/blocks/{blockId}/reservations",
    params: { hotelId: input.hotelId, blockId: input.blockId },
    body: {
      reservations: {
        reservation: [{
          roomStay: {
            roomRates: [{
              guestCounts: counts,
              reservationBlock: { blockIdList: [{ id: input.blockId, type: "Block" }], hotelId: input.hotelId },
              roomType: input.roomType,
              start: input.arrivalDate,
              end: input.departureDate,
              numberOfUnits: 1
            }],
            guestCounts: counts,
            arrivalDate: input.arrivalDate,
            departureDate: input.departureDate
          },
          reservationGuests: [{ profileInfo, primary: true }],
          hotelId: input.hotelId,
          roomStayReservation: true
        }]
      }
    },
    hotelId: input.hotelId
  }
}
export const PickUpReservationResponse = LinksAndWarnings
