import { Effect, Schema } from "effect"
import { BlockDetail } from "../../client/blocks.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { BlockId, blockText, readBlock } from "./shared.js"

export const getBlock = defineTool({
  name: "get_block",
  domain: "blocks",
  operations: ["blk.getBlock"],
  description: "Read one block with its room grid: for every night and room type the rooms blocked, picked up by " +
    "reservations and still available, and the block rate. Whole block by default, or a window of dates.",
  annotations: { title: "Get block", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    blockId: BlockId,
    fromDate: optional(IsoDate.annotations({ description: "First night of the grid to show (YYYY-MM-DD); default the block's start" })),
    days: optional(Schema.Int.pipe(Schema.between(1, 60)).annotations({
      description: "Number of nights of the grid to show (1–60); default the whole block"
    }))
  }),
  output: Schema.Struct({ block: BlockDetail }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.blockId] }))),
  handler: (input) =>
    hotelFor(input.hotelId).pipe(
      Effect.flatMap((hotelId) =>
        readBlock(hotelId, input.blockId, {
          ...(input.fromDate !== undefined ? { startDate: input.fromDate } : {}),
          ...(input.days !== undefined ? { numberOfDays: input.days } : {})
        })
      ),
      Effect.map((block) => ({ block }))
    ),
  render: ({ block }) => blockText(block)
})
