import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { createdProfileId, createProfile, CreateProfileResponse, GuestSummary } from "../../client/profiles.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import { guestLine } from "../render.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { GuestDetailsFields, readGuest } from "./profileShared.js"

export const createGuestProfile = defineTool({
  name: "create_guest_profile",
  domain: "guests",
  operations: ["crm.postProfile", "crm.getProfile"],
  description: "Create a guest profile (surname required; given name, e-mail, phone, address, language, VIP code optional). " +
    "Search first with search_guests to avoid duplicates. Returns the new profile.",
  annotations: { title: "Create guest profile", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true,
  reveals: ["name", "email", "phone"],
  input: Schema.Struct({
    hotelId: optional(HotelId),
    ...GuestDetailsFields,
    surname: GuestDetailsFields.surname.from
  }),
  output: Schema.Struct({ guest: GuestSummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(createProfile({ ...input, hotelId }), CreateProfileResponse)
      const profileId = Option.getOrUndefined(createdProfileId(body))
      if (profileId === undefined) return yield* new ToolError({ message: "OPERA accepted the profile but returned no profile id." })
      return { guest: yield* readGuest(hotelId, profileId) }
    }),
  render: ({ guest }) => `Created: ${guestLine(guest)}`
})
