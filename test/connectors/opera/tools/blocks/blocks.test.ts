import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { addDays } from "../../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { catalog } from "../../../../../src/connectors/opera/tools/catalog.js"
import { ok, refused, withRuntime } from "./harness.js"

vi.stubEnv("OPERA_MCP_REQUIRE_CONFIRMATION", "false")

const blockId = (code: string) =>
  ok("search_blocks", { blockCode: code }).pipe(Effect.map(({ data }) => String(data.blocks[0].blockId)))

describe("block tools: definitions", () => {
  it("are in the catalog, annotated truthfully, with the OHIP operations they call", () => {
    const byName = new Map(catalog.map((tool) => [tool.name, tool]))
    for (const name of ["search_blocks", "get_block"]) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true })
    }
    for (const name of ["create_block", "pick_up_block_reservation"]) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false })
    }
    expect(byName.get("pick_up_block_reservation")?.operations).toContain("rsv.postReservationByBlock")
    expect(byName.get("create_block")?.operations).toContain("blk.postBlock")
    expect([...byName.values()].filter((tool) => tool.domain === "blocks").map((tool) => tool.name).sort())
      .toEqual(["create_block", "get_block", "pick_up_block_reservation", "search_blocks"])
  })
})

describe("block tools through dispatch", () => {
  it.live("search and get a block with its room grid; an unknown block is a clear error", () =>
    withRuntime(Effect.gen(function*() {
      const { businessDate } = yield* Sandbox
      const open = yield* ok("search_blocks", { openForPickup: true })
      expect(open.data.blocks.map((block: any) => block.blockCode)).toEqual(["CONF-TECH", "WED-HARPER"])
      expect(open.data.paging).toMatchObject({ count: 2, totalResults: 2, hasMore: false })
      expect(open.text).toContain("Harper and Lee Wedding")
      const paged = yield* ok("search_blocks", { limit: 1, offset: 1 })
      expect(paged.data.paging).toMatchObject({ offset: 1, count: 1, hasMore: true })

      const wedding = yield* ok("get_block", { blockId: yield* blockId("WED-HARPER") })
      expect(wedding.data.block).toMatchObject({ blockCode: "WED-HARPER", status: "DEF", allowPickup: true, ratePlanCode: "PKG" })
      expect(wedding.data.block.grid).toContainEqual({ date: addDays(businessDate, 3), roomType: "KING", blocked: 8, pickedUp: 0, available: 8, rate: 209 })
      expect(wedding.data.block.totals).toEqual({ blocked: 28, pickedUp: 0, available: 28 })
      expect(wedding.text).toContain("blocked picked up available")
      const window = yield* ok("get_block", { blockId: yield* blockId("WED-HARPER"), fromDate: addDays(businessDate, 4), days: 1 })
      expect(window.data.block.grid.map((cell: any) => cell.date)).toEqual([addDays(businessDate, 4), addDays(businessDate, 4)])

      const missing = yield* refused("get_block", { blockId: "999" })
      expect(missing.text).toMatch(/no block/i)
      const badArgs = yield* refused("search_blocks", { stayDate: "2026-02-30" })
      expect(badArgs.text).toContain("stayDate")
    })))

  it.live("pick up reservations from a block: get_reservation finds them and the block's availability drops until it is full", () =>
    withRuntime(Effect.gen(function*() {
      const { businessDate } = yield* Sandbox
      const id = yield* blockId("CONF-TECH")
      const stay = { blockId: id, arrivalDate: businessDate, departureDate: addDays(businessDate, 2), roomType: "DBL", adults: 1 }
      const first = yield* ok("pick_up_block_reservation", { ...stay, guest: { givenName: "Tomas", surname: "Berg" } })
      expect(first.data.reservation).toMatchObject({ roomType: "DBL", ratePlanCode: "CORP", arrivalDate: businessDate, rate: { amount: 165 } })
      expect(first.data.remaining).toEqual([{ date: businessDate, available: 1 }, { date: addDays(businessDate, 1), available: 1 }])
      expect(first.text).toContain("Picked up from block")

      const read = yield* ok("get_reservation", { reservationId: first.data.reservation.reservationId })
      expect(read.data.reservation).toMatchObject({ reservationId: first.data.reservation.reservationId, status: "Reserved" })

      yield* ok("pick_up_block_reservation", { ...stay, guest: { surname: "Aziz" } })
      const grid = yield* ok("get_block", { blockId: id })
      expect(grid.data.block.grid).toContainEqual({ date: businessDate, roomType: "DBL", blocked: 2, pickedUp: 2, available: 0, rate: 165 })
      const full = yield* refused("pick_up_block_reservation", { ...stay, guest: { surname: "Late" } })
      expect(full.text).toContain("no DBL room left")

      const cutoff = yield* refused("pick_up_block_reservation", {
        ...stay, guest: { surname: "Late" }, blockId: yield* blockId("MED-SYMP"), roomType: "QUEEN", arrivalDate: addDays(businessDate, 14), departureDate: addDays(businessDate, 15)
      })
      expect(cutoff.text).toContain("cut-off")
    })))

  it.live("create a block, read it back, and be refused when the block code is taken or the house is full", () =>
    withRuntime(Effect.gen(function*() {
      const { businessDate } = yield* Sandbox
      const start = addDays(businessDate, 30)
      const args = {
        blockCode: "ROTARY", name: "Rotary District Meeting", startDate: start, endDate: addDays(start, 2), status: "DEF",
        ratePlanCode: "GOV", rooms: [{ roomType: "QUEEN", rooms: 6, rate: 150 }, { roomType: "KING", rooms: 2 }]
      }
      const created = yield* ok("create_block", args)
      expect(created.data.block).toMatchObject({ blockCode: "ROTARY", status: "DEF", startDate: start, ratePlanCode: "GOV", cutoffDate: start })
      expect(created.data.block.grid).toContainEqual({ date: start, roomType: "QUEEN", blocked: 6, pickedUp: 0, available: 6, rate: 150 })
      expect(created.data.block.grid).toContainEqual({ date: start, roomType: "KING", blocked: 2, pickedUp: 0, available: 2, rate: 183 })
      const found = yield* ok("search_blocks", { stayDate: addDays(start, 1) })
      expect(found.data.blocks.map((block: any) => block.blockCode)).toEqual(["ROTARY"])

      expect((yield* refused("create_block", args)).text).toContain("already used")
      const huge = yield* refused("create_block", { ...args, blockCode: "EXPO", rooms: [{ roomType: "QUEEN", rooms: 40 }] })
      expect(huge.text).toMatch(/Not enough QUEEN rooms/)
      const backwards = yield* refused("create_block", { ...args, blockCode: "BACK", endDate: start })
      expect(backwards.text).toContain("endDate")
    })))
})
