import { Schema } from "effect"
import type { FinancialPostings, FolioDetails, FolioWindow, Posting, PostingsDetails } from "./cashiering.js"
import { defined, idOfType, Paging } from "./common.js"

/**
 * The compact cashiering records an AI assistant reads, and the mappings
 * from OHIP bodies to them. Charges are positive, payments negative; a card
 * shows as its last four digits and nothing more.
 */
const optional = Schema.optional

export const Money = Schema.Struct({ amount: Schema.Number, currencyCode: optional(Schema.String) })
export type Money = typeof Money.Type

export const PostingLine = Schema.Struct({
  transactionNo: Schema.Number,
  date: optional(Schema.String),
  transactionCode: optional(Schema.String),
  description: optional(Schema.String),
  /** "Revenue" (a charge) or "Payment". */
  type: optional(Schema.String),
  /** Charges positive, payments negative. */
  amount: Schema.Number,
  currencyCode: optional(Schema.String),
  quantity: optional(Schema.Number),
  window: optional(Schema.Number),
  reference: optional(Schema.String),
  remark: optional(Schema.String),
  /** The transaction this one replaced when it was transferred. */
  transferredFrom: optional(Schema.Number),
  paymentMethod: optional(Schema.String),
  cardLast4: optional(Schema.String)
})
export type PostingLine = typeof PostingLine.Type

export const FolioWindowSummary = Schema.Struct({
  window: Schema.Number,
  balance: Money,
  charges: optional(Money),
  payments: optional(Money),
  payeeName: optional(Schema.String),
  paymentMethod: optional(Schema.String),
  cardLast4: optional(Schema.String),
  postings: Schema.Array(PostingLine),
  paging: Paging
})
export type FolioWindowSummary = typeof FolioWindowSummary.Type

export const FolioSummary = Schema.Struct({
  reservationId: Schema.String,
  confirmationNumber: optional(Schema.String),
  status: optional(Schema.String),
  roomNumber: optional(Schema.String),
  guestName: optional(Schema.String),
  arrivalDate: optional(Schema.String),
  departureDate: optional(Schema.String),
  balance: Money,
  windows: Schema.Array(FolioWindowSummary)
})
export type FolioSummary = typeof FolioSummary.Type

export const JournalLine = Schema.Struct({
  ...PostingLine.fields,
  reservationId: optional(Schema.String),
  roomNumber: optional(Schema.String),
  guestName: optional(Schema.String)
})
export type JournalLine = typeof JournalLine.Type

const money = (value: { readonly amount?: number | undefined; readonly currencyCode?: string | undefined } | undefined) =>
  value?.amount === undefined ? undefined : defined({ amount: value.amount, currencyCode: value.currencyCode })

const last4 = (value: string | undefined) => value !== undefined && /^\d{4}$/.test(value) ? value : undefined

/** One OHIP posting as a line; none without a transaction number. */
export const postingLine = (posting: Posting): PostingLine | undefined => {
  if (posting.transactionNo === undefined) return undefined
  const payment = posting.transactionType === "Payment"
  const amount = posting.postedAmount?.amount ?? posting.transactionAmount ?? posting.debitAmount?.amount ??
    posting.creditAmount?.amount ?? 0
  return defined({
    transactionNo: posting.transactionNo,
    date: posting.postingDate ?? posting.transactionDate ?? posting.postingTime?.time?.slice(0, 10),
    transactionCode: posting.transactionCode,
    description: posting.transactionDescription,
    type: posting.transactionType,
    amount: payment ? -Math.abs(amount) : amount,
    currencyCode: posting.postedAmount?.currencyCode ?? posting.price?.currencyCode,
    quantity: posting.quantity,
    window: posting.folioWindowNo,
    reference: posting.reference,
    remark: posting.remark,
    transferredFrom: posting.referenceTransactionNo,
    paymentMethod: posting.paymentMethod?.paymentMethod,
    cardLast4: last4(posting.paymentMethod?.paymentCard?.cardNumberLast4Digits)
  })
}

const lines = (postings: ReadonlyArray<Posting> | undefined) =>
  (postings ?? []).flatMap((posting) => {
    const line = postingLine(posting)
    return line === undefined ? [] : [line]
  })

const windowSummary = (window: FolioWindow, index: number): FolioWindowSummary => {
  const postings = lines(window.folios?.flatMap((folio) => folio.postings ?? []))
  const offset = window.offset ?? 0
  const totalResults = window.totalResults ?? postings.length
  return defined({
    window: window.folioWindowNo ?? index + 1,
    balance: money(window.balance) ?? { amount: 0 },
    charges: money(window.revenue),
    payments: money(window.payment),
    payeeName: window.payeeInfo?.payeeName,
    paymentMethod: window.paymentMethod?.paymentMethod,
    cardLast4: last4(window.paymentMethod?.paymentCard?.cardNumberLast4Digits),
    postings,
    paging: {
      offset,
      limit: window.limit ?? postings.length,
      hasMore: window.hasMore ?? offset + postings.length < totalResults,
      totalResults,
      count: window.count ?? postings.length
    }
  })
}

/** getFolio answer → the folio; the reservation id is the one asked for when OPERA leaves it out. */
export const folioFromDetails = (body: FolioDetails, reservationId: string): FolioSummary => {
  const info = body.reservationFolioInformation
  const reservation = info?.reservationInfo
  const guest = reservation?.reservationGuest
  const windows = (info?.folioWindows ?? []).map(windowSummary)
  const name = guest?.fullName ?? [guest?.givenName, guest?.surname].filter((part) => part !== undefined).join(" ")
  const currencyCode = reservation?.roomStay?.balance?.currencyCode ?? windows[0]?.balance.currencyCode
  const total = windows.reduce((sum, window) => sum + window.balance.amount, 0)
  const head = defined({
    reservationId: idOfType(reservation?.reservationIdList, "Reservation") ?? reservationId,
    confirmationNumber: idOfType(reservation?.reservationIdList, "Confirmation"),
    status: reservation?.reservationStatus,
    roomNumber: reservation?.roomStay?.roomId,
    guestName: name === "" ? undefined : name,
    arrivalDate: reservation?.roomStay?.arrivalDate,
    departureDate: reservation?.roomStay?.departureDate,
    balance: money(reservation?.roomStay?.balance) ?? defined({ amount: Math.round(total * 100) / 100, currencyCode })
  })
  return { ...head, windows }
}

/** postBillingCharges / postBillingPayment answer → the lines OPERA posted. */
export const postedLines = (body: PostingsDetails): ReadonlyArray<PostingLine> => lines(body.postings)

/** getFinancialPostings answer → journal lines, totals and OHIP paging. */
export const journalFromPostings = (body: FinancialPostings) => {
  const journal = body.journalPostings
  const entries = (journal?.postings ?? []).flatMap((posting): Array<JournalLine> => {
    const line = postingLine(posting)
    if (line === undefined) return []
    const guest = posting.guestInfo
    return [defined({
      ...line,
      reservationId: guest?.reservationId?.id,
      roomNumber: guest?.roomId,
      guestName: guest?.guestName
    })]
  })
  const offset = body.offset ?? 0
  const totalResults = body.totalResults ?? journal?.totalEntriesCount ?? entries.length
  return {
    postings: entries,
    totals: defined({
      charges: money(journal?.totalDebit),
      payments: money(journal?.totalCredit),
      net: money(journal?.totalForAllPages)
    }),
    paging: {
      offset,
      limit: body.limit ?? entries.length,
      hasMore: body.hasMore ?? offset + entries.length < totalResults,
      totalResults,
      count: body.count ?? entries.length
    }
  }
}
