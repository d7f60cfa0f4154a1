import { DateTime, Effect, Schema } from "effect"
import type { Money, PostingLine } from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { folioFromDetails, getFolio, GetFolioResponse } from "../../client/cashiering.js"

/** Fields, card rules and renderings shared by the cashiering tools. */
export { ReservationId } from "../reservations/shared.js"

/** Today's date (UTC) from the Effect Clock: the default business date of the reads. */
export const today = Effect.map(DateTime.now, DateTime.formatIsoDateUtc)

export const FolioWindowNo = Schema.Int.pipe(
  Schema.between(1, 8, { message: () => "must be a folio window from 1 to 8" }),
  Schema.annotations({ description: "Folio window (1–8); window 1 is the guest's own, others are split billing" })
)

export const TransactionCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9]{1,20}$/, { message: () => "must be an OPERA transaction code, e.g. 2000" }),
  Schema.annotations({
    description: "OPERA transaction code of the charge, e.g. 2000 restaurant, 2010 room service, 2100 minibar, 4000 parking, 5000 spa, 6000 laundry"
  })
)

export const Amount = Schema.Number.pipe(
  Schema.positive({ message: () => "must be a positive amount" }),
  Schema.lessThanOrEqualTo(100_000, { message: () => "must be at most 100000" }),
  Schema.filter((value) => Math.abs(Math.round(value * 100) - value * 100) < 1e-6 || "may have at most two decimals")
)

/** 12 to 19 digits, perhaps grouped by spaces or dashes: the shape of a card number (PAN). */
const panShape = /(?:\d[ -]?){12,18}\d/

export const containsCardNumber = (text: string): boolean => panShape.test(text)

const cardNumberRefusal = (what: string) =>
  `${what} looks like it contains a card number; card numbers are never accepted. ` +
  "Give the card token from the payment terminal or vault in cardToken and the last four digits in cardLast4"

/** Free text that ends up on the folio: never a place for a card number. */
export const FolioText = (what: string, description: string) =>
  Schema.String.pipe(
    Schema.minLength(1),
    Schema.maxLength(200),
    Schema.filter((text) => !containsCardNumber(text) || cardNumberRefusal(what)),
    Schema.annotations({ description })
  )

export const CardToken = Schema.String.pipe(
  Schema.filter((text) => !containsCardNumber(text) || cardNumberRefusal("cardToken")),
  Schema.pattern(/^[A-Za-z0-9_:.-]{4,128}$/, { message: () => "must be a card token (4–128 letters, digits, _ : . -)" }),
  Schema.annotations({ description: "Token of the card from the payment terminal or card vault; never a card number" })
)

export const CardLast4 = Schema.String.pipe(
  Schema.pattern(/^\d{4}$/, { message: () => "must be exactly the last four digits of the card" }),
  Schema.annotations({ description: "Last four digits of the card, as printed on the receipt" })
)

export const moneyText = (value: { readonly amount: number; readonly currencyCode?: string | undefined } | undefined) =>
  value === undefined ? "?" : `${value.amount.toFixed(2)}${value.currencyCode !== undefined ? ` ${value.currencyCode}` : ""}`

export const postingText = (line: PostingLine): string =>
  [
    `#${line.transactionNo}`,
    line.date,
    line.transactionCode,
    line.description,
    line.quantity !== undefined && line.quantity > 1 ? `${line.quantity}×` : undefined,
    moneyText({ amount: line.amount, currencyCode: line.currencyCode }),
    line.window !== undefined ? `window ${line.window}` : undefined,
    line.cardLast4 !== undefined ? `card ••${line.cardLast4}` : undefined,
    line.transferredFrom !== undefined ? `(moved from #${line.transferredFrom})` : undefined
  ].filter((part) => part !== undefined && part !== "").join(" | ")

/** The balance of one window after a change, read back from OPERA. */
export const windowBalance = (hotelId: string, reservationId: string, window: number) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(getFolio({ hotelId, reservationId, folioWindowNo: window, limit: 1 }), GetFolioResponse)),
    Effect.map((body): Money | undefined => folioFromDetails(body, reservationId).windows.find((entry) => entry.window === window)?.balance)
  )
