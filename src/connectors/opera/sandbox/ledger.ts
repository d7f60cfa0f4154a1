import { Effect, Either, SynchronizedRef } from "effect"
import { addDays } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import type { PropertySnapshot, ReservationRecord } from "./property.js"
import { cents, maxFolioWindow, roomChargeCode, transactionCode } from "./transactionCodes.js"

/**
 * The sandbox's cashiering ledger: every posting (charges and payments) of
 * every reservation's folio windows. It lives in its own SynchronizedRef;
 * reservations are read from the property state, never copied here.
 */
export interface PostingRecord {
  readonly transactionNo: number
  readonly hotelId: string
  readonly reservationId: string
  readonly folioWindowNo: number
  readonly transactionCode: string
  readonly transactionType: "Revenue" | "Payment"
  /** Always positive: a charge debits the window, a payment credits it. */
  readonly amount: number
  readonly quantity: number
  readonly unitPrice: number
  readonly currencyCode: string
  /** The business date the posting belongs to. */
  readonly postingDate: string
  readonly postedAt: string
  readonly reference: string | undefined
  readonly remark: string | undefined
  /** Payments only: OPERA payment method code (CA, VA, MC, AX). */
  readonly paymentMethod: string | undefined
  /** Card payments only: the last four digits; the sandbox never holds a card number or token. */
  readonly cardLast4: string | undefined
  /** Set when the posting was transferred: the transaction it replaced. */
  readonly referenceTransactionNo: number | undefined
  readonly cashierId: number
}

export interface LedgerSnapshot {
  readonly postings: ReadonlyArray<PostingRecord>
  readonly nextTransactionNo: number
}

export interface LedgerState {
  readonly snapshot: Effect.Effect<LedgerSnapshot>
  /** Runs a pure step atomically: `Right([answer, next])` commits, `Left` leaves the ledger untouched. */
  readonly transact: <A>(
    step: (ledger: LedgerSnapshot) => Either.Either<readonly [A, LedgerSnapshot], RouteFailure>
  ) => Effect.Effect<A, RouteFailure>
}

export const firstTransactionNo = 7_000_001
export const nightAuditCashier = 99

/** Room charges for the nights in-house guests have already stayed, posted by the night audit. */
export const seedLedger = (property: PropertySnapshot): LedgerSnapshot => {
  const postings: Array<PostingRecord> = []
  let transactionNo = firstTransactionNo
  const room = transactionCode(roomChargeCode)
  for (const reservation of property.reservations.values()) {
    if (reservation.status !== "InHouse") continue
    for (let night = reservation.arrivalDate; night < property.businessDate && night < reservation.departureDate; night = addDays(night, 1)) {
      postings.push({
        transactionNo: transactionNo++,
        hotelId: reservation.hotelId,
        reservationId: reservation.reservationId,
        folioWindowNo: 1,
        transactionCode: room?.code ?? roomChargeCode,
        transactionType: "Revenue",
        amount: cents(reservation.rateAmount),
        quantity: 1,
        unitPrice: cents(reservation.rateAmount),
        currencyCode: reservation.currencyCode,
        postingDate: night,
        postedAt: `${night}T23:30:00.000Z`,
        reference: undefined,
        remark: undefined,
        paymentMethod: undefined,
        cardLast4: undefined,
        referenceTransactionNo: undefined,
        cashierId: nightAuditCashier
      })
    }
  }
  return { postings, nextTransactionNo: transactionNo }
}

export const makeLedgerState = (property: PropertySnapshot): Effect.Effect<LedgerState> =>
  Effect.map(SynchronizedRef.make(seedLedger(property)), (ref) => ({
    snapshot: SynchronizedRef.get(ref),
    transact: <A>(step: (ledger: LedgerSnapshot) => Either.Either<readonly [A, LedgerSnapshot], RouteFailure>) =>
      SynchronizedRef.modifyEffect(ref, (ledger) =>
        Either.match(step(ledger), {
          onLeft: (failure) => Effect.fail(failure),
          onRight: ([answer, next]) => Effect.succeed([answer, next] as const)
        }))
  }))

export interface WindowTotals {
  readonly folioWindowNo: number
  readonly revenue: number
  readonly payment: number
  readonly balance: number
  readonly postings: ReadonlyArray<PostingRecord>
}

export const postingsOf = (ledger: LedgerSnapshot, reservation: ReservationRecord) =>
  ledger.postings.filter((posting) => posting.reservationId === reservation.reservationId && posting.hotelId === reservation.hotelId)

/** Window 1 always exists; other windows exist once something was posted to them. */
export const windowsOf = (postings: ReadonlyArray<PostingRecord>): ReadonlyArray<WindowTotals> => {
  const numbers = [...new Set([1, ...postings.map((posting) => posting.folioWindowNo)])]
    .filter((number) => number >= 1 && number <= maxFolioWindow)
    .sort((left, right) => left - right)
  return numbers.map((folioWindowNo) => {
    const inWindow = postings.filter((posting) => posting.folioWindowNo === folioWindowNo)
    const revenue = cents(inWindow.filter((posting) => posting.transactionType === "Revenue").reduce((sum, posting) => sum + posting.amount, 0))
    const payment = cents(inWindow.filter((posting) => posting.transactionType === "Payment").reduce((sum, posting) => sum + posting.amount, 0))
    return { folioWindowNo, revenue, payment, balance: cents(revenue - payment), postings: inWindow }
  })
}
