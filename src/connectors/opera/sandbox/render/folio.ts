import type { PostingRecord, WindowTotals } from "../ledger.js"
import type { GuestRecord, ReservationRecord } from "../property.js"
import { transactionCode, transactionCodes } from "../transactionCodes.js"

/**
 * Ledger records rendered as OHIP JSON (csh.json): `summaryPostingType` on
 * folios and posting answers, `detailPostingType` in the journal,
 * `folioWindowType` per window. Cards appear masked only.
 */
const amount = (value: number, currencyCode: string) => ({ amount: value, currencyCode })

export const maskedCard = (last4: string) => `XXXXXXXXXXXX${last4}`

const cardTypeOf = (paymentMethod: string | undefined) =>
  transactionCodes.find((entry) => entry.paymentMethod === paymentMethod)?.cardType

export const renderPosting = (posting: PostingRecord) => {
  const code = transactionCode(posting.transactionCode)
  const value = amount(posting.amount, posting.currencyCode)
  return {
    ...(posting.referenceTransactionNo === undefined ? {} : { referenceTransactionNo: posting.referenceTransactionNo }),
    ...(posting.remark === undefined ? {} : { remark: posting.remark }),
    ...(posting.reference === undefined ? {} : { reference: posting.reference }),
    postedAmount: value,
    price: amount(posting.unitPrice, posting.currencyCode),
    quantity: posting.quantity,
    transactionType: posting.transactionType,
    ...(posting.transactionType === "Revenue" ? { debitAmount: value } : { creditAmount: value }),
    cashierInfo: { cashierId: posting.cashierId },
    transactionNo: posting.transactionNo,
    transactionDate: posting.postingDate,
    transactionCode: posting.transactionCode,
    transactionDescription: code?.description ?? posting.transactionCode,
    transactionAmount: posting.transactionType === "Revenue" ? posting.amount : -posting.amount,
    postingDate: posting.postingDate,
    postingTime: { time: `${posting.postingDate}${posting.postedAt.slice(10)}` },
    revenueDate: posting.postingDate,
    folioWindowNo: posting.folioWindowNo
  }
}

const paymentMethodOf = (posting: PostingRecord) => {
  const cardType = cardTypeOf(posting.paymentMethod)
  return {
    ...(cardType === undefined || posting.cardLast4 === undefined ? {} : {
      paymentCard: {
        cardType,
        cardNumberMasked: maskedCard(posting.cardLast4),
        cardNumberLast4Digits: posting.cardLast4,
        cardOrToken: "Token"
      }
    }),
    paymentMethod: posting.paymentMethod ?? "",
    description: transactionCode(posting.transactionCode)?.description ?? ""
  }
}

/** A journal line, with the guest it was posted to (name and room as OPERA shows them). */
export const renderDetailPosting = (
  posting: PostingRecord,
  reservation: ReservationRecord | undefined,
  guest: GuestRecord | undefined
) => ({
  ...renderPosting(posting),
  hotelId: posting.hotelId,
  ...(posting.paymentMethod === undefined ? {} : { paymentMethod: paymentMethodOf(posting) }),
  guestInfo: {
    reservationId: { id: posting.reservationId, type: "Reservation" },
    ...(guest === undefined ? {} : { profileId: { id: guest.profileId, type: "Profile" }, guestName: `${guest.surname}, ${guest.givenName}` }),
    ...(reservation?.roomId === undefined ? {} : { roomId: reservation.roomId }),
    ...(reservation === undefined ? {} : { confirmationNo: reservation.confirmationNumber })
  }
})

/** `reservationInfoType` as a folio shows it: ids, stay, room, balance, guest and status. */
export const renderFolioReservation = (reservation: ReservationRecord, guest: GuestRecord | undefined, balance: number) => ({
  reservationIdList: [
    { id: reservation.reservationId, type: "Reservation" },
    { id: reservation.confirmationNumber, type: "Confirmation" }
  ],
  roomStay: {
    arrivalDate: reservation.arrivalDate,
    departureDate: reservation.departureDate,
    roomType: reservation.roomType,
    ...(reservation.roomId === undefined ? {} : { roomId: reservation.roomId }),
    ratePlanCode: reservation.ratePlanCode,
    balance: amount(balance, reservation.currencyCode)
  },
  ...(guest === undefined ? {} : {
    reservationGuest: { id: guest.profileId, type: "Profile", givenName: guest.givenName, surname: guest.surname }
  }),
  hotelId: reservation.hotelId,
  reservationStatus: reservation.status
})

export interface WindowPage {
  readonly offset: number
  readonly limit: number
}

/** One folio window: totals, the payee, the last card used, and a page of its postings. */
export const renderFolioWindow = (
  window: WindowTotals,
  reservation: ReservationRecord,
  guest: GuestRecord | undefined,
  page: WindowPage
) => {
  const currency = reservation.currencyCode
  const lastPayment = [...window.postings].reverse().find((posting) => posting.transactionType === "Payment")
  const postings = window.postings.slice(page.offset, page.offset + page.limit)
  return {
    revenue: amount(window.revenue, currency),
    payment: amount(window.payment, currency),
    balance: amount(window.balance, currency),
    ...(lastPayment === undefined ? {} : { paymentMethod: paymentMethodOf(lastPayment) }),
    ...(guest === undefined ? {} : {
      payeeInfo: { payeeId: { id: guest.profileId, type: "Profile" }, payeeName: `${guest.surname}, ${guest.givenName}` }
    }),
    folios: [{
      postings: postings.map(renderPosting),
      folioAmount: amount(window.balance, currency),
      folioStatus: "Ok"
    }],
    folioWindowNo: window.folioWindowNo,
    emptyFolio: window.postings.length === 0,
    emptyWindow: window.postings.length === 0,
    paymentsOnly: window.postings.length > 0 && window.postings.every((posting) => posting.transactionType === "Payment"),
    totalPages: Math.max(1, Math.ceil(window.postings.length / page.limit)),
    offset: page.offset,
    limit: page.limit,
    hasMore: page.offset + postings.length < window.postings.length,
    totalResults: window.postings.length,
    count: postings.length
  }
}

export const renderTrxCodes = (hotelId: string, codes: ReadonlyArray<string>) =>
  [...new Set(codes)].flatMap((code) => {
    const info = transactionCode(code)
    return info === undefined ? [] : [{
      description: info.description,
      transactionGroup: info.group,
      transactionCode: info.code,
      hotelId
    }]
  })
