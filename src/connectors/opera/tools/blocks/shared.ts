import { Effect, Option, Schema } from "effect"
import type { BlockDetail, BlockGridCell, BlockSummary } from "../../client/blocks.js"
import { blockFromEnvelope, getBlock as getRequest, GetBlockResponse } from "../../client/blocks.js"
import { OperaClient } from "../../client/OperaClient.js"
import { operaId } from "../../../../tools/fields.js"
import { ToolError } from "../../../../tools/Tool.js"

/** Argument shapes and renderings shared by the block tools. */
export const BlockId = operaId("block", "OPERA block id (the internal id search_blocks returns, not the block code)")

export const BlockCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be 1–20 capital letters, digits, - or _" }),
  Schema.annotations({ description: "Block code as the sales office writes it, e.g. WED-HARPER" })
)

export const BlockStatus = Schema.Literal("INQ", "TEN", "DEF", "ACT", "CXL", "LOS").annotations({
  description: "Block status: INQ inquiry, TEN tentative, DEF definite, ACT actual, CXL cancelled, LOS lost"
})

/** Reads one block with its room grid; shared by the tools that show a block after changing it. */
export const readBlock = (hotelId: string, blockId: string, window: { readonly startDate?: string; readonly numberOfDays?: number } = {}) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(getRequest({ hotelId, blockId, ...window }), GetBlockResponse)),
    Effect.flatMap((body) =>
      Option.match(blockFromEnvelope(body), {
        onNone: () => Effect.fail(new ToolError({ message: `OPERA returned no block for id ${blockId}.` })),
        onSome: Effect.succeed
      })
    )
  )

const join = (parts: ReadonlyArray<string | undefined>) =>
  parts.filter((part): part is string => part !== undefined && part !== "").join(" | ")

export const blockLine = (block: BlockSummary): string =>
  join([
    `block ${block.blockId}`,
    block.blockCode,
    block.name,
    block.status !== undefined ? `${block.status}${block.statusDescription !== undefined ? ` (${block.statusDescription})` : ""}` : undefined,
    block.startDate !== undefined ? `${block.startDate} → ${block.endDate ?? "?"}` : undefined,
    block.cutoffDate !== undefined ? `cut-off ${block.cutoffDate}` : undefined,
    block.ratePlanCode !== undefined ? `rate ${block.ratePlanCode}` : undefined,
    block.roomNights !== undefined ? `${block.pickedUpNights ?? 0}/${block.roomNights} room nights picked up` : undefined
  ])

const gridRow = (cell: BlockGridCell) =>
  `  ${cell.date}  ${cell.roomType.padEnd(6)} ${String(cell.blocked).padStart(7)} ${String(cell.pickedUp).padStart(9)} ` +
  `${String(cell.available).padStart(9)}${cell.rate !== undefined ? `  ${cell.rate.toFixed(2)}` : ""}`

/** The block's header line and its grid as a small table. */
export const blockText = (block: BlockDetail): string =>
  [
    blockLine(block),
    ...(block.allowPickup === false ? ["Pick-up is not allowed in this status."] : []),
    block.grid.length === 0
      ? "No room grid for the dates asked."
      : "  date        type   blocked picked up available  rate",
    ...block.grid.map(gridRow),
    `Totals: ${block.totals.blocked} blocked, ${block.totals.pickedUp} picked up, ${block.totals.available} available room nights`
  ].join("\n")
