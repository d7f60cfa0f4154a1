import { Schema } from "effect"
import { Links, OhipNumber, pagingFields, UniqueIdList, Warnings } from "./common.js"

/**
 * The parts of blk.json's definitions this project reads or writes, named
 * after the spec's definitions. Every field is optional, as in the spec, and
 * unknown fields are ignored on decode.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)
const count = optional(OhipNumber)

/** `codeDescriptionType`. */
export const CodeDescription = Schema.Struct({ code: text, description: text })

/** `bookingStatusType`: a block status code such as DEF, TEN, INQ, CXL. */
export const BookingStatus = Schema.Struct({ status: optional(CodeDescription), color: text, returnToInventory: flag })

/** `bookingStatusDetailType`. */
export const BookingStatusDetail = Schema.Struct({
  bookingStatus: optional(BookingStatus),
  deductInventory: flag,
  allowPickup: flag,
  returnToInventory: flag,
  statusType: text
})

/** `timeSpanType`: a block's arrival (startDate) and departure (endDate). */
export const TimeSpan = Schema.Struct({ startDate: text, endDate: text, duration: text })

/** `blockGridInvType` / `blockGridRatesType`: figures per occupancy; the sandbox and this client use onePerson. */
export const GridFigures = Schema.Struct({
  onePerson: count,
  twoPerson: count,
  threePerson: count,
  fourPerson: count
})

/** `roomGridDetailsType`. */
export const RoomGridDetails = Schema.Struct({
  inventory: optional(GridFigures),
  rate: optional(GridFigures),
  roomType: text
})

/** `roomAllocationInfoType`: one stay date of the grid. */
export const RoomAllocationInfo = Schema.Struct({
  roomGridDetails: optional(Schema.Array(RoomGridDetails)),
  stayDate: text
})

/** `roomAllocationTypeType`: one row kind of the grid (Initial, Pickup, Available, Rates …). */
export const RoomAllocationRow = Schema.Struct({
  roomAllocationInfo: optional(Schema.Array(RoomAllocationInfo)),
  allocation: text
})

/** `blockType.roomAllocations`. */
export const RoomAllocations = Schema.Struct({
  roomAllocationType: optional(Schema.Array(RoomAllocationRow)),
  startDate: text,
  numberOfDays: count
})

/** `blockRatePlanInfoType` (the fields read here). */
export const BlockRatePlanInfo = Schema.Struct({ ratePlanCode: text, description: text, currencyCode: text, primary: flag })

/** `blockDetailsType` (the fields read and written here). */
export const BlockDetails = Schema.Struct({
  blockCode: text,
  blockName: text,
  timeSpan: optional(TimeSpan),
  blockStatus: optional(BookingStatusDetail),
  marketCode: optional(Schema.Struct({ marketCode: text, description: text })),
  sourceOfSale: optional(Schema.Struct({ sourceCode: optional(Schema.Struct({ sourceCode: text, description: text })) })),
  reservationType: optional(Schema.Struct({ reservationType: text, description: text })),
  currencyCode: text,
  hotelName: text,
  blockClassification: text
})

/** `blockReservationDetailsType` (the fields read and written here). */
export const BlockReservationDetails = Schema.Struct({
  ratePlanCode: optional(Schema.Array(BlockRatePlanInfo)),
  cutOffDate: text,
  inventoryControl: text,
  personsPerRoom: count
})

/** `blockType`. */
export const BlockType = Schema.Struct({
  blockIdList: optional(UniqueIdList),
  blockDetails: optional(BlockDetails),
  reservationDetails: optional(BlockReservationDetails),
  roomAllocations: optional(RoomAllocations),
  hotelId: text,
  createDateTime: text,
  lastModifyDateTime: text
})
export type BlockType = typeof BlockType.Type

/** `block`: getBlock 200 and the postBlock request body. */
export const BlockEnvelope = Schema.Struct({
  blocks: optional(Schema.Struct({
    blockInfo: optional(Schema.Array(Schema.Struct({ block: optional(BlockType) }))),
    hasMore: flag,
    totalResults: count,
    count
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type BlockEnvelope = typeof BlockEnvelope.Type

/** `blockSummaryType`. */
export const BlockSummaryType = Schema.Struct({
  hotelId: text,
  blockCode: text,
  blockName: text,
  blockStatus: optional(BookingStatus),
  status: text,
  rateCode: text,
  startDate: text,
  endDate: text,
  rooms: count,
  actualRooms: count,
  cutoffDate: text,
  tentativeBlock: flag,
  deductInventory: flag
})

/** `blockSummaries`: the answer of getBlocks. */
export const BlockSummaries = Schema.Struct({
  blockSummaries: optional(Schema.Struct({
    blockInfo: optional(Schema.Array(Schema.Struct({
      blockIdList: optional(UniqueIdList),
      block: optional(BlockSummaryType)
    }))),
    ...pagingFields
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type BlockSummaries = typeof BlockSummaries.Type
