import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getProfile, GetProfileResponse, guestFromProfile, GuestSummary } from "../../client/profiles.js"
import { HotelId, hotelFor, operaId, optional } from "../../../../tools/fields.js"
import { guestLine } from "../render.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"

export const ProfileId = operaId("profile", "OPERA profile id of the guest")

export const getGuestProfile = defineTool({
  name: "get_guest_profile",
  domain: "guests",
  operations: ["crm.getProfile"],
  description: "Read one guest profile: name, contact details, address city/country, VIP status and membership.",
  annotations: {
    title: "Get guest profile",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true
  },
  touchesGuestData: true,
  reveals: ["email", "phone", "name"],
  input: Schema.Struct({ hotelId: optional(HotelId), profileId: ProfileId }),
  output: Schema.Struct({ guest: GuestSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId, objectIds: [input.profileId] }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(getProfile({ hotelId, profileId: input.profileId }), GetProfileResponse)
      const guest = yield* Option.match(guestFromProfile(body), {
        onNone: () => Effect.fail(new ToolError({ message: `OPERA returned no guest profile for id ${input.profileId}.` })),
        onSome: Effect.succeed
      })
      return { guest }
    }),
  render: ({ guest }) => guestLine(guest)
})
