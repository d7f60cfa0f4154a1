import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createBlock, getBlock, pickUpReservation, searchBlocks } from "../../../../src/connectors/opera/client/blocks.js"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import { physicalRooms, soldOn } from "../../../../src/connectors/opera/sandbox/availability.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { expectOhipError, expectValidAnswer } from "./cshSpecDates.js"
import { accessToken, describeErrors, requestBodyErrors, requestProblems, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const expectConformant = (request: OperaRequest) => {
  expect(requestProblems(request)).toEqual([])
  if (request.body !== undefined) {
    expect(describeErrors(requestBodyErrors(request.module, request.operationId, request.body))).toBe("No errors")
  }
}

/** The KING row of the grid on a date, as [blocked, picked up, available, rate]. */
const cell = (body: any, date: string, roomType: string) =>
  ["Initial", "Pickup", "Available", "Rates"].map((kind) => {
    const row = body.blocks.blockInfo[0].block.roomAllocations.roomAllocationType.find((entry: any) => entry.allocation === kind)
    const detail = row.roomAllocationInfo.find((day: any) => day.stayDate === date)?.roomGridDetails.find((entry: any) => entry.roomType === roomType)
    return kind === "Rates" ? detail?.rate.onePerson : detail?.inventory.onePerson
  })

const blockIdOf = (sandbox: Sandbox, token: string, code: string) =>
  send(sandbox, token, searchBlocks({ hotelId: sandbox.hotelId, blockCode: code })).pipe(
    Effect.map((answer) => String(answer.json.blockSummaries.blockInfo[0].blockIdList[0].id))
  )

describe("blk request builders", () => {
  it("match blk.json and rsv.json: method, path, declared query parameters and body definitions", () => {
    const hotelId = "SAND01"
    const requests = [
      searchBlocks({ hotelId, blockName: "wedding", statuses: ["DEF", "TEN"], startFrom: "2026-05-01", startTo: "2026-06-01", stayDate: "2026-05-03", onlyPickupBlocks: true, limit: 20, offset: 0 }),
      getBlock({ hotelId, blockId: "3100001", startDate: "2026-05-01", numberOfDays: 3 }),
      createBlock({
        hotelId, blockCode: "SALES26", blockName: "Sales Kick-off", startDate: "2026-05-10", endDate: "2026-05-12", status: "DEF",
        ratePlanCode: "CORP", cutoffDate: "2026-05-01", marketCode: "CORP", rooms: [{ roomType: "KING", rooms: 5, rate: 180 }, { roomType: "DBL", rooms: 2 }]
      }),
      pickUpReservation({ hotelId, blockId: "3100001", arrivalDate: "2026-05-01", departureDate: "2026-05-03", roomType: "KING", adults: 1, guest: { surname: "Ngata", givenName: "Aroha" } })
    ]
    requests.forEach(expectConformant)
    expect(requests.map((request) => `${request.module}.${request.operationId}`)).toEqual([
      "blk.getBlocks", "blk.getBlock", "blk.postBlock", "rsv.postReservationByBlock"
    ])
  })
})

describe("blk routes", () => {
  it.effect("search and get a seeded block with its room grid, shaped as blk.json defines", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const all = yield* send(sandbox, token, searchBlocks({ hotelId: sandbox.hotelId }))
      expectValidAnswer("blk", "getBlocks", 200, all)
      expect(all.json.blockSummaries.blockInfo.map((entry: any) => entry.block.blockCode)).toEqual(["CONF-TECH", "WED-HARPER", "YOGA-RET", "MED-SYMP"])
      const open = yield* send(sandbox, token, searchBlocks({ hotelId: sandbox.hotelId, onlyPickupBlocks: true }))
      expect(open.json.blockSummaries.blockInfo.map((entry: any) => entry.block.blockCode)).toEqual(["CONF-TECH", "WED-HARPER"])
      const wedding = yield* send(sandbox, token, searchBlocks({ hotelId: sandbox.hotelId, blockName: "wedding", limit: 1 }))
      expect(wedding.json.blockSummaries).toMatchObject({ count: 1, totalResults: 1, hasMore: false })
      expect(wedding.json.blockSummaries.blockInfo[0].block).toMatchObject({ rooms: 28, actualRooms: 0, rateCode: "PKG" })

      const blockId = yield* blockIdOf(sandbox, token, "WED-HARPER")
      const answer = yield* send(sandbox, token, getBlock({ hotelId: sandbox.hotelId, blockId }))
      expectValidAnswer("blk", "getBlock", 200, answer)
      const block = answer.json.blocks.blockInfo[0].block
      expect(block.blockDetails.blockStatus).toMatchObject({ allowPickup: true, bookingStatus: { status: { code: "DEF" } } })
      expect(cell(answer.json, addDays(sandbox.businessDate, 3), "KING")).toEqual([8, 0, 8, 209])
      expect(cell(answer.json, addDays(sandbox.businessDate, 4), "QUEEN")).toEqual([6, 0, 6, 189])
      expect(block.roomAllocations.roomAllocationType[0].roomAllocationInfo).toHaveLength(2)
    })))

  it.effect("a pick-up creates a real reservation at the block rate and lowers the block's availability", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const blockId = yield* blockIdOf(sandbox, token, "CONF-TECH")
      const today = sandbox.businessDate
      const request = (surname: string) =>
        pickUpReservation({ hotelId: sandbox.hotelId, blockId, arrivalDate: today, departureDate: addDays(today, 2), roomType: "DBL", adults: 2, guest: { surname } })
      const first = yield* send(sandbox, token, request("Okafor"))
      expectValidAnswer("rsv", "postReservationByBlock", 201, first)
      const reservationId = String(first.json.links[0].href).split("/").at(-1)!
      const reservation = (yield* sandbox.snapshot).reservations.get(reservationId)
      expect(reservation).toMatchObject({ roomType: "DBL", ratePlanCode: "CORP", rateAmount: 165, arrivalDate: today, status: "Reserved" })

      const grid = yield* send(sandbox, token, getBlock({ hotelId: sandbox.hotelId, blockId }))
      expect(cell(grid.json, today, "DBL")).toEqual([2, 1, 1, 165])
      expect(cell(grid.json, addDays(today, 2), "DBL")).toEqual([2, 0, 2, 165])

      expectValidAnswer("rsv", "postReservationByBlock", 201, yield* send(sandbox, token, request("Haddad")))
      const full = yield* send(sandbox, token, request("Lindqvist"))
      expectOhipError("rsv", full, 400, "BLOCK_ROOMS_UNAVAILABLE")
      expect(full.json.detail).toContain("no DBL room left")
    })))

  it.effect("refuses pick-ups OPERA refuses: cancelled block, cut-off passed, stay outside the block, room type not held", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const today = sandbox.businessDate
      const pickUp = (code: string, arrival: string, departure: string, roomType = "KING") =>
        blockIdOf(sandbox, token, code).pipe(Effect.flatMap((blockId) =>
          send(sandbox, token, pickUpReservation({ hotelId: sandbox.hotelId, blockId, arrivalDate: arrival, departureDate: departure, roomType, adults: 1, guest: { surname: "Test" } }))
        ))
      expectOhipError("rsv", yield* pickUp("YOGA-RET", addDays(today, 10), addDays(today, 11)), 400, "BLOCK_PICKUP_NOT_ALLOWED")
      expectOhipError("rsv", yield* pickUp("MED-SYMP", addDays(today, 14), addDays(today, 15), "QUEEN"), 400, "BLOCK_CUTOFF_PASSED")
      expectOhipError("rsv", yield* pickUp("WED-HARPER", addDays(today, 2), addDays(today, 4)), 400, "BLOCK_DATES_MISMATCH")
      expectOhipError("rsv", yield* pickUp("WED-HARPER", addDays(today, 3), addDays(today, 4), "STE"), 400, "ROOM_TYPE_NOT_IN_BLOCK")
      const unknown = yield* send(sandbox, token, getBlock({ hotelId: sandbox.hotelId, blockId: "999" }))
      expectOhipError("blk", unknown, 404, "NOT_FOUND")
    })))

  it.effect("creates a block that getBlock then shows, and refuses one the house cannot hold", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const start = addDays(sandbox.businessDate, 20)
      const input = {
        hotelId: sandbox.hotelId, blockCode: "SALES26", blockName: "Sales Kick-off", startDate: start, endDate: addDays(start, 2),
        status: "DEF" as const, ratePlanCode: "CORP", rooms: [{ roomType: "KING", rooms: 5, rate: 180 }]
      }
      const created = yield* send(sandbox, token, createBlock(input))
      expectValidAnswer("blk", "postBlock", 201, created)
      expect(created.headers.get("location")).toBe(created.json.links[0].href)
      const blockId = String(created.json.links[0].href).split("/").at(-1)!
      const shown = yield* send(sandbox, token, getBlock({ hotelId: sandbox.hotelId, blockId }))
      expectValidAnswer("blk", "getBlock", 200, shown)
      expect(cell(shown.json, start, "KING")).toEqual([5, 0, 5, 180])

      expectOhipError("blk", yield* send(sandbox, token, createBlock(input)), 400, "BLOCK_CODE_EXISTS")
      const tooBig = yield* send(sandbox, token, createBlock({ ...input, blockCode: "HUGE", rooms: [{ roomType: "STE", rooms: 13 }] }))
      expectOhipError("blk", tooBig, 400, "INVALID_BLOCK_GRID")
      // The house's KING rooms less those sold and the 5 SALES26 holds: one more than that cannot be blocked.
      const snapshot = yield* sandbox.snapshot
      const free = Math.min(...[start, addDays(start, 1)].map((night) => physicalRooms("KING") - soldOn(snapshot, sandbox.hotelId, "KING", night) - 5))
      const noRoom = yield* send(sandbox, token, createBlock({ ...input, blockCode: "OVER", rooms: [{ roomType: "KING", rooms: free + 1 }] }))
      expectOhipError("blk", noRoom, 400, "INSUFFICIENT_INVENTORY")
      expect(noRoom.json.detail).toContain(`${free} free`)
      expect((yield* send(sandbox, token, createBlock({ ...input, blockCode: "FITS", rooms: [{ roomType: "KING", rooms: free }] }))).status).toBe(201)
      // A tentative block does not deduct inventory, so the house may still be full.
      const tentative = yield* send(sandbox, token, createBlock({ ...input, blockCode: "MAYBE", status: "TEN", rooms: [{ roomType: "KING", rooms: 10 }] }))
      expect(tentative.status).toBe(201)
      const past = yield* send(sandbox, token, createBlock({ ...input, blockCode: "OLD", startDate: addDays(sandbox.businessDate, -1) }))
      expectOhipError("blk", past, 400, "DATE_IN_PAST")
    })))
})
