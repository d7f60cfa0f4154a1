import { Schema } from "effect"
import { CurrencyAmount, Links, OhipNumber, pagingFields, UniqueId, UniqueIdList, Warnings } from "./common.js"

/**
 * The parts of csh.json's definitions this project reads or writes, named
 * after the spec's definitions. Every field is optional, as in the spec;
 * unknown fields are ignored on decode.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)
const number = optional(OhipNumber)
const money = optional(CurrencyAmount)

/** `resPaymentCardType`, as far as a masked card goes: the project never reads or keeps a card number. */
export const PaymentCard = Schema.Struct({
  cardType: text,
  cardNumberMasked: text,
  cardNumberLast4Digits: text,
  cardOrToken: text,
  expirationDateMasked: text
})

/** `reservationPaymentMethodType` / `cashieringPaymentMethodType`. */
export const PaymentMethod = Schema.Struct({
  paymentCard: optional(PaymentCard),
  paymentMethod: text,
  description: text
})

/** `summaryPostingType` (folio lines, posting answers) and `detailPostingType` (journal), merged. */
export const Posting = Schema.Struct({
  transactionNo: number,
  referenceTransactionNo: number,
  transactionCode: text,
  transactionDescription: text,
  transactionType: text,
  transactionAmount: number,
  postedAmount: money,
  price: money,
  quantity: number,
  debitAmount: money,
  creditAmount: money,
  transactionDate: text,
  postingDate: text,
  revenueDate: text,
  postingTime: optional(Schema.Struct({ time: text })),
  reference: text,
  remark: text,
  folioWindowNo: number,
  hotelId: text,
  cashierInfo: optional(Schema.Struct({ cashierId: number, cashierName: text })),
  paymentMethod: optional(PaymentMethod),
  guestInfo: optional(Schema.Struct({
    reservationId: optional(UniqueId),
    profileId: optional(UniqueId),
    guestName: text,
    roomId: text,
    confirmationNo: text
  }))
})
export type Posting = typeof Posting.Type

/** `folioWindowType`. */
export const FolioWindow = Schema.Struct({
  folioWindowNo: number,
  revenue: money,
  payment: money,
  balance: money,
  paymentMethod: optional(PaymentMethod),
  payeeInfo: optional(Schema.Struct({ payeeId: optional(UniqueId), payeeName: text })),
  folios: optional(Schema.Array(Schema.Struct({
    postings: optional(Schema.Array(Posting)),
    folioAmount: money,
    folioStatus: text,
    folioNo: number
  }))),
  emptyWindow: flag,
  ...pagingFields
})
export type FolioWindow = typeof FolioWindow.Type

/** `folio` (getFolio 200). */
export const FolioDetails = Schema.Struct({
  reservationFolioInformation: optional(Schema.Struct({
    reservationInfo: optional(Schema.Struct({
      reservationIdList: optional(UniqueIdList),
      roomStay: optional(Schema.Struct({
        arrivalDate: text,
        departureDate: text,
        roomId: text,
        roomType: text,
        balance: money
      })),
      reservationGuest: optional(Schema.Struct({ id: text, givenName: text, surname: text, fullName: text })),
      reservationStatus: text,
      hotelId: text
    })),
    folioWindows: optional(Schema.Array(FolioWindow)),
    preStayChargeAllowed: flag,
    postStayChargeAllowed: flag
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type FolioDetails = typeof FolioDetails.Type

/** `billingChargesDetails` (postBillingCharges 201) and `postedBillingPayment` (postBillingPayment 201). */
export const PostingsDetails = Schema.Struct({
  postings: optional(Schema.Array(Posting)),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type PostingsDetails = typeof PostingsDetails.Type

/** `transferTransactionToWindow` (200): the new transaction numbers in the target window. */
export const TransferDetails = Schema.Struct({
  transactions: optional(Schema.Array(OhipNumber)),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `financialPostings` (getFinancialPostings 200). */
export const FinancialPostings = Schema.Struct({
  journalPostings: optional(Schema.Struct({
    postings: optional(Schema.Array(Posting)),
    totalDebit: money,
    totalCredit: money,
    totalForAllPages: money,
    totalEntriesCount: optional(Schema.Number)
  })),
  ...pagingFields,
  links: optional(Links),
  warnings: optional(Warnings)
})
export type FinancialPostings = typeof FinancialPostings.Type

/** `postingSummaryList` (getPostingSummary 200). */
export const PostingSummaryList = Schema.Struct({
  postingSummaries: optional(Schema.Array(Schema.Struct({
    totalPostings: optional(Schema.Number),
    totalAmount: money,
    totalCheckCount: optional(Schema.Number)
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type PostingSummaryList = typeof PostingSummaryList.Type

/** `hotelRevenueDetails` (getHotelRevenue 200). */
export const HotelRevenueDetails = Schema.Struct({
  hotelRevenue: optional(Schema.Struct({
    roomRevenue: number,
    houseRevenue: number,
    compRevenue: number,
    occupiedRooms: number,
    houseRooms: number,
    compRooms: number,
    zeroRoomsRevenue: number,
    currencyCode: text
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type HotelRevenueDetails = typeof HotelRevenueDetails.Type

const ReservationRef = Schema.Struct({ id: Schema.String, type: text })

/** `billingCharges` (postBillingCharges body). */
export const BillingChargesRequest = Schema.Struct({
  criteria: Schema.Struct({
    hotelId: text,
    reservationId: optional(ReservationRef),
    charges: Schema.NonEmptyArray(Schema.Struct({
      transactionCode: Schema.String,
      price: Schema.Struct({ amount: OhipNumber, currencyCode: text }),
      postingQuantity: optional(Schema.Int),
      postingReference: text,
      postingRemark: text,
      folioWindowNo: optional(Schema.Int),
      applyRoutingInstructions: flag
    })),
    cashierId: number
  })
})

/** `billingPayment` (postBillingPayment body). */
export const BillingPaymentRequest = Schema.Struct({
  criteria: Schema.Struct({
    hotelId: text,
    reservationId: optional(ReservationRef),
    paymentMethod: Schema.Struct({
      paymentMethod: Schema.String,
      paymentCard: optional(Schema.Struct({
        cardType: text,
        cardOrToken: text,
        cardNumber: text,
        cardNumberLast4Digits: text,
        expirationDate: text
      }))
    }),
    postingAmount: Schema.Struct({ amount: OhipNumber, currencyCode: text }),
    postingReference: text,
    postingRemark: text,
    folioWindowNo: optional(Schema.Int),
    action: text,
    cashierId: number
  })
})

/** `transactionToWindow` (transferTransactionToWindow body). */
export const TransactionToWindowRequest = Schema.Struct({
  criteria: Schema.Struct({
    hotelId: text,
    reservationIdList: optional(UniqueIdList),
    targetFolioWindowNo: Schema.Int,
    transactionList: Schema.NonEmptyArray(OhipNumber),
    cashierId: number
  })
})
