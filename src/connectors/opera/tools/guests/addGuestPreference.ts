import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { addPreference, AddPreferenceResponse, PreferenceSummary } from "../../client/profileExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { preferencesText, readPreferences } from "./getGuestPreferences.js"
import { OnProfile, profileFacts } from "./profileShared.js"

const Code = (what: string, example: string) =>
  Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => `must be an OPERA ${what} in capitals, e.g. ${example}` }))

export const addGuestPreference = defineTool({
  name: "add_guest_preference",
  domain: "guests",
  operations: ["crm.postPreference", "crm.getPreferenceForProfile"],
  description: "Add a preference to a guest profile by type and code as configured at the hotel " +
    "(e.g. ROOM/HF high floor, ROOM/QR quiet room, BED/KB king bed, PILLOW/FOAM). Returns all the guest's preferences.",
  annotations: { title: "Add guest preference", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct({
    ...OnProfile,
    preferenceType: Code("preference type", "ROOM").annotations({ description: "Preference type (group), e.g. ROOM, BED, PILLOW, NEWSPAPER" }),
    preferenceCode: Code("preference code", "HF").annotations({ description: "Preference code within the type, e.g. HF" })
  }),
  output: Schema.Struct({ profileId: Schema.String, preferences: Schema.Array(PreferenceSummary) }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      yield* client.execute(addPreference({ ...input, hotelId }), AddPreferenceResponse)
      return { profileId: input.profileId, preferences: yield* readPreferences(hotelId, input.profileId) }
    }),
  render: ({ preferences, profileId }) => preferencesText(profileId, preferences)
})
