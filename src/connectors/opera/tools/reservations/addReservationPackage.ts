import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import {
  addReservationPackage as addRequest,
  AddReservationPackageResponse,
  getReservationPackage,
  GetReservationPackageResponse,
  PackageLine,
  packagesFrom
} from "../../client/reservationExtras.js"
import { hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { missing, OnReservation, PackageCode, reservationFacts } from "./extrasShared.js"

export const packageLine = (line: PackageLine) =>
  [
    line.packageCode,
    line.description,
    line.startDate !== undefined ? `${line.startDate} → ${line.endDate ?? "?"}` : undefined,
    line.quantity !== undefined ? `x${line.quantity}` : undefined,
    line.totalPrice !== undefined ? `${line.totalPrice.toFixed(2)}${line.currencyCode ? ` ${line.currencyCode}` : ""} for the stay` : undefined
  ].filter(Boolean).join(" | ")

export const addReservationPackage = defineTool({
  name: "add_reservation_package",
  domain: "reservations",
  operations: ["rsv.postReservationPackage", "rsv.getPackage"],
  description: "Add a package (breakfast, parking, spa credit…) to a reservation for the whole stay or part of it. " +
    "Returns the package as OPERA priced it.",
  annotations: { title: "Add package to reservation", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    ...OnReservation,
    packageCode: PackageCode,
    quantity: optional(Schema.Int.pipe(Schema.between(1, 20)).annotations({ description: "Units per posting (default 1)" })),
    startDate: optional(IsoDate.annotations({ description: "First night of the package; defaults to arrival" })),
    endDate: optional(IsoDate.annotations({ description: "Day after the last night; defaults to departure" }))
  }),
  output: Schema.Struct({ reservationId: Schema.String, package: PackageLine }),
  facts: (input) => reservationFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(addRequest({ ...input, hotelId }), AddReservationPackageResponse)
      const body = yield* client.execute(
        getReservationPackage({ hotelId, reservationId: input.reservationId, packageCode: input.packageCode }),
        GetReservationPackageResponse
      )
      const line = packagesFrom(body).find((entry) => entry.packageCode === input.packageCode)
      if (line === undefined) return yield* new ToolError({ message: missing(`package ${input.packageCode} after adding it`) })
      return { reservationId: input.reservationId, package: line }
    }),
  render: (result) => `Added to reservation #${result.reservationId}: ${packageLine(result.package)}`
})
