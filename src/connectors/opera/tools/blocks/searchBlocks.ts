import { Effect, Schema } from "effect"
import { blocksFromSearch, BlockSummary, searchBlocks as searchRequest, SearchBlocksResponse } from "../../client/blocks.js"
import { Paging as PagingOutput } from "../../client/schemas/common.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional, Paging } from "../../../../tools/fields.js"
import { pageLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { BlockCode, blockLine, BlockStatus } from "./shared.js"

export const searchBlocks = defineTool({
  name: "search_blocks",
  domain: "blocks",
  operations: ["blk.getBlocks"],
  description: "Find group blocks (weddings, conferences, tours) at a hotel by name, code, status, start dates or a " +
    "night they hold rooms. Returns each block's id, dates, cut-off, rate plan and room nights picked up, with OHIP " +
    "paging (limit/offset/hasMore). Use get_block for a block's room grid.",
  annotations: { title: "Search blocks", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    name: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(80)).annotations({
      description: "Part of the block name, e.g. wedding"
    })),
    blockCode: optional(BlockCode),
    status: optional(Schema.Array(BlockStatus).pipe(Schema.minItems(1), Schema.maxItems(6)).annotations({
      description: "Only blocks in these statuses"
    })),
    startFrom: optional(IsoDate.annotations({ description: "Blocks starting on or after this date (YYYY-MM-DD)" })),
    startTo: optional(IsoDate.annotations({ description: "Blocks starting on or before this date (YYYY-MM-DD)" })),
    stayDate: optional(IsoDate.annotations({ description: "Blocks holding rooms on this night (YYYY-MM-DD)" })),
    openForPickup: optional(Schema.Boolean.annotations({
      description: "true: only blocks whose status allows pick-up and whose cut-off date has not passed"
    })),
    ...Paging
  }),
  output: Schema.Struct({ blocks: Schema.Array(BlockSummary), paging: PagingOutput }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        searchRequest({
          hotelId,
          ...(input.name !== undefined ? { blockName: input.name } : {}),
          ...(input.blockCode !== undefined ? { blockCode: input.blockCode } : {}),
          ...(input.status !== undefined ? { statuses: input.status } : {}),
          ...(input.startFrom !== undefined ? { startFrom: input.startFrom } : {}),
          ...(input.startTo !== undefined ? { startTo: input.startTo } : {}),
          ...(input.stayDate !== undefined ? { stayDate: input.stayDate } : {}),
          ...(input.openForPickup !== undefined ? { onlyPickupBlocks: input.openForPickup } : {}),
          limit: input.limit,
          offset: input.offset
        }),
        SearchBlocksResponse
      )
      return blocksFromSearch(body)
    }),
  render: ({ blocks, paging }) => [pageLine(paging, "blocks"), ...blocks.map(blockLine)].join("\n")
})
