import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { guestFromProfile, GuestSummary, updateProfile, UpdateProfileResponse } from "../../client/profiles.js"
import { hotelFor } from "../../../../tools/fields.js"
import { guestLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { GuestDetailsFields, OnProfile, profileFacts, readGuest } from "./profileShared.js"

const changeable = Object.keys(GuestDetailsFields) as ReadonlyArray<keyof typeof GuestDetailsFields>

export const updateGuestProfile = defineTool({
  name: "update_guest_profile",
  domain: "guests",
  operations: ["crm.putProfile", "crm.getProfile"],
  description: "Change a guest profile's name, e-mail, phone, address, language or VIP code; only the fields given change. " +
    "Returns the profile as OPERA now holds it.",
  annotations: { title: "Update guest profile", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  reveals: ["name", "email", "phone"],
  input: Schema.Struct({ ...OnProfile, ...GuestDetailsFields }).pipe(
    Schema.filter((input) => changeable.some((field) => input[field] !== undefined) || `give at least one field to change: ${changeable.join(", ")}`)
  ),
  output: Schema.Struct({ guest: GuestSummary }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(updateProfile({ ...input, hotelId }), UpdateProfileResponse)
      const guest = Option.getOrUndefined(guestFromProfile(body))
      return { guest: guest ?? (yield* readGuest(hotelId, input.profileId)) }
    }),
  render: ({ guest }) => `Updated: ${guestLine(guest)}`
})
