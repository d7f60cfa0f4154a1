import { Effect, Schema } from "effect"
import { BlockDetail, createBlock as createRequest, CreateBlockResponse } from "../../client/blocks.js"
import { idFromLinks } from "../../client/schemas/common.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { RatePlanCode, RoomTypeCode } from "../reservations/shared.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { BlockCode, blockText, readBlock } from "./shared.js"

const RoomsPerNight = Schema.Struct({
  roomType: RoomTypeCode,
  rooms: Schema.Int.pipe(Schema.between(1, 500)).annotations({ description: "Rooms held every night (1–500)" }),
  rate: optional(Schema.Number.pipe(Schema.positive(), Schema.lessThanOrEqualTo(100_000)).annotations({
    description: "Negotiated nightly rate for one person; omit to use the rate plan's price"
  }))
})

const Input = Schema.Struct({
  hotelId: optional(HotelId),
  blockCode: BlockCode,
  name: Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(80)).annotations({
    description: "Block name, e.g. Harper and Lee Wedding"
  }),
  startDate: IsoDate.annotations({ description: "First night (arrival) as YYYY-MM-DD" }),
  endDate: IsoDate.annotations({ description: "Departure date as YYYY-MM-DD; the last night is the day before" }),
  status: optional(Schema.Literal("INQ", "TEN", "DEF", "ACT").annotations({
    description: "INQ inquiry, TEN tentative (default; does not take rooms from the house), DEF definite, ACT actual"
  })),
  ratePlanCode: RatePlanCode,
  cutoffDate: optional(IsoDate.annotations({ description: "Date unpicked rooms go back to the house (YYYY-MM-DD); default the start date" })),
  marketCode: optional(Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/)).annotations({ description: "Market code; default the rate plan's" })),
  rooms: Schema.Array(RoomsPerNight).pipe(Schema.minItems(1), Schema.maxItems(10)).annotations({
    description: "Rooms held per night for each room type, e.g. [{ roomType: KING, rooms: 10, rate: 189 }]"
  })
}).pipe(
  Schema.filter((input) => input.endDate > input.startDate || { path: ["endDate"], message: "must be after startDate" }),
  Schema.filter((input) =>
    new Set(input.rooms.map((entry) => entry.roomType)).size === input.rooms.length ||
    { path: ["rooms"], message: "must name each room type once" }
  )
)

export const createBlock = defineTool({
  name: "create_block",
  domain: "blocks",
  operations: ["blk.postBlock", "blk.getBlock"],
  description: "Create a group block holding rooms per night and room type at a block rate. Definite (DEF/ACT) blocks " +
    "take the rooms from the house, so OPERA refuses them when the house is full. Returns the block with its room grid.",
  annotations: { title: "Create block", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Input,
  output: Schema.Struct({ block: BlockDetail }),
  facts: (input) =>
    hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({
      hotelId,
      objectIds: [input.blockCode],
      summary: `Create block ${input.blockCode} at hotel ${hotelId} from ${input.startDate} to ${input.endDate}.`
    }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        createRequest({
          hotelId,
          blockCode: input.blockCode,
          blockName: input.name,
          startDate: input.startDate,
          endDate: input.endDate,
          status: input.status ?? "TEN",
          ratePlanCode: input.ratePlanCode,
          ...(input.cutoffDate !== undefined ? { cutoffDate: input.cutoffDate } : {}),
          ...(input.marketCode !== undefined ? { marketCode: input.marketCode } : {}),
          rooms: input.rooms.map((entry) => ({ roomType: entry.roomType, rooms: entry.rooms, ...(entry.rate !== undefined ? { rate: entry.rate } : {}) }))
        }),
        CreateBlockResponse
      )
      const blockId = idFromLinks(body.links)
      if (blockId === undefined) return yield* new ToolError({ message: "OPERA created the block but did not say its id; find it with search_blocks." })
      return { block: yield* readBlock(hotelId, blockId) }
    }),
  render: ({ block }) => `Created ${blockText(block)}`
})
