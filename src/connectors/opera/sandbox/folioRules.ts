import { Either } from "effect"
import type { LedgerSnapshot, PostingRecord } from "./ledger.js"
import { postingsOf, windowsOf } from "./ledger.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, businessRule, notFound } from "./ohipErrors.js"
import type { ReservationRecord } from "./property.js"
import {
  cashPaymentLimit,
  cents,
  maxFolioWindow,
  paymentCodeFor,
  postingLimit,
  transactionCode,
  transactionCodes
} from "./transactionCodes.js"

/**
 * The cashiering rules the sandbox enforces, as pure steps over the ledger
 * (see LedgerState.transact). Failures carry OHIP error bodies that name
 * only ids and codes that matched the hotel's configuration.
 */
type Step<A> = Either.Either<readonly [A, LedgerSnapshot], RouteFailure>

export interface PostingContext {
  readonly businessDate: string
  readonly nowIso: string
  readonly cashierId: number
}

const revenueCodes = transactionCodes.filter((entry) => entry.type === "Revenue").map((entry) => entry.code).join(", ")

/** A folio takes postings while the reservation is expected or in house. */
export const checkPostable = (reservation: ReservationRecord): Either.Either<ReservationRecord, RouteFailure> => {
  const id = reservation.reservationId
  switch (reservation.status) {
    case "Cancelled":
      return Either.left(businessRule(`Reservation ${id} is cancelled: nothing can be posted to its folio.`, "RESERVATION_CANCELLED"))
    case "CheckedOut":
      return Either.left(businessRule(`Reservation ${id} is checked out: its folio is closed to postings.`, "RESERVATION_CHECKED_OUT"))
    case "NoShow":
      return Either.left(businessRule(`Reservation ${id} is a no-show: its folio is closed to postings.`, "RESERVATION_NO_SHOW"))
    default:
      return Either.right(reservation)
  }
}

const checkWindow = (window: number): Either.Either<number, RouteFailure> =>
  Number.isInteger(window) && window >= 1 && window <= maxFolioWindow
    ? Either.right(window)
    : Either.left(badRequest(`folioWindowNo must be a window from 1 to ${maxFolioWindow}.`, "INVALID_FOLIO_WINDOW"))

export interface ChargeRequest {
  readonly transactionCode: string
  readonly unitPrice: number
  readonly quantity: number
  readonly currencyCode: string | undefined
  readonly folioWindowNo: number
  readonly reference: string | undefined
  readonly remark: string | undefined
}

/** postBillingCharges: revenue postings on one reservation, all or none. */
export const postCharges = (
  ledger: LedgerSnapshot,
  reservation: ReservationRecord,
  charges: ReadonlyArray<ChargeRequest>,
  context: PostingContext
): Step<ReadonlyArray<PostingRecord>> =>
  checkPostable(reservation).pipe(
    Either.flatMap(() =>
      Either.all(charges.map((charge, index) => {
        const code = transactionCode(charge.transactionCode)
        if (code === undefined) {
          return Either.left(badRequest(
            `charges[${index}].transactionCode is not configured at this hotel; revenue codes are ${revenueCodes}.`,
            "INVALID_TRANSACTION_CODE"
          ))
        }
        if (code.type !== "Revenue") {
          return Either.left(businessRule(
            `Transaction code ${code.code} (${code.description}) is a payment code: post it as a payment, not a charge.`,
            "TRANSACTION_CODE_NOT_REVENUE"
          ))
        }
        if (!Number.isFinite(charge.unitPrice) || charge.unitPrice <= 0) {
          return Either.left(badRequest(`charges[${index}].price.amount must be a positive amount.`, "INVALID_AMOUNT"))
        }
        if (!Number.isInteger(charge.quantity) || charge.quantity < 1 || charge.quantity > 99) {
          return Either.left(badRequest(`charges[${index}].postingQuantity must be a whole number from 1 to 99.`, "INVALID_QUANTITY"))
        }
        if (charge.currencyCode !== undefined && charge.currencyCode !== reservation.currencyCode) {
          return Either.left(businessRule(`This folio is kept in ${reservation.currencyCode}.`, "CURRENCY_MISMATCH"))
        }
        const amount = cents(charge.unitPrice * charge.quantity)
        if (amount > postingLimit) {
          return Either.left(businessRule(
            `A single posting may not exceed ${postingLimit.toFixed(2)} ${reservation.currencyCode}.`,
            "POSTING_LIMIT_EXCEEDED"
          ))
        }
        return checkWindow(charge.folioWindowNo).pipe(Either.map(() => ({ charge, code, amount })))
      }))
    ),
    Either.map((accepted) => {
      const created = accepted.map(({ amount, charge, code }, index): PostingRecord => ({
        transactionNo: ledger.nextTransactionNo + index,
        hotelId: reservation.hotelId,
        reservationId: reservation.reservationId,
        folioWindowNo: charge.folioWindowNo,
        transactionCode: code.code,
        transactionType: "Revenue",
        amount,
        quantity: charge.quantity,
        unitPrice: cents(charge.unitPrice),
        currencyCode: reservation.currencyCode,
        postingDate: context.businessDate,
        postedAt: context.nowIso,
        reference: charge.reference,
        remark: charge.remark,
        paymentMethod: undefined,
        cardLast4: undefined,
        referenceTransactionNo: undefined,
        cashierId: context.cashierId
      }))
      return [created, { postings: [...ledger.postings, ...created], nextTransactionNo: ledger.nextTransactionNo + created.length }] as const
    })
  )

export interface PaymentRequest {
  readonly paymentMethod: string
  readonly amount: number
  readonly currencyCode: string | undefined
  readonly folioWindowNo: number
  readonly cardLast4: string | undefined
  readonly reference: string | undefined
  readonly remark: string | undefined
}

/** postBillingPayment: a payment may settle, never exceed, the window's open balance. */
export const postPayment = (
  ledger: LedgerSnapshot,
  reservation: ReservationRecord,
  payment: PaymentRequest,
  context: PostingContext
): Step<PostingRecord> =>
  checkPostable(reservation).pipe(
    Either.flatMap(() => checkWindow(payment.folioWindowNo)),
    Either.flatMap((): Either.Either<PostingRecord, RouteFailure> => {
      const code = paymentCodeFor(payment.paymentMethod)
      const currency = reservation.currencyCode
      if (code === undefined) {
        const methods = transactionCodes.flatMap((entry) => entry.paymentMethod === undefined ? [] : [entry.paymentMethod])
        return Either.left(badRequest(`paymentMethod is not accepted at this hotel; use one of ${methods.join(", ")}.`, "INVALID_PAYMENT_METHOD"))
      }
      if (code.cardType !== undefined && payment.cardLast4 === undefined) {
        return Either.left(badRequest("A card payment needs paymentCard with cardOrToken Token and cardNumberLast4Digits.", "CARD_REQUIRED"))
      }
      if (!Number.isFinite(payment.amount) || payment.amount <= 0) {
        return Either.left(badRequest("postingAmount.amount must be a positive amount.", "INVALID_AMOUNT"))
      }
      if (payment.currencyCode !== undefined && payment.currencyCode !== currency) {
        return Either.left(businessRule(`This folio is kept in ${currency}.`, "CURRENCY_MISMATCH"))
      }
      if (payment.amount > postingLimit) {
        return Either.left(businessRule(`A single payment may not exceed ${postingLimit.toFixed(2)} ${currency}.`, "PAYMENT_LIMIT_EXCEEDED"))
      }
      if (code.cardType === undefined && payment.amount > cashPaymentLimit) {
        return Either.left(businessRule(`Cash payments above ${cashPaymentLimit.toFixed(2)} ${currency} are not accepted.`, "CASH_LIMIT_EXCEEDED"))
      }
      const window = windowsOf(postingsOf(ledger, reservation)).find((entry) => entry.folioWindowNo === payment.folioWindowNo)
      const balance = window?.balance ?? 0
      if (cents(payment.amount) > balance) {
        return Either.left(businessRule(
          `The payment exceeds the open balance of window ${payment.folioWindowNo} (${balance.toFixed(2)} ${currency}).`,
          "PAYMENT_EXCEEDS_BALANCE"
        ))
      }
      return Either.right({
        transactionNo: ledger.nextTransactionNo,
        hotelId: reservation.hotelId,
        reservationId: reservation.reservationId,
        folioWindowNo: payment.folioWindowNo,
        transactionCode: code.code,
        transactionType: "Payment",
        amount: cents(payment.amount),
        quantity: 1,
        unitPrice: cents(payment.amount),
        currencyCode: currency,
        postingDate: context.businessDate,
        postedAt: context.nowIso,
        reference: payment.reference,
        remark: payment.remark,
        paymentMethod: payment.paymentMethod,
        cardLast4: payment.cardLast4,
        referenceTransactionNo: undefined,
        cashierId: context.cashierId
      })
    }),
    Either.map((posting) =>
      [posting, { postings: [...ledger.postings, posting], nextTransactionNo: ledger.nextTransactionNo + 1 }] as const
    )
  )

/** transferTransactionToWindow: each transaction moves under a new number; the old number is kept as its reference. */
export const transferToWindow = (
  ledger: LedgerSnapshot,
  reservation: ReservationRecord,
  transactionNos: ReadonlyArray<number>,
  targetWindow: number,
  context: PostingContext
): Step<ReadonlyArray<PostingRecord>> =>
  checkPostable(reservation).pipe(
    Either.flatMap(() => checkWindow(targetWindow)),
    Either.flatMap(() => {
      if (transactionNos.length === 0) return Either.left(badRequest("transactionList must name at least one transaction."))
      const own = postingsOf(ledger, reservation)
      return Either.all([...new Set(transactionNos)].map((number) => {
        const posting = own.find((entry) => entry.transactionNo === number)
        if (posting === undefined) {
          return Either.left(notFound(`Reservation ${reservation.reservationId} has no transaction with this number.`))
        }
        if (posting.folioWindowNo === targetWindow) {
          return Either.left(businessRule(`Transaction ${number} is already in window ${targetWindow}.`, "TRANSACTION_ALREADY_IN_WINDOW"))
        }
        return Either.right(posting)
      }))
    }),
    Either.map((moving) => {
      const moved = moving.map((posting, index): PostingRecord => ({
        ...posting,
        transactionNo: ledger.nextTransactionNo + index,
        folioWindowNo: targetWindow,
        referenceTransactionNo: posting.transactionNo,
        postedAt: context.nowIso,
        cashierId: context.cashierId
      }))
      const replaced = new Set(moving.map((posting) => posting.transactionNo))
      return [moved, {
        postings: [...ledger.postings.filter((posting) => !replaced.has(posting.transactionNo)), ...moved],
        nextTransactionNo: ledger.nextTransactionNo + moved.length
      }] as const
    })
  )
