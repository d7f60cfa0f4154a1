import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { removeReservationPackages as removeRequest, RemoveReservationPackagesResponse } from "../../client/reservationExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnReservation, reservationFacts } from "./extrasShared.js"

export const removeReservationPackages = defineTool({
  name: "remove_reservation_packages",
  domain: "reservations",
  operations: ["rsv.deleteReservationPackage"],
  description: "Remove the packages that were added to a reservation (OHIP's delete names no single package, so all " +
    "packages added to the reservation go; packages included in the rate plan stay). Destructive: the first call " +
    "answers with what would change and a confirmationToken; repeat it with that token to remove.",
  annotations: { title: "Remove reservation packages", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct(OnReservation),
  output: Schema.Struct({ reservationId: Schema.String, removed: Schema.Boolean }),
  facts: (input) =>
    reservationFacts(input, (hotelId) => `Remove every package added to reservation ${input.reservationId} at hotel ${hotelId}.`),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(removeRequest({ hotelId, reservationId: input.reservationId }), RemoveReservationPackagesResponse)
      return { reservationId: input.reservationId, removed: true }
    }),
  render: (result) => `Removed the packages added to reservation #${result.reservationId}.`
})
