import type { OperaRequest } from "./OperaRequest.js"
import {
  FinancialPostings,
  FolioDetails,
  HotelRevenueDetails,
  PostingsDetails,
  PostingSummaryList,
  TransferDetails
} from "./schemas/cashiering.js"
import { defined, OperaVersion } from "./schemas/common.js"

/**
 * OHIP cashiering (csh): one pure request builder per operation and the
 * Schema its answer decodes with; compact records and mappers are in
 * ./schemas/cashieringSummary.ts. A card is only ever sent as a token with
 * its last four digits: no builder takes a card number.
 */
export * from "./schemas/cashieringSummary.js"

const reservationPath = "/hotels/{hotelId}/reservations/{reservationId}"

export interface FolioQuery {
  readonly hotelId: string
  readonly reservationId: string
  readonly folioWindowNo?: number
  readonly limit?: number
  readonly offset?: number
}

/** getFolio: windows, balances and postings of a reservation. */
export const getFolio = (input: FolioQuery): OperaRequest => ({
  module: "csh",
  operationId: "getFolio",
  method: "GET",
  template: `${reservationPath}/folios`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  query: defined({
    fetchInstructions: ["Reservation", "Windowbalances", "Postings", "Payment", "Payee", "Totalbalance"],
    folioWindowNo: input.folioWindowNo === undefined ? undefined : [input.folioWindowNo],
    limit: input.limit === undefined ? undefined : [input.limit],
    offset: input.offset === undefined ? undefined : [input.offset]
  }),
  hotelId: input.hotelId
})
export const GetFolioResponse = FolioDetails

export interface NewCharge {
  readonly hotelId: string
  readonly reservationId: string
  readonly transactionCode: string
  /** Unit price; OPERA posts price × quantity. */
  readonly amount: number
  readonly quantity?: number
  readonly currencyCode?: string
  readonly folioWindowNo?: number
  readonly reference?: string
  readonly remark?: string
}

/** postBillingCharges: body is the spec's `billingCharges`. */
export const postCharge = (input: NewCharge): OperaRequest => ({
  module: "csh",
  operationId: "postBillingCharges",
  method: "POST",
  template: `${reservationPath}/charges`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: {
    criteria: {
      hotelId: input.hotelId,
      reservationId: { id: input.reservationId, type: "Reservation" },
      charges: [defined({
        transactionCode: input.transactionCode,
        price: defined({ amount: input.amount, currencyCode: input.currencyCode }),
        postingQuantity: input.quantity ?? 1,
        postingReference: input.reference,
        postingRemark: input.remark,
        folioWindowNo: input.folioWindowNo ?? 1,
        applyRoutingInstructions: false
      })]
    }
  },
  hotelId: input.hotelId
})
export const PostChargeResponse = PostingsDetails

/** OPERA payment method codes and the `cardTypeType` of the cards among them. */
export const cardTypes = { VA: "Va", MC: "Mc", AX: "Ax" } as const
export type PaymentMethodCode = "CA" | keyof typeof cardTypes

export interface NewPayment {
  readonly hotelId: string
  readonly reservationId: string
  readonly paymentMethod: PaymentMethodCode
  readonly amount: number
  readonly currencyCode?: string
  readonly folioWindowNo?: number
  /** Card payments: the vault token and the last four digits, never a card number. */
  readonly card?: { readonly token: string; readonly last4: string }
  readonly reference?: string
  readonly remark?: string
}

/** postBillingPayment: body is the spec's `billingPayment`. */
export const postPayment = (input: NewPayment): OperaRequest => ({
  module: "csh",
  operationId: "postBillingPayment",
  method: "POST",
  template: `${reservationPath}/payments`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: {
    criteria: defined({
      hotelId: input.hotelId,
      reservationId: { id: input.reservationId, type: "Reservation" },
      paymentMethod: defined({
        paymentMethod: input.paymentMethod,
        paymentCard: input.card === undefined || input.paymentMethod === "CA" ? undefined : {
          cardType: cardTypes[input.paymentMethod],
          cardOrToken: "Token",
          cardNumber: input.card.token,
          cardNumberLast4Digits: input.card.last4
        }
      }),
      postingAmount: defined({ amount: input.amount, currencyCode: input.currencyCode }),
      postingReference: input.reference,
      postingRemark: input.remark,
      folioWindowNo: input.folioWindowNo ?? 1,
      action: "Billing"
    })
  },
  hotelId: input.hotelId
})
export const PostPaymentResponse = PostingsDetails

/** transferTransactionToWindow: moves postings to another window of the same reservation. */
export const transferToWindow = (input: {
  readonly hotelId: string
  readonly reservationId: string
  readonly transactionNos: ReadonlyArray<number>
  readonly targetWindowNo: number
}): OperaRequest => ({
  module: "csh",
  operationId: "transferTransactionToWindow",
  method: "PUT",
  template: `${reservationPath}/transferTransactions`,
  params: { hotelId: input.hotelId, reservationId: input.reservationId },
  body: {
    criteria: {
      hotelId: input.hotelId,
      reservationIdList: [{ id: input.reservationId, type: "Reservation" }],
      targetFolioWindowNo: input.targetWindowNo,
      transactionList: input.transactionNos
    }
  },
  hotelId: input.hotelId,
  // A retried transfer would act on numbers that no longer exist: never retry.
  idempotent: false
})
export const TransferToWindowResponse = TransferDetails

export interface JournalQuery {
  readonly hotelId: string
  readonly startDate: string
  readonly endDate?: string
  readonly transactionCodes?: ReadonlyArray<string>
  readonly roomNumbers?: ReadonlyArray<string>
  readonly folioWindowNo?: number
  readonly limit?: number
  readonly offset?: number
}

/** getFinancialPostings: the journal for a date range (at most 50 a page). */
export const getFinancialPostings = (input: JournalQuery): OperaRequest => ({
  module: "csh",
  operationId: "getFinancialPostings",
  method: "GET",
  template: "/hotels/{hotelId}/financialPostings",
  params: { hotelId: input.hotelId },
  query: defined({
    startDate: input.startDate,
    endDate: input.endDate ?? input.startDate,
    filterTransactionCode: input.transactionCodes,
    filterRoomNumber: input.roomNumbers,
    folioWindowNo: input.folioWindowNo === undefined ? undefined : [input.folioWindowNo],
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const GetFinancialPostingsResponse = FinancialPostings

/** getPostingSummary: totals of one posting date. */
export const getPostingSummary = (input: {
  readonly hotelId: string
  readonly postingDate: string
  readonly summaryType?: "Postings" | "Adjustments" | "All"
}): OperaRequest => ({
  module: "csh",
  operationId: "getPostingSummary",
  method: "GET",
  template: "/hotels/{hotelId}/postingDates/date/postingSummary",
  params: { hotelId: input.hotelId },
  query: defined({ postingDate: input.postingDate, postingSummaryType: input.summaryType }),
  hotelId: input.hotelId
})
export const GetPostingSummaryResponse = PostingSummaryList

/** getHotelRevenue: room and house revenue and occupied rooms of one business date. */
export const getHotelRevenue = (input: { readonly hotelId: string; readonly businessDate: string }): OperaRequest => ({
  module: "csh",
  operationId: "getHotelRevenue",
  method: "GET",
  template: "/hotels/{hotelId}/revenue",
  params: { hotelId: input.hotelId },
  query: { businessDate: input.businessDate },
  hotelId: input.hotelId
})
export const GetHotelRevenueResponse = HotelRevenueDetails

/** pingCashieringService. */
export const pingCashieringService = (hotelId: string): OperaRequest => ({
  module: "csh",
  operationId: "pingCashieringService",
  method: "GET",
  template: "/services/cashiering/status",
  hotelId
})
export const PingCashieringServiceResponse = OperaVersion
