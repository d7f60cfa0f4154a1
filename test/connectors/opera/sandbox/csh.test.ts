import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import {
  getFinancialPostings,
  getFolio,
  getHotelRevenue,
  getPostingSummary,
  pingCashieringService,
  postCharge,
  postPayment,
  transferToWindow
} from "../../../../src/connectors/opera/client/cashiering.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { expectOhipError, expectValidAnswer } from "./cshSpecDates.js"
import { accessToken, describeErrors, requestBodyErrors, requestProblems, send } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const expectValid = (operationId: string, status: number, answer: { readonly status: number; readonly json: unknown; readonly text: string }) =>
  expectValidAnswer("csh", operationId, status, answer)

const expectError = (answer: { readonly status: number; readonly json: any }, status: number, code: string) =>
  expectOhipError("csh", answer, status, code)

const expectConformant = (request: OperaRequest) => {
  expect(requestProblems(request)).toEqual([])
  if (request.body !== undefined) expect(describeErrors(requestBodyErrors("csh", request.operationId, request.body))).toBe("No errors")
}

/** An in-house reservation of the primary hotel, and a closed one. */
const pick = (sandbox: Sandbox, status: string) =>
  sandbox.snapshot.pipe(Effect.map((snapshot) =>
    [...snapshot.reservations.values()].find((reservation) => reservation.hotelId === sandbox.hotelId && reservation.status === status)!
  ))

describe("csh request builders", () => {
  it("match csh.json: method, path, declared query parameters and body definitions", () => {
    const hotelId = "SAND01"
    const reservationId = "500001"
    const requests = [
      getFolio({ hotelId, reservationId, folioWindowNo: 2, limit: 20, offset: 0 }),
      postCharge({ hotelId, reservationId, transactionCode: "2000", amount: 42.5, quantity: 2, currencyCode: "USD", folioWindowNo: 1, reference: "Table 12", remark: "Dinner" }),
      postPayment({ hotelId, reservationId, paymentMethod: "VA", amount: 100, currencyCode: "USD", card: { token: "tok_4f9a2c", last4: "1111" } }),
      postPayment({ hotelId, reservationId, paymentMethod: "CA", amount: 20 }),
      transferToWindow({ hotelId, reservationId, transactionNos: [7000001, 7000002], targetWindowNo: 2 }),
      getFinancialPostings({ hotelId, startDate: "2026-05-01", endDate: "2026-05-02", transactionCodes: ["2000"], roomNumbers: ["101"], folioWindowNo: 1, limit: 50, offset: 0 }),
      getPostingSummary({ hotelId, postingDate: "2026-05-01", summaryType: "All" }),
      getHotelRevenue({ hotelId, businessDate: "2026-05-01" }),
      pingCashieringService(hotelId)
    ]
    requests.forEach(expectConformant)
    expect(requests.map((request) => request.operationId)).toEqual([
      "getFolio", "postBillingCharges", "postBillingPayment", "postBillingPayment", "transferTransactionToWindow",
      "getFinancialPostings", "getPostingSummary", "getHotelRevenue", "pingCashieringService"
    ])
    expect(JSON.stringify(requests[2]?.body)).not.toMatch(/\d{12,}/)
  })
})

describe("csh routes", () => {
  it.effect("a folio starts with the night audit's room charges; charges, payments and transfers change it", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const guest = yield* pick(sandbox, "InHouse")
      const hotelId = sandbox.hotelId
      const reservationId = guest.reservationId
      const before = yield* send(sandbox, token, getFolio({ hotelId, reservationId }))
      expectValid("getFolio", 200, before)
      const startBalance: number = before.json.reservationFolioInformation.folioWindows[0].balance.amount
      expect(startBalance).toBeGreaterThan(0)
      expect(before.json.reservationFolioInformation.folioWindows[0].folios[0].postings[0].transactionCode).toBe("1000")

      const charged = yield* send(sandbox, token, postCharge({ hotelId, reservationId, transactionCode: "2000", amount: 30, quantity: 2, remark: "Dinner" }))
      expectValid("postBillingCharges", 201, charged)
      const chargeNo: number = charged.json.postings[0].transactionNo
      expect(charged.json.postings[0].postedAmount.amount).toBe(60)

      const paid = yield* send(sandbox, token, postPayment({ hotelId, reservationId, paymentMethod: "VA", amount: 50, card: { token: "tok_abc", last4: "4242" } }))
      expectValid("postBillingPayment", 201, paid)
      expect(paid.text).not.toContain("tok_abc")

      const moved = yield* send(sandbox, token, transferToWindow({ hotelId, reservationId, transactionNos: [chargeNo], targetWindowNo: 2 }))
      expectValid("transferTransactionToWindow", 200, moved)
      expect(moved.json.transactions).toHaveLength(1)

      const after = yield* send(sandbox, token, getFolio({ hotelId, reservationId }))
      expectValid("getFolio", 200, after)
      const windows: Array<any> = after.json.reservationFolioInformation.folioWindows
      expect(windows.map((window) => window.folioWindowNo)).toEqual([1, 2])
      expect(windows[0].balance.amount).toBeCloseTo(startBalance - 50)
      expect(windows[1].balance.amount).toBe(60)
      expect(windows[1].folios[0].postings[0].referenceTransactionNo).toBe(chargeNo)
      expect(windows[0].paymentMethod.paymentCard.cardNumberMasked).toBe("XXXXXXXXXXXX4242")
      expect(after.text).not.toContain("tok_abc")
    })))

  it.effect("refuses postings to closed reservations, unknown codes, overpayments, card numbers and limits", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const inHouse = (yield* pick(sandbox, "InHouse")).reservationId
      const cancelled = (yield* pick(sandbox, "Cancelled")).reservationId
      const checkedOut = (yield* pick(sandbox, "CheckedOut")).reservationId
      expectError(yield* send(sandbox, token, postCharge({ hotelId, reservationId: cancelled, transactionCode: "2000", amount: 10 })), 400, "RESERVATION_CANCELLED")
      expectError(yield* send(sandbox, token, postCharge({ hotelId, reservationId: checkedOut, transactionCode: "2000", amount: 10 })), 400, "RESERVATION_CHECKED_OUT")
      expectError(yield* send(sandbox, token, postCharge({ hotelId, reservationId: inHouse, transactionCode: "1234", amount: 10 })), 400, "INVALID_TRANSACTION_CODE")
      expectError(yield* send(sandbox, token, postCharge({ hotelId, reservationId: inHouse, transactionCode: "9000", amount: 10 })), 400, "TRANSACTION_CODE_NOT_REVENUE")
      expectError(yield* send(sandbox, token, postCharge({ hotelId, reservationId: inHouse, transactionCode: "5000", amount: 6000, quantity: 2 })), 400, "POSTING_LIMIT_EXCEEDED")
      expectError(yield* send(sandbox, token, postPayment({ hotelId, reservationId: inHouse, paymentMethod: "CA", amount: 99_999 })), 400, "PAYMENT_LIMIT_EXCEEDED")
      expectError(yield* send(sandbox, token, postPayment({ hotelId, reservationId: inHouse, paymentMethod: "VA", amount: 9_000, card: { token: "t", last4: "1111" } })), 400, "PAYMENT_EXCEEDS_BALANCE")
      const pan = postPayment({ hotelId, reservationId: inHouse, paymentMethod: "VA", amount: 1, card: { token: "4111111111111111", last4: "1111" } })
      const withPan = { ...pan, body: JSON.parse(JSON.stringify(pan.body).replace("\"Token\"", "\"CardNumber\"")) }
      const refused = yield* send(sandbox, token, withPan)
      expectError(refused, 400, "CARD_NUMBER_NOT_ACCEPTED")
      expect(refused.text).not.toContain("4111111111111111")
      expectError(yield* send(sandbox, token, transferToWindow({ hotelId, reservationId: inHouse, transactionNos: [1], targetWindowNo: 2 })), 404, "NOT_FOUND")
    })))

  it.effect("the journal, posting summary and revenue of a date follow the ledger", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const hotelId = sandbox.hotelId
      const today = sandbox.businessDate
      const guest = yield* pick(sandbox, "InHouse")
      const revenueBefore = yield* send(sandbox, token, getHotelRevenue({ hotelId, businessDate: today }))
      expectValid("getHotelRevenue", 200, revenueBefore)
      yield* send(sandbox, token, postCharge({ hotelId, reservationId: guest.reservationId, transactionCode: "2100", amount: 12.5 }))
      const revenueAfter = yield* send(sandbox, token, getHotelRevenue({ hotelId, businessDate: today }))
      expect(revenueAfter.json.hotelRevenue.houseRevenue).toBeCloseTo(revenueBefore.json.hotelRevenue.houseRevenue + 12.5)

      const journal = yield* send(sandbox, token, getFinancialPostings({ hotelId, startDate: today, transactionCodes: ["2100"] }))
      expectValid("getFinancialPostings", 200, journal)
      expect(journal.json.journalPostings.postings.map((row: any) => row.guestInfo.reservationId.id)).toContain(guest.reservationId)

      const yesterday = yield* send(sandbox, token, getFinancialPostings({ hotelId, startDate: today.slice(0, 8) + "01", endDate: today, limit: 10 }))
      expectValid("getFinancialPostings", 200, yesterday)
      expect(yesterday.json.limit).toBe(10)

      const summary = yield* send(sandbox, token, getPostingSummary({ hotelId, postingDate: today }))
      expectValid("getPostingSummary", 200, summary)
      expect(summary.json.postingSummaries[0].totalPostings).toBeGreaterThan(0)

      expectError(yield* send(sandbox, token, getHotelRevenue({ hotelId, businessDate: "2999-01-01" })), 400, "DATE_IN_FUTURE")
      expectValid("pingCashieringService", 200, yield* send(sandbox, token, pingCashieringService(hotelId)))
    })))
})
