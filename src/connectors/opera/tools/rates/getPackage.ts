import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getPackage as packageRequest, GetPackageResponse, PackageSummary, summarizePackage } from "../../client/ratePlans.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { packageLine, PackageCode } from "./shared.js"

export const getPackage = defineTool({
  name: "get_package",
  operations: ["rtp.getPackage"],
  domain: "rates",
  description: "Read one package by code: description, unit price and calculation rule, posting rhythm, " +
    "allowance, the transaction code it posts to and the rate plan that includes it.",
  annotations: { title: "Get package", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({ hotelId: optional(HotelId), packageCode: PackageCode }),
  output: Schema.Struct({ package: PackageSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.packageCode] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(packageRequest({ hotelId, packageCode: input.packageCode }), GetPackageResponse)
      return yield* Option.fromNullable(body.packageCode === undefined ? undefined : summarizePackage(body.packageCode)).pipe(
        Option.match({
          onNone: () => Effect.fail(new ToolError({ message: `OPERA returned no package ${input.packageCode}.` })),
          onSome: (entry) => Effect.succeed({ package: entry })
        })
      )
    }),
  render: (result) => packageLine(result.package)
})
