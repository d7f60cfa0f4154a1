import { Effect, Schema } from "effect"
import { folioFromDetails, FolioSummary, getFolio as folioRequest, GetFolioResponse } from "../../client/cashiering.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, optional, Paging } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { FolioWindowNo, moneyText, postingText, ReservationId } from "./shared.js"

export const getFolio = defineTool({
  name: "get_folio",
  operations: ["csh.getFolio"],
  domain: "cashiering",
  description: "Show a reservation's folio: each billing window with its balance, charges, payments " +
    "(cards only as last four digits) and postings. Postings page per window with limit/offset.",
  annotations: { title: "Get folio", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    reservationId: ReservationId,
    window: optional(FolioWindowNo.annotations({ description: "Only this folio window (1–8); all windows when omitted" })),
    ...Paging
  }),
  output: FolioSummary,
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.reservationId] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        folioRequest({
          hotelId,
          reservationId: input.reservationId,
          limit: input.limit,
          offset: input.offset,
          ...(input.window !== undefined ? { folioWindowNo: input.window } : {})
        }),
        GetFolioResponse
      )
      return folioFromDetails(body, input.reservationId)
    }),
  render: (folio) =>
    [
      [
        `Folio of reservation #${folio.reservationId}`,
        folio.status,
        folio.roomNumber !== undefined ? `room ${folio.roomNumber}` : undefined,
        folio.guestName,
        `balance ${moneyText(folio.balance)}`
      ].filter((part) => part !== undefined).join(" | "),
      ...folio.windows.flatMap((window) => [
        `Window ${window.window}: balance ${moneyText(window.balance)}` +
        (window.charges !== undefined ? `, charges ${moneyText(window.charges)}` : "") +
        (window.payments !== undefined ? `, payments ${moneyText(window.payments)}` : "") +
        (window.cardLast4 !== undefined ? `, card ••${window.cardLast4}` : "") +
        (window.paging.hasMore ? ` (postings ${window.paging.offset + 1}–${window.paging.offset + window.paging.count} of ${window.paging.totalResults})` : ""),
        ...window.postings.map((line) => `  ${postingText(line)}`)
      ])
    ].join("\n")
})
