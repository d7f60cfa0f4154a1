/**
 * The sandbox hotel's cashiering configuration: transaction codes (OPERA's
 * `trxInfoType`), the payment methods that post to them, and the limits the
 * cashiering rules enforce.
 */
export interface TransactionCodeInfo {
  readonly code: string
  readonly description: string
  readonly type: "Revenue" | "Payment"
  /** OPERA transaction group: ROOM, FB, OTHER, PAY. */
  readonly group: string
  /** The payment method code a payment code settles with (CA, VA, …). */
  readonly paymentMethod?: string
  /** `cardTypeType` of a card payment method. */
  readonly cardType?: string
}

export const transactionCodes: ReadonlyArray<TransactionCodeInfo> = [
  { code: "1000", description: "Room Charge", type: "Revenue", group: "ROOM" },
  { code: "2000", description: "Restaurant", type: "Revenue", group: "FB" },
  { code: "2010", description: "Room Service", type: "Revenue", group: "FB" },
  { code: "2100", description: "Minibar", type: "Revenue", group: "FB" },
  { code: "4000", description: "Parking", type: "Revenue", group: "OTHER" },
  { code: "5000", description: "Spa", type: "Revenue", group: "OTHER" },
  { code: "6000", description: "Laundry", type: "Revenue", group: "OTHER" },
  { code: "9000", description: "Cash", type: "Payment", group: "PAY", paymentMethod: "CA" },
  { code: "9002", description: "Visa", type: "Payment", group: "PAY", paymentMethod: "VA", cardType: "Va" },
  { code: "9004", description: "MasterCard", type: "Payment", group: "PAY", paymentMethod: "MC", cardType: "Mc" },
  { code: "9006", description: "American Express", type: "Payment", group: "PAY", paymentMethod: "AX", cardType: "Ax" }
]

export const transactionCode = (code: string): TransactionCodeInfo | undefined =>
  transactionCodes.find((entry) => entry.code === code)

export const paymentCodeFor = (paymentMethod: string): TransactionCodeInfo | undefined =>
  transactionCodes.find((entry) => entry.type === "Payment" && entry.paymentMethod === paymentMethod)

export const roomChargeCode = "1000"

/** Largest single charge or payment the sandbox cashier accepts (OPERA's posting amount limit). */
export const postingLimit = 10_000

/** Cash above this needs a manager in OPERA; the sandbox refuses it outright. */
export const cashPaymentLimit = 5_000

/** Folio windows OPERA offers per reservation. */
export const maxFolioWindow = 8

export const cents = (amount: number): number => Math.round(amount * 100) / 100
