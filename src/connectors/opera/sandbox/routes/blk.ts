import { Clock, Effect, Schema } from "effect"
import { BlockEnvelope } from "../../client/schemas/blocks.js"
import { UniqueIdList } from "../../client/schemas/common.js"
import { CreateReservationRequest } from "../../client/schemas/reservation.js"
import type { BlockRecord } from "../blockBook.js"
import { blockNights, blockStatuses, findBlock } from "../blockBook.js"
import { createBlock, pickUpFromBlock } from "../blockRules.js"
import { isoDateTimeOf } from "../calendar.js"
import { BooleanParam, DateParam, decodeBody, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { badRequest } from "../ohipErrors.js"
import type { GridCriterion } from "../render/block.js"
import { blockLink, renderBlock, renderBlockSummary } from "../render/block.js"
import { reservationLink } from "../render/reservation.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"

/** Blocks (blk.json, base path /blk/v1), and the pick-up of a reservation from a block, which OHIP files under rsv.json. */
const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const param = (request: SandboxRequest, name: string): string => request.params[name] ?? ""

const route = (
  module: "blk" | "rsv",
  operationId: string,
  method: SandboxRoute["method"],
  template: string,
  body: SandboxRoute["body"],
  handler: SandboxRoute["handler"]
): SandboxRoute => ({ module, operationId, method, template, auth: "bearer", body, handler })

const optional = Schema.optional

const BlocksQuery = Schema.Struct({
  hotelId: optional(single(Schema.String)),
  limit: optional(single(WholeNumberParam)),
  offset: optional(single(WholeNumberParam)),
  blockCode: optional(single(Schema.String)),
  blockName: optional(single(Schema.String)),
  blockStatus: optional(Schema.Array(Schema.String)),
  blockStartStartDate: optional(single(DateParam)),
  blockStartEndDate: optional(single(DateParam)),
  stayDate: optional(single(DateParam)),
  onlyPickupBlocks: optional(single(BooleanParam))
})

const BlockQuery = Schema.Struct({
  fetchInstructions: optional(Schema.Array(Schema.String)),
  roomAllocationCriteria: optional(Schema.Array(Schema.String)),
  startDate: optional(single(DateParam)),
  numberOfDays: optional(single(WholeNumberParam))
})

const hints: Readonly<Record<string, string>> = {
  limit: "a whole number",
  offset: "a whole number",
  numberOfDays: "a whole number",
  blockStartStartDate: "a date as YYYY-MM-DD",
  blockStartEndDate: "a date as YYYY-MM-DD",
  stayDate: "a date as YYYY-MM-DD",
  startDate: "a date as YYYY-MM-DD",
  onlyPickupBlocks: "true or false"
}

/** Only the block ids of a pick-up body; the rest is read as `createReservation`. */
const ReservationBlockIds = Schema.Struct({
  reservations: Schema.Struct({
    reservation: Schema.Array(Schema.Struct({
      roomStay: optional(Schema.Struct({
        roomRates: optional(Schema.Array(Schema.Struct({
          reservationBlock: optional(Schema.Struct({ blockIdList: optional(UniqueIdList) }))
        })))
      }))
    }))
  })
})

const gridCriteria: ReadonlyArray<GridCriterion> = ["Initial", "Pickup", "Available", "Rates"]

const matches = (block: BlockRecord, query: typeof BlocksQuery.Type, businessDate: string) =>
  (query.blockCode === undefined || block.blockCode.toLowerCase() === query.blockCode.trim().toLowerCase()) &&
  (query.blockName === undefined || block.blockName.toLowerCase().includes(query.blockName.trim().toLowerCase())) &&
  (query.blockStatus === undefined || query.blockStatus.length === 0 || query.blockStatus.includes(block.status)) &&
  (query.blockStartStartDate === undefined || block.startDate >= query.blockStartStartDate) &&
  (query.blockStartEndDate === undefined || block.startDate <= query.blockStartEndDate) &&
  (query.stayDate === undefined || block.startDate <= query.stayDate && query.stayDate < block.endDate) &&
  (query.onlyPickupBlocks !== true || blockStatuses[block.status].allowPickup && block.cutoffDate >= businessDate)

export const blkRoutes: ReadonlyArray<SandboxRoute> = [
  route("blk", "getBlocks", "GET", "/blocks", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(BlocksQuery, request.query, hints)
      if (query.hotelId !== undefined && query.hotelId !== request.hotelId) {
        return yield* badRequest("The hotelId query parameter must match the x-hotelid header.", "HOTEL_ID_MISMATCH")
      }
      const property = yield* env.property.snapshot
      const book = yield* env.property.blocks.snapshot
      const found = [...book.blocks.values()]
        .filter((block) => block.hotelId === request.hotelId && matches(block, query, property.businessDate))
        .sort((left, right) => left.startDate.localeCompare(right.startDate) || left.blockCode.localeCompare(right.blockCode))
      const limit = Math.min(Math.max(query.limit ?? 20, 1), 200)
      const offset = query.offset ?? 0
      const rows = found.slice(offset, offset + limit)
      return {
        status: 200,
        body: {
          blockSummaries: {
            blockInfo: rows.map((block) => renderBlockSummary(block, property)),
            totalPages: Math.ceil(found.length / limit),
            offset,
            limit,
            hasMore: offset + rows.length < found.length,
            totalResults: found.length,
            count: rows.length
          },
          links: [{ href: `${env.baseUrl}${request.path}`, rel: "self", templated: false, method: "GET", operationId: "getBlocks" }]
        }
      }
    })),

  route("blk", "getBlock", "GET", "/hotels/{hotelId}/blocks/{blockId}", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(BlockQuery, request.query, hints)
      const property = yield* env.property.snapshot
      const block = yield* findBlock(yield* env.property.blocks.snapshot, request.hotelId, param(request, "blockId"))
      const wantsGrid = (query.fetchInstructions ?? []).flatMap((value) => value.split(",")).includes("RateGrid")
      const asked = (query.roomAllocationCriteria ?? []).flatMap((value) => value.split(","))
      const criteria = asked.length === 0 ? gridCriteria : gridCriteria.filter((criterion) => asked.includes(criterion))
      const window = wantsGrid
        ? {
          startDate: query.startDate ?? block.startDate,
          numberOfDays: Math.min(Math.max(query.numberOfDays ?? blockNights(block).length, 1), 60),
          criteria
        }
        : undefined
      return { status: 200, body: { ...renderBlock(block, property, window), links: [blockLink(env.baseUrl, block)] } }
    })),

  route("blk", "postBlock", "POST", "/hotels/{hotelId}/block", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(BlockEnvelope, request.body, "block")
      const requested = body.blocks?.blockInfo ?? []
      if (requested.length !== 1 || requested[0]?.block === undefined) {
        return yield* badRequest("blocks.blockInfo must hold exactly one block.")
      }
      const nowIso = yield* now
      const property = yield* env.property.snapshot
      const created = yield* env.property.blocks.transact((book) => createBlock(book, property, request.hotelId, requested[0]!.block!, nowIso))
      const link = blockLink(env.baseUrl, created)
      return { status: 201, body: { links: [link] }, headers: { location: link.href } }
    })),

  route("rsv", "postReservationByBlock", "POST", "/hotels/{hotelId}/blocks/{blockId}/reservations", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(CreateReservationRequest, request.body, "createReservation")
      const ids = yield* decodeBody(ReservationBlockIds, request.body, "createReservation")
      if (body.reservations.reservation.length > 1) return yield* badRequest("The sandbox books one reservation per request.")
      const blockId = param(request, "blockId")
      const named = (ids.reservations.reservation[0]?.roomStay?.roomRates ?? []).flatMap((rate) => rate.reservationBlock?.blockIdList ?? [])
      if (named.length > 0 && !named.some((entry) => entry.id === blockId)) {
        return yield* badRequest("roomRates[].reservationBlock names a different block than the path.")
      }
      const nowIso = yield* now
      const reservation = yield* env.property.blocks.transactWith(env.property, (book, snapshot) =>
        pickUpFromBlock(book, snapshot, request.hotelId, blockId, body.reservations.reservation[0], nowIso)
      )
      const link = reservationLink(env.baseUrl, reservation)
      return { status: 201, body: { links: [link] }, headers: { location: link.href ?? "" } }
    }))
]
