import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { listPackages as listRequest, ListPackagesResponse, packagesFromInfo, PackageSummary } from "../../client/ratePlans.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { packageLine, PackageCode } from "./shared.js"

export const listPackages = defineTool({
  name: "list_packages",
  operations: ["rtp.getPackages"],
  domain: "rates",
  description: "List the hotel's packages (breakfast, parking, spa credit …): price and how it is calculated, " +
    "posting rhythm, allowance, and the rate plan that includes it.",
  annotations: { title: "List packages", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    packageCodes: optional(Schema.Array(PackageCode).pipe(Schema.maxItems(20)))
  }),
  output: Schema.Struct({ packages: Schema.Array(PackageSummary) }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(
        listRequest({ hotelId, ...(input.packageCodes !== undefined ? { packageCodes: input.packageCodes } : {}) }),
        ListPackagesResponse
      )
      return { packages: packagesFromInfo(body) }
    }),
  render: (result) => result.packages.length === 0 ? "No packages found." : result.packages.map(packageLine).join("\n")
})
