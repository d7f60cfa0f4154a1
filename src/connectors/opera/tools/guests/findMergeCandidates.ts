import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { getMatchProfiles, GetMatchProfilesResponse, matchesFrom } from "../../client/profileExtras.js"
import { GuestSummary, guestsFromSearch, searchProfiles, SearchProfilesResponse } from "../../client/profiles.js"
import { hotelFor } from "../../../../tools/fields.js"
import { guestLine } from "../render.js"
import { defineTool } from "../../../../tools/Tool.js"
import { OnProfile, profileFacts } from "./profileShared.js"

const verdicts = {
  MatchFoundMerge: "likely duplicates: candidates to merge",
  MatchFoundCreate: "matches found, but a new profile is allowed",
  TentativeMatchFound: "possible duplicates: check before merging",
  MatchNotFound: "no duplicates found"
} as const

export const findMergeCandidates = defineTool({
  name: "find_merge_candidates",
  domain: "guests",
  operations: ["crm.getMatchProfiles", "crm.getProfiles"],
  description: "Find other profiles OPERA considers the same guest (duplicate candidates for a merge). Read-only: " +
    "nothing is merged.",
  annotations: { title: "Find merge candidates", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct(OnProfile),
  output: Schema.Struct({ profileId: Schema.String, verdict: Schema.String, candidates: Schema.Array(GuestSummary) }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const found = matchesFrom(yield* client.execute(getMatchProfiles({ hotelId, profileId: input.profileId }), GetMatchProfilesResponse), input.profileId)
      const candidates = found.profileIds.length === 0
        ? []
        : guestsFromSearch(yield* client.execute(
          searchProfiles({ hotelId, profileIds: found.profileIds, limit: Math.min(found.profileIds.length, 200) }),
          SearchProfilesResponse
        )).guests
      return { profileId: input.profileId, verdict: found.verdict, candidates }
    }),
  render: ({ candidates, profileId, verdict }) =>
    [
      `Profile ${profileId}: ${Option.getOrElse(Option.fromNullable(verdicts[verdict as keyof typeof verdicts]), () => verdict)}`,
      ...candidates.map(guestLine)
    ].join("\n")
})
