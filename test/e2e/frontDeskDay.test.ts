import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import type { ServerSession } from "../support/serverProcess.js"
import { startServer, textOf } from "../support/serverProcess.js"

interface Reservation {
  readonly reservationId: string
  readonly status?: string
  readonly computedStatus?: string
  readonly roomNumber?: string
  readonly roomType?: string
}

describe("a day at the front desk, over stdio", () => {
  let opera: RunningSandbox
  let session: ServerSession

  beforeAll(async () => {
    opera = await startSandbox()
    session = await startServer({ args: ["serve"], env: opera.env, clientName: "front-desk-agent" })
  })
  afterAll(async () => {
    await session?.close()
    await opera?.stop()
  })

  /** Calls a tool; a destructive one answers with a confirmation token first, which is then used. */
  const act = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> => {
    const first = await session.call(name, args)
    const token = /"confirmationToken": "([^"]+)"/.exec(textOf(first))?.[1]
    const result = token === undefined ? first : await session.call(name, { ...args, confirmationToken: token })
    expect(result.isError, `${name}: ${textOf(result)}`).toBeFalsy()
    return result
  }

  it("arrival → check in with a room → charge → folio → check out → room dirty → housekeeping cleans it", async () => {
    const arrivals = await act("list_arrivals", { limit: 50 })
    const due = (arrivals.structuredContent as { reservations: Array<Reservation> }).reservations
      .find((reservation) => reservation.computedStatus === "DueIn" && reservation.roomNumber === undefined)
    expect(due, "an arrival without a room").toBeDefined()
    const reservationId = due!.reservationId

    const suggested = await act("get_suggested_rooms", { reservationId })
    const room = (suggested.structuredContent as { roomNumbers: Array<string> }).roomNumbers[0]
    expect(room).toBeDefined()

    const checkedIn = await act("check_in_guest", { reservationId, roomNumber: room })
    const inHouse = (checkedIn.structuredContent as { reservation: Reservation }).reservation
    expect(inHouse.status).toBe("InHouse")
    expect(inHouse.roomNumber).toBe(room)

    // A destructive posting needs its confirmation: the first answer changes nothing (and is not an error).
    const prepared = await session.call("post_charge", { reservationId, transactionCode: "2000", amount: 42.5 })
    expect(prepared.isError).toBeFalsy()
    expect(prepared.structuredContent).toHaveProperty("confirmationRequired.confirmationToken")
    expect(textOf(prepared)).toMatch(/confirmationToken/)
    await act("post_charge", { reservationId, transactionCode: "2000", amount: 42.5, remark: "Dinner" })

    const folio = await act("get_folio", { reservationId })
    const folioData = folio.structuredContent as { balance: { amount: number }; windows: Array<{ postings?: Array<{ amount?: { amount: number } }> }> }
    expect(folioData.balance.amount).toBeGreaterThanOrEqual(42.5)
    expect(JSON.stringify(folioData)).toContain("42.5")

    const checkedOut = await act("check_out_guest", { reservationId })
    expect((checkedOut.structuredContent as { reservation: Reservation }).reservation.status).toBe("CheckedOut")

    const dirty = await act("list_rooms", { statuses: ["Dirty"], limit: 200 })
    const dirtyRooms = (dirty.structuredContent as { rooms: Array<{ roomNumber: string; frontOfficeStatus?: string }> }).rooms
    const ours = dirtyRooms.find((candidate) => candidate.roomNumber === room)
    expect(ours?.frontOfficeStatus).toBe("Vacant")

    await act("update_room_status", { roomNumbers: [room], status: "Clean" })
    const clean = await act("list_rooms", { statuses: ["Clean"], limit: 200 })
    expect((clean.structuredContent as { rooms: Array<{ roomNumber: string }> }).rooms.map((r) => r.roomNumber)).toContain(room)

    const report = await act("get_security_report", { hours: 1 })
    const totals = (report.structuredContent as { report: { totals: { toolCalls: number; refused: number } } }).report.totals
    // Every call above is on the record, the three confirmation answers as refusals.
    expect(totals.toolCalls).toBe(12)
    expect(totals.refused).toBe(3)
  })
})
