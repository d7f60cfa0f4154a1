import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { vi } from "vitest"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { catalog } from "../../../../../src/connectors/opera/tools/catalog.js"
import { call, ok, refused, runtimeLayer } from "./harness.js"

// The confirmation step has its own tests; here destructive tools go straight through.
vi.stubEnv("OPERA_MCP_REQUIRE_CONFIRMATION", "false")

const withRuntime = <A, E>(effect: Effect.Effect<A, E, any>) => effect.pipe(Effect.provide(runtimeLayer())) as Effect.Effect<A, E>

const reservationIn = (status: string) =>
  Sandbox.pipe(
    Effect.flatMap((sandbox) => sandbox.snapshot),
    Effect.map((snapshot) => {
      const found = [...snapshot.reservations.values()].find((reservation) => reservation.hotelId === "SAND01" && reservation.status === status)
      if (found === undefined) throw new Error(`no ${status} reservation seeded`)
      return { reservation: found, guest: snapshot.guests.get(found.profileId) }
    })
  )

const structured = (outcome: { readonly structured?: Record<string, unknown> }): any => outcome.structured

describe("cashiering tools: definitions", () => {
  it("are annotated truthfully: reads read-only, postings and transfers destructive and not idempotent", () => {
    const byName = new Map(catalog.map((tool) => [tool.name, tool]))
    for (const name of ["get_folio", "get_financial_postings", "get_posting_summary", "get_daily_revenue"]) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true })
      expect(byName.get(name)?.domain).toBe("cashiering")
    }
    for (const name of ["post_charge", "post_payment", "transfer_charge"]) {
      expect(byName.get(name)?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false })
      expect(Object.keys((byName.get(name)?.inputSchema.properties ?? {}) as object)).toContain("confirmationToken")
    }
    const payment = JSON.stringify(byName.get("post_payment")?.inputSchema)
    expect(payment).not.toMatch(/cardNumber/i)
  })
})

describe("cashiering tools through dispatch", () => {
  it.live("folio, charge, card payment and transfer: the folio follows every step, cards stay masked", () =>
    withRuntime(Effect.gen(function*() {
      const { guest, reservation } = yield* reservationIn("InHouse")
      const reservationId = reservation.reservationId
      const before = structured(yield* ok("get_folio", { reservationId }))
      expect(before.reservationId).toBe(reservationId)
      expect(before.windows[0].postings[0].transactionCode).toBe("1000")
      const startBalance: number = before.balance.amount

      const charge = yield* ok("post_charge", { reservationId, transactionCode: "2010", amount: 24.5, quantity: 2, remark: "Club sandwich" })
      expect(structured(charge).postings[0]).toMatchObject({ transactionCode: "2010", amount: 49, quantity: 2, window: 1 })
      expect(structured(charge).windowBalance.amount).toBeCloseTo(startBalance + 49)
      expect(charge.text).toContain("Room Service")

      const payment = yield* ok("post_payment", { reservationId, method: "VA", amount: 40, cardToken: "tok_visa_5f2a9c", cardLast4: "4242" })
      expect(structured(payment).payment).toMatchObject({ amount: -40, cardLast4: "4242", paymentMethod: "VA" })
      expect(payment.text).toContain("••4242")
      expect(JSON.stringify(payment)).not.toContain("tok_visa_5f2a9c")

      const moved = yield* ok("transfer_charge", { reservationId, transactionNos: [structured(charge).postings[0].transactionNo], toWindow: 2 })
      expect(structured(moved).newTransactionNos).toHaveLength(1)

      const after = yield* ok("get_folio", { reservationId })
      const windows = structured(after).windows
      expect(windows.map((window: any) => window.window)).toEqual([1, 2])
      expect(windows[1].balance.amount).toBe(49)
      expect(windows[1].postings[0].transferredFrom).toBe(structured(charge).postings[0].transactionNo)
      expect(windows[0].cardLast4).toBe("4242")
      expect(structured(after).balance.amount).toBeCloseTo(startBalance + 49 - 40)
      expect(after.text).toContain("Window 2: balance 49.00 USD")
      if (guest !== undefined) expect(structured(after).windows[0].payeeName).toBe(`${guest.surname}, ${guest.givenName}`)
      expect(JSON.stringify(after)).not.toContain("tok_visa_5f2a9c")

      const onlyWindow2 = structured(yield* ok("get_folio", { reservationId, window: 2 }))
      expect(onlyWindow2.windows.map((window: any) => window.window)).toEqual([2])
    })))

  it.live("in GDPR mode the guest and payee names on folios and journal lines are masked", () => {
    vi.stubEnv("OPERA_SECURITY_ENABLE_GDPR_MODE", "true")
    return withRuntime(Effect.gen(function*() {
      const { guest, reservation } = yield* reservationIn("InHouse")
      yield* ok("post_charge", { reservationId: reservation.reservationId, transactionCode: "2100", amount: 7 })
      const folio = yield* ok("get_folio", { reservationId: reservation.reservationId })
      const journal = yield* ok("get_financial_postings", { transactionCodes: ["2100"] })
      expect(structured(journal).postings.length).toBeGreaterThan(0)
      expect(guest).toBeDefined()
      for (const outcome of [folio, journal]) expect(JSON.stringify(outcome)).not.toContain(guest?.surname ?? "?")
    })).pipe(Effect.ensuring(Effect.sync(() => vi.stubEnv("OPERA_SECURITY_ENABLE_GDPR_MODE", "false"))))
  })

  it.live("OHIP business errors reach the caller as clear messages", () =>
    withRuntime(Effect.gen(function*() {
      const cancelled = (yield* reservationIn("Cancelled")).reservation.reservationId
      const checkedOut = (yield* reservationIn("CheckedOut")).reservation.reservationId
      const inHouse = (yield* reservationIn("InHouse")).reservation.reservationId

      const toCancelled = yield* call("post_charge", { reservationId: cancelled, transactionCode: "2000", amount: 10 })
      expect(toCancelled.isError).toBe(true)
      expect(toCancelled.text).toContain(`Reservation ${cancelled} is cancelled`)
      const toCheckedOut = yield* call("post_payment", { reservationId: checkedOut, method: "CA", amount: 10 })
      expect(toCheckedOut.text).toContain("checked out")
      const unknownCode = yield* call("post_charge", { reservationId: inHouse, transactionCode: "7777", amount: 10 })
      expect(unknownCode.isError).toBe(true)
      expect(unknownCode.text).toContain("not configured at this hotel")
      const tooMuch = yield* call("post_payment", { reservationId: inHouse, method: "CA", amount: 4_999 })
      expect(tooMuch.text).toContain("exceeds the open balance")
      const overLimit = yield* call("post_payment", { reservationId: inHouse, method: "VA", amount: 50_000, cardToken: "tok_1", cardLast4: "1111" })
      expect(overLimit.text).toContain("may not exceed 10000.00 USD")
      const badMove = yield* call("transfer_charge", { reservationId: inHouse, transactionNos: [1], toWindow: 3 })
      expect(badMove.text).toContain("no transaction with this number")
      const noFolio = yield* call("get_folio", { reservationId: "999999" })
      expect(noFolio.text).toContain("no reservation with this id")
    })))

  it.live("refuses a full card number anywhere in a payment, without echoing it", () =>
    withRuntime(Effect.gen(function*() {
      const reservationId = (yield* reservationIn("InHouse")).reservation.reservationId
      const pan = "4111 1111 1111 1111"
      for (
        const args of [
          { reservationId, method: "VA", amount: 10, cardToken: pan.replaceAll(" ", ""), cardLast4: "1111" },
          { reservationId, method: "VA", amount: 10, cardToken: pan, cardLast4: "1111" },
          { reservationId, method: "CA", amount: 10, remark: `card ${pan}` },
          { reservationId, method: "VA", amount: 10, cardNumber: pan.replaceAll(" ", ""), cardLast4: "1111" }
        ]
      ) {
        const outcome = yield* refused("post_payment", args)
        expect(outcome.isError).toBe(true)
        expect(outcome.text).not.toContain("4111")
        expect(outcome.text).toMatch(/card number|not a known field/)
      }
      const noToken = yield* refused("post_payment", { reservationId, method: "MC", amount: 10 })
      expect(noToken.text).toContain("cardToken")
      const fractions = yield* refused("post_charge", { reservationId, transactionCode: "2000", amount: 10.005 })
      expect(fractions.text).toContain("at most two decimals")
      expect((yield* ok("post_charge", { reservationId, transactionCode: "2000", amount: 0.29 })).isError).toBe(false)
    })))

  it.live("journal, posting summary and daily revenue of a date, with today's date from the Clock", () =>
    withRuntime(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const reservationId = (yield* reservationIn("InHouse")).reservation.reservationId
      const revenueBefore = structured(yield* ok("get_daily_revenue", {}))
      expect(revenueBefore.date).toBe(sandbox.businessDate)
      const summaryBefore = structured(yield* ok("get_posting_summary", {}))

      yield* ok("post_charge", { reservationId, transactionCode: "6000", amount: 18 })

      const revenueAfter = yield* ok("get_daily_revenue", { date: sandbox.businessDate })
      expect(structured(revenueAfter).totalRevenue).toBeCloseTo(revenueBefore.totalRevenue + 18)
      expect(revenueAfter.text).toContain(`Revenue ${sandbox.businessDate}`)
      const summaryAfter = structured(yield* ok("get_posting_summary", { date: sandbox.businessDate, type: "All" }))
      expect(summaryAfter.totalPostings).toBe(summaryBefore.totalPostings + 1)

      const journal = yield* ok("get_financial_postings", { transactionCodes: ["6000"] })
      expect(structured(journal).postings.some((line: any) => line.reservationId === reservationId && line.amount === 18)).toBe(true)
      expect(structured(journal).paging).toMatchObject({ offset: 0, limit: 50 })

      const earlier = structured(yield* ok("get_financial_postings", { date: sandbox.businessDate.slice(0, 8) + "01", endDate: sandbox.businessDate, limit: 5 }))
      expect(earlier.postings.length).toBeLessThanOrEqual(5)

      const future = yield* call("get_daily_revenue", { date: "2999-12-31" })
      expect(future.isError).toBe(true)
      expect(future.text).toContain("only up to the business date")
      const tooLong = yield* call("get_financial_postings", { date: "2020-01-01", endDate: "2020-03-01" })
      expect(tooLong.text).toContain("at most 30 days")
    })))
})
