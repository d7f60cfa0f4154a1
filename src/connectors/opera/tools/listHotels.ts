import { Effect, Option, Schema } from "effect"
import { OperaConnection } from "../client/OperaConnection.js"
import { SecurityConfig } from "../../../config/SecurityConfig.js"
import { defineTool } from "../../../tools/Tool.js"

export const listHotels = defineTool({
  name: "list_hotels",
  domain: "security",
  operations: [],
  description: "The hotels this server may act on: the configured default hotel and the hotel allow-list " +
    "(OPERA_MCP_HOTELS). Tools take hotelId; without it they use the default.",
  annotations: {
    title: "List hotels",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false
  },
  touchesGuestData: false,
  input: Schema.Struct({}),
  output: Schema.Struct({
    defaultHotelId: Schema.String,
    hotels: Schema.Array(Schema.String),
    restricted: Schema.Boolean
  }),
  facts: () => Effect.succeed({}),
  handler: () =>
    Effect.gen(function*() {
      const connection = yield* OperaConnection
      const security = yield* SecurityConfig
      return Option.match(security.hotelAllowList, {
        onNone: () => ({ defaultHotelId: connection.hotelId, hotels: [connection.hotelId], restricted: false }),
        onSome: (hotels) => ({
          defaultHotelId: connection.hotelId,
          hotels: hotels.map((hotel) => hotel.toUpperCase()),
          restricted: true
        })
      })
    }),
  render: (result) =>
    `Default hotel ${result.defaultHotelId}; ` +
    (result.restricted
      ? `allowed hotels: ${result.hotels.join(", ")}`
      : "no hotel allow-list is set (OPERA_MCP_HOTELS), so calls may name any hotel the OPERA credentials open")
})
