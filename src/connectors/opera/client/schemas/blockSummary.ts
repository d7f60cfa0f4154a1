import { Option, Schema } from "effect"
import type { Paging } from "./common.js"
import { defined, idOfType } from "./common.js"
import type { BlockEnvelope, BlockSummaries, BlockType } from "./blocks.js"

/**
 * The compact block records an AI assistant reads, and the mappings from
 * OHIP bodies to them. Tolerant: absent fields stay absent.
 */
export const BlockSummary = Schema.Struct({
  blockId: Schema.String,
  blockCode: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  /** OPERA block status code: INQ, TEN, DEF, ACT, CXL, LOS … */
  status: Schema.optional(Schema.String),
  statusDescription: Schema.optional(Schema.String),
  /** First night (arrival) of the block. */
  startDate: Schema.optional(Schema.String),
  /** Departure date of the block (its last night is the day before). */
  endDate: Schema.optional(Schema.String),
  cutoffDate: Schema.optional(Schema.String),
  ratePlanCode: Schema.optional(Schema.String),
  /** Room nights held for the block. */
  roomNights: Schema.optional(Schema.Number),
  /** Room nights already picked up by reservations. */
  pickedUpNights: Schema.optional(Schema.Number)
})
export type BlockSummary = typeof BlockSummary.Type

/** One cell of the room grid: a stay date and room type. */
export const BlockGridCell = Schema.Struct({
  date: Schema.String,
  roomType: Schema.String,
  blocked: Schema.Number,
  pickedUp: Schema.Number,
  available: Schema.Number,
  /** Nightly block rate for one person. */
  rate: Schema.optional(Schema.Number)
})
export type BlockGridCell = typeof BlockGridCell.Type

export const BlockDetail = Schema.Struct({
  ...BlockSummary.fields,
  allowPickup: Schema.optional(Schema.Boolean),
  currencyCode: Schema.optional(Schema.String),
  marketCode: Schema.optional(Schema.String),
  grid: Schema.Array(BlockGridCell),
  /** Sums over the grid shown (the dates asked for). */
  totals: Schema.Struct({ blocked: Schema.Number, pickedUp: Schema.Number, available: Schema.Number })
})
export type BlockDetail = typeof BlockDetail.Type

/** getBlocks answer → summaries and paging. */
export const blocksFromSearch = (body: BlockSummaries): { readonly blocks: ReadonlyArray<BlockSummary>; readonly paging: Paging } => {
  const page = body.blockSummaries
  const blocks = (page?.blockInfo ?? []).flatMap((entry): Array<BlockSummary> => {
    const blockId = idOfType(entry.blockIdList, "Block") ?? entry.blockIdList?.[0]?.id
    if (blockId === undefined) return []
    const block = entry.block
    return [defined({
      blockId,
      blockCode: block?.blockCode,
      name: block?.blockName,
      status: block?.blockStatus?.status?.code ?? block?.status,
      statusDescription: block?.blockStatus?.status?.description,
      startDate: block?.startDate,
      endDate: block?.endDate,
      cutoffDate: block?.cutoffDate,
      ratePlanCode: block?.rateCode,
      roomNights: block?.rooms,
      pickedUpNights: block?.actualRooms
    })]
  })
  const offset = page?.offset ?? 0
  const total = page?.totalResults ?? offset + blocks.length
  return {
    blocks,
    paging: {
      offset,
      limit: page?.limit ?? blocks.length,
      hasMore: page?.hasMore ?? offset + blocks.length < total,
      totalResults: total,
      count: page?.count ?? blocks.length
    }
  }
}

type GridKind = "Initial" | "Pickup" | "Available" | "Rates"

/** Folds the grid rows (one per allocation kind) into one cell per date and room type. */
export const gridOf = (block: BlockType): ReadonlyArray<BlockGridCell> => {
  const cells = new Map<string, { date: string; roomType: string; figures: Partial<Record<GridKind, number>> }>()
  for (const row of block.roomAllocations?.roomAllocationType ?? []) {
    const kind = row.allocation
    if (kind !== "Initial" && kind !== "Pickup" && kind !== "Available" && kind !== "Rates") continue
    for (const day of row.roomAllocationInfo ?? []) {
      for (const detail of day.roomGridDetails ?? []) {
        if (day.stayDate === undefined || detail.roomType === undefined) continue
        const key = `${day.stayDate}/${detail.roomType}`
        const cell = cells.get(key) ?? { date: day.stayDate, roomType: detail.roomType, figures: {} }
        const value = kind === "Rates" ? detail.rate?.onePerson : detail.inventory?.onePerson
        if (value !== undefined) cell.figures[kind] = value
        cells.set(key, cell)
      }
    }
  }
  return [...cells.values()]
    .map(({ date, figures, roomType }) => {
      const blocked = figures.Initial ?? 0
      const pickedUp = figures.Pickup ?? 0
      return defined({
        date,
        roomType,
        blocked,
        pickedUp,
        available: figures.Available ?? Math.max(0, blocked - pickedUp),
        rate: figures.Rates
      })
    })
    .sort((left, right) => left.date.localeCompare(right.date) || left.roomType.localeCompare(right.roomType))
}

const sum = (cells: ReadonlyArray<BlockGridCell>, field: "blocked" | "pickedUp" | "available") =>
  cells.reduce((total, cell) => total + cell[field], 0)

/** getBlock answer → the block with its room grid; none without a block id. */
export const blockFromEnvelope = (body: BlockEnvelope): Option.Option<BlockDetail> => {
  const block = body.blocks?.blockInfo?.[0]?.block
  const blockId = idOfType(block?.blockIdList, "Block") ?? block?.blockIdList?.[0]?.id
  if (block === undefined || blockId === undefined) return Option.none()
  const details = block.blockDetails
  const grid = gridOf(block)
  const totals = { blocked: sum(grid, "blocked"), pickedUp: sum(grid, "pickedUp"), available: sum(grid, "available") }
  const rates = block.reservationDetails?.ratePlanCode ?? []
  return Option.some({
    ...defined({
      blockId,
      blockCode: details?.blockCode,
      name: details?.blockName,
      status: details?.blockStatus?.bookingStatus?.status?.code,
      statusDescription: details?.blockStatus?.bookingStatus?.status?.description,
      startDate: details?.timeSpan?.startDate,
      endDate: details?.timeSpan?.endDate,
      cutoffDate: block.reservationDetails?.cutOffDate,
      ratePlanCode: (rates.find((rate) => rate.primary === true) ?? rates[0])?.ratePlanCode,
      allowPickup: details?.blockStatus?.allowPickup,
      currencyCode: details?.currencyCode,
      marketCode: details?.marketCode?.marketCode
    }),
    grid,
    totals
  })
}
