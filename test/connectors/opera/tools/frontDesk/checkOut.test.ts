import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { atTheDesk, call, ok, theSandbox } from "./harness.js"

// Destructive front desk and housekeeping tools ask for confirmation first (the default).
const previous = process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
beforeAll(() => {
  process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = "true"
})
afterAll(() => {
  if (previous === undefined) delete process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
  else process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = previous
})

const tokenIn = (text: string) => /"confirmationToken": "([^"]+)"/.exec(text)?.[1]

describe("destructive tools need confirmation", () => {
  it.effect("check_out_guest: the first call changes nothing and names the reservation; the confirmed call checks out", () =>
    atTheDesk(Effect.gen(function*() {
      const sandbox = yield* theSandbox
      const walkIn = yield* ok("walk_in_guest", { surname: "Leaving", roomType: "KING" })
      const reservationId = String(walkIn.data.reservation.reservationId)
      const first = yield* call("check_out_guest", { reservationId })
      expect(first.text).toContain(`Check out reservation ${reservationId}`)
      expect((yield* sandbox.snapshot).reservations.get(reservationId)?.status).toBe("InHouse")
      const token = tokenIn(first.text)
      expect(token).toBeDefined()
      const confirmed = yield* ok("check_out_guest", { reservationId, confirmationToken: token })
      expect(confirmed.data.reservation.status).toBe("CheckedOut")
      const reused = yield* call("check_out_guest", { reservationId, confirmationToken: token })
      expect(reused.isError).toBe(true)
    })))

  it.effect("release_out_of_order_room: nothing is released until the token comes back", () =>
    atTheDesk(Effect.gen(function*() {
      const room = (yield* ok("list_out_of_order_rooms", {})).data.rooms[0].roomNumber as string
      const first = yield* call("release_out_of_order_room", { roomNumber: room })
      expect(first.text).toContain(`room ${room}`)
      expect((yield* ok("list_out_of_order_rooms", {})).data.rooms.map((entry: any) => entry.roomNumber)).toContain(room)
      yield* ok("release_out_of_order_room", { roomNumber: room, confirmationToken: tokenIn(first.text) })
      expect((yield* ok("list_out_of_order_rooms", {})).data.rooms).toEqual([])
    })))
})
