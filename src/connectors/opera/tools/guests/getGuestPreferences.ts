import { Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getPreferences, GetPreferencesResponse, preferencesFrom, PreferenceSummary } from "../../client/profileExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnProfile, profileFacts } from "./profileShared.js"

export const preferencesText = (profileId: string, preferences: ReadonlyArray<PreferenceSummary>) =>
  preferences.length === 0
    ? `Profile ${profileId} has no preferences.`
    : [`Preferences of profile ${profileId}:`, ...preferences.map((entry) => `${entry.type}/${entry.code}${entry.description ? ` | ${entry.description}` : ""}`)].join("\n")

/** Reads a profile's preferences (getPreferenceForProfile). */
export const readPreferences = (hotelId: string, profileId: string) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(getPreferences({ hotelId, profileId }), GetPreferencesResponse)),
    Effect.map(preferencesFrom)
  )

export const getGuestPreferences = defineTool({
  name: "get_guest_preferences",
  domain: "guests",
  operations: ["crm.getPreferenceForProfile"],
  description: "List a guest's preferences (room, bed, pillow, newspaper…) as type/code with descriptions.",
  annotations: { title: "Get guest preferences", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct(OnProfile),
  output: Schema.Struct({ profileId: Schema.String, preferences: Schema.Array(PreferenceSummary) }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    hotelFor(input.hotelId).pipe(
      Effect.flatMap((hotelId) => readPreferences(hotelId, input.profileId)),
      Effect.map((preferences) => ({ profileId: input.profileId, preferences }))
    ),
  render: ({ preferences, profileId }) => preferencesText(profileId, preferences)
})
