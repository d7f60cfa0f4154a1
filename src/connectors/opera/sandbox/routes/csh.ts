import { Clock, Effect, Either, Schema } from "effect"
import { BillingChargesRequest, BillingPaymentRequest, TransactionToWindowRequest } from "../../client/schemas/cashiering.js"
import { isoDateTimeOf, nightsBetween } from "../calendar.js"
import { CsvParam, DateParam, decodeBody, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { postCharges, postPayment, transferToWindow } from "../folioRules.js"
import { postingsOf, windowsOf } from "../ledger.js"
import { badRequest } from "../ohipErrors.js"
import { renderDetailPosting, renderFolioReservation, renderFolioWindow, renderPosting, renderTrxCodes } from "../render/folio.js"
import { findReservation } from "../reservationBook.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"
import { bearerRoute } from "../route.js"
import { cents } from "../transactionCodes.js"

/** Cashiering (csh.json, base path /csh/v1): folios, charges, payments, transfers and the day's figures. */
const optional = Schema.optional

const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const param = (request: SandboxRequest, name: string): string => request.params[name] ?? ""

/** The cashier OHIP names in the body, else the interface cashier. */
const interfaceCashier = 1

const route = bearerRoute("csh")

const checkBodyReservation = (request: SandboxRequest, id: string | undefined) =>
  id === undefined || id === param(request, "reservationId")
    ? Either.right(id)
    : Either.left(badRequest("criteria.reservationId names a different reservation than the path."))

const FolioQuery = Schema.Struct({
  limit: optional(single(WholeNumberParam)),
  offset: optional(single(WholeNumberParam)),
  folioWindowNo: optional(CsvParam)
})

const JournalQuery = Schema.Struct({
  startDate: optional(single(DateParam)),
  endDate: optional(single(DateParam)),
  limit: optional(single(WholeNumberParam)),
  offset: optional(single(WholeNumberParam)),
  filterTransactionCode: optional(CsvParam),
  filterRoomNumber: optional(CsvParam),
  folioWindowNo: optional(CsvParam)
})

const SummaryQuery = Schema.Struct({
  postingDate: optional(single(DateParam)),
  postingSummaryType: optional(single(Schema.Literal("Postings", "Adjustments", "All")))
})

const RevenueQuery = Schema.Struct({ businessDate: optional(single(DateParam)) })

const hints = {
  limit: "a whole number",
  offset: "a whole number",
  folioWindowNo: "window numbers from 1 to 8",
  startDate: "a date as YYYY-MM-DD",
  endDate: "a date as YYYY-MM-DD",
  postingDate: "a date as YYYY-MM-DD",
  businessDate: "a date as YYYY-MM-DD",
  postingSummaryType: "one of Postings, Adjustments, All"
}

const windowFilter = (values: ReadonlyArray<string> | undefined) => {
  const numbers = (values ?? []).map(Number)
  return numbers.every((value) => Number.isInteger(value) && value >= 1 && value <= 8)
    ? Either.right(numbers)
    : Either.left(badRequest(`Query parameter "folioWindowNo" is invalid: it must be ${hints.folioWindowNo}.`))
}

export const cshRoutes: ReadonlyArray<SandboxRoute> = [
  route("getFolio", "GET", "/hotels/{hotelId}/reservations/{reservationId}/folios", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(FolioQuery, request.query, hints)
      const windowsWanted = yield* windowFilter(query.folioWindowNo)
      const snapshot = yield* env.property.snapshot
      const reservation = yield* findReservation(snapshot, request.hotelId, param(request, "reservationId"))
      const postings = postingsOf(yield* env.property.ledger.snapshot, reservation)
      const guest = snapshot.guests.get(reservation.profileId)
      const page = { offset: query.offset ?? 0, limit: Math.max(1, Math.min(query.limit ?? 200, 200)) }
      const windows = windowsOf(postings).filter((window) => windowsWanted.length === 0 || windowsWanted.includes(window.folioWindowNo))
      const balance = cents(windows.reduce((sum, window) => sum + window.balance, 0))
      return {
        status: 200,
        body: {
          reservationFolioInformation: {
            reservationInfo: renderFolioReservation(reservation, guest, balance),
            folioWindows: windows.map((window) => renderFolioWindow(window, reservation, guest, page)),
            postStayChargeAllowed: false,
            preStayChargeAllowed: reservation.status === "Reserved"
          },
          trxCodesInfo: renderTrxCodes(reservation.hotelId, postings.map((posting) => posting.transactionCode)),
          links: [{ href: `${env.baseUrl}${request.path}`, rel: "self", templated: false, method: "GET", operationId: "getFolio" }]
        }
      }
    })),

  route("postBillingCharges", "POST", "/hotels/{hotelId}/reservations/{reservationId}/charges", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(BillingChargesRequest, request.body, "billingCharges")
      yield* checkBodyReservation(request, body.criteria.reservationId?.id)
      const snapshot = yield* env.property.snapshot
      const reservation = yield* findReservation(snapshot, request.hotelId, param(request, "reservationId"))
      const context = { businessDate: snapshot.businessDate, nowIso: yield* now, cashierId: body.criteria.cashierId ?? interfaceCashier }
      const posted = yield* env.property.ledger.transact((ledger) =>
        postCharges(ledger, reservation, body.criteria.charges.map((charge) => ({
          transactionCode: charge.transactionCode,
          unitPrice: charge.price.amount,
          quantity: charge.postingQuantity ?? 1,
          currencyCode: charge.price.currencyCode,
          folioWindowNo: charge.folioWindowNo ?? 1,
          reference: charge.postingReference,
          remark: charge.postingRemark
        })), context)
      )
      return {
        status: 201,
        body: {
          postings: posted.map(renderPosting),
          trxCodesInfo: renderTrxCodes(reservation.hotelId, posted.map((posting) => posting.transactionCode))
        }
      }
    })),

  route("postBillingPayment", "POST", "/hotels/{hotelId}/reservations/{reservationId}/payments", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(BillingPaymentRequest, request.body, "billingPayment")
      yield* checkBodyReservation(request, body.criteria.reservationId?.id)
      const card = body.criteria.paymentMethod.paymentCard
      // The sandbox is outside PCI scope: it takes tokens only, and keeps nothing of a card but its last four digits.
      if (card !== undefined && card.cardOrToken !== "Token") {
        return yield* badRequest("paymentCard must carry a token (cardOrToken Token); card numbers are not accepted.", "CARD_NUMBER_NOT_ACCEPTED")
      }
      if (card !== undefined && !/^\d{4}$/.test(card.cardNumberLast4Digits ?? "")) {
        return yield* badRequest("paymentCard.cardNumberLast4Digits must be the last four digits of the card.", "CARD_REQUIRED")
      }
      const snapshot = yield* env.property.snapshot
      const reservation = yield* findReservation(snapshot, request.hotelId, param(request, "reservationId"))
      const context = { businessDate: snapshot.businessDate, nowIso: yield* now, cashierId: body.criteria.cashierId ?? interfaceCashier }
      const posted = yield* env.property.ledger.transact((ledger) =>
        postPayment(ledger, reservation, {
          paymentMethod: body.criteria.paymentMethod.paymentMethod,
          amount: body.criteria.postingAmount.amount,
          currencyCode: body.criteria.postingAmount.currencyCode,
          folioWindowNo: body.criteria.folioWindowNo ?? 1,
          cardLast4: card?.cardNumberLast4Digits,
          reference: body.criteria.postingReference,
          remark: body.criteria.postingRemark
        }, context)
      )
      return {
        status: 201,
        body: { postings: [renderPosting(posted)], trxCodesInfo: renderTrxCodes(reservation.hotelId, [posted.transactionCode]) }
      }
    })),

  route("transferTransactionToWindow", "PUT", "/hotels/{hotelId}/reservations/{reservationId}/transferTransactions", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(TransactionToWindowRequest, request.body, "transactionToWindow")
      const ids = body.criteria.reservationIdList ?? []
      if (ids.length > 0 && !ids.some((entry) => entry.id === param(request, "reservationId"))) {
        return yield* badRequest("criteria.reservationIdList names a different reservation than the path.")
      }
      const snapshot = yield* env.property.snapshot
      const reservation = yield* findReservation(snapshot, request.hotelId, param(request, "reservationId"))
      const context = { businessDate: snapshot.businessDate, nowIso: yield* now, cashierId: body.criteria.cashierId ?? interfaceCashier }
      const moved = yield* env.property.ledger.transact((ledger) =>
        transferToWindow(ledger, reservation, body.criteria.transactionList, body.criteria.targetFolioWindowNo, context)
      )
      return { status: 200, body: { transactions: moved.map((posting) => posting.transactionNo) } }
    })),

  route("getFinancialPostings", "GET", "/hotels/{hotelId}/financialPostings", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(JournalQuery, request.query, hints)
      const windowsWanted = yield* windowFilter(query.folioWindowNo)
      const snapshot = yield* env.property.snapshot
      const startDate = query.startDate ?? snapshot.businessDate
      const endDate = query.endDate ?? startDate
      if (endDate < startDate) return yield* badRequest("endDate must not be before startDate.", "INVALID_DATE_RANGE")
      if (nightsBetween(startDate, endDate) > 30) {
        return yield* badRequest("The journal can be read for at most 30 days at a time.", "INVALID_DATE_RANGE")
      }
      const limit = Math.max(1, Math.min(query.limit ?? 50, 50))
      const offset = query.offset ?? 0
      const codes = query.filterTransactionCode ?? []
      const rooms = query.filterRoomNumber ?? []
      const rows = (yield* env.property.ledger.snapshot).postings.filter((posting) => {
        if (posting.hotelId !== request.hotelId || posting.postingDate < startDate || posting.postingDate > endDate) return false
        if (codes.length > 0 && !codes.includes(posting.transactionCode)) return false
        if (windowsWanted.length > 0 && !windowsWanted.includes(posting.folioWindowNo)) return false
        const roomId = snapshot.reservations.get(posting.reservationId)?.roomId
        return rooms.length === 0 || (roomId !== undefined && rooms.includes(roomId))
      })
      const page = rows.slice(offset, offset + limit)
      const sum = (list: typeof rows, type: "Revenue" | "Payment") =>
        cents(list.filter((posting) => posting.transactionType === type).reduce((total, posting) => total + posting.amount, 0))
      const currencyCode = rows[0]?.currencyCode ?? "USD"
      return {
        status: 200,
        body: {
          journalPostings: {
            postings: page.map((posting) => {
              const reservation = snapshot.reservations.get(posting.reservationId)
              return renderDetailPosting(posting, reservation, reservation === undefined ? undefined : snapshot.guests.get(reservation.profileId))
            }),
            totalDebit: { amount: sum(page, "Revenue"), currencyCode },
            totalCredit: { amount: sum(page, "Payment"), currencyCode },
            overallTotal: { amount: cents(sum(page, "Revenue") - sum(page, "Payment")), currencyCode },
            totalForAllPages: { amount: cents(sum(rows, "Revenue") - sum(rows, "Payment")), currencyCode },
            totalEntriesCount: rows.length
          },
          totalPages: Math.max(1, Math.ceil(rows.length / limit)),
          offset,
          limit,
          hasMore: offset + page.length < rows.length,
          totalResults: rows.length,
          count: page.length
        }
      }
    })),

  route("getPostingSummary", "GET", "/hotels/{hotelId}/postingDates/date/postingSummary", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(SummaryQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const postingDate = query.postingDate ?? snapshot.businessDate
      // The sandbox makes no adjustments: a day's postings are its revenue lines, transfers keep their date.
      const lines = query.postingSummaryType === "Adjustments" ? [] : (yield* env.property.ledger.snapshot).postings.filter(
        (posting) => posting.hotelId === request.hotelId && posting.postingDate === postingDate && posting.transactionType === "Revenue"
      )
      const total = cents(lines.reduce((sum, posting) => sum + posting.amount, 0))
      return {
        status: 200,
        body: {
          postingSummaries: [{ totalPostings: lines.length, totalAmount: { amount: total, currencyCode: "USD" }, totalCheckCount: 0 }]
        }
      }
    })),

  route("getHotelRevenue", "GET", "/hotels/{hotelId}/revenue", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(RevenueQuery, request.query, hints)
      const snapshot = yield* env.property.snapshot
      const businessDate = query.businessDate ?? snapshot.businessDate
      if (businessDate > snapshot.businessDate) {
        return yield* badRequest(`Revenue exists only up to the business date ${snapshot.businessDate}.`, "DATE_IN_FUTURE")
      }
      const revenue = (yield* env.property.ledger.snapshot).postings.filter((posting) =>
        posting.hotelId === request.hotelId && posting.postingDate === businessDate && posting.transactionType === "Revenue"
      )
      const roomRevenue = cents(revenue.filter((posting) => posting.transactionCode === "1000").reduce((sum, posting) => sum + posting.amount, 0))
      const occupiedRooms = [...snapshot.reservations.values()].filter((reservation) =>
        reservation.hotelId === request.hotelId &&
        (reservation.status === "InHouse" || reservation.status === "CheckedOut") &&
        reservation.arrivalDate <= businessDate && businessDate < reservation.departureDate
      ).length
      return {
        status: 200,
        body: {
          hotelRevenue: {
            roomRevenue,
            houseRevenue: cents(revenue.reduce((sum, posting) => sum + posting.amount, 0)),
            compRevenue: 0,
            occupiedRooms,
            houseRooms: 0,
            compRooms: 0,
            zeroRoomsRevenue: 0,
            currencyCode: "USD"
          }
        }
      }
    })),

  route("pingCashieringService", "GET", "/services/cashiering/status", "none", () =>
    Effect.succeed({ status: 200, body: { operaVersion: "25.5.0.0" } }))
]
