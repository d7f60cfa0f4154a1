import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import {
  figuresFromMemberInfo,
  getMembershipDetails,
  GetMembershipDetailsResponse,
  getProfileMemberships as membershipsRequest,
  GetProfileMembershipsResponse,
  MemberFigures,
  MembershipSummary,
  summarizeMembership
} from "../../client/profileExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { OnProfile, profileFacts } from "./profileShared.js"

export const getProfileMemberships = defineTool({
  name: "get_profile_memberships",
  domain: "guests",
  operations: ["crm.getProfile", "crm.getMembershipDetails"],
  description: "List a guest's loyalty memberships (program, number, level) with nights, stays and points of each.",
  annotations: { title: "Get profile memberships", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct(OnProfile),
  output: Schema.Struct({
    profileId: Schema.String,
    memberships: Schema.Array(Schema.Struct({ ...MembershipSummary.fields, figures: Schema.optional(MemberFigures) }))
  }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const body = yield* client.execute(membershipsRequest({ hotelId, profileId: input.profileId }), GetProfileMembershipsResponse)
      const details = body.profileDetails ?? body.profiles?.profileInfo?.[0]?.profile
      if (details === undefined) return yield* new ToolError({ message: `OPERA returned no profile for id ${input.profileId}.` })
      const memberships = yield* Effect.forEach(details.profileMemberships?.profileMembership ?? [], (membership) => {
        const summary = summarizeMembership(membership)
        if (summary.type === undefined || summary.number === undefined) return Effect.succeed(summary)
        return client.execute(
          getMembershipDetails({ hotelId, profileId: input.profileId, membershipType: summary.type, membershipId: summary.number }),
          GetMembershipDetailsResponse
        ).pipe(
          Effect.map((info) => ({ ...summary, figures: figuresFromMemberInfo(info) })),
          // A membership without figures is still worth listing.
          Effect.catchTag("OperaNotFound", () => Effect.succeed(summary))
        )
      })
      return { profileId: input.profileId, memberships }
    }),
  render: ({ memberships, profileId }) =>
    memberships.length === 0
      ? `Profile ${profileId} has no memberships.`
      : [
        `Memberships of profile ${profileId}:`,
        ...memberships.map((membership) =>
          [
            membership.program ?? membership.type,
            membership.number,
            membership.level,
            membership.active ? undefined : "inactive",
            Option.fromNullable(membership.figures).pipe(Option.map((figures) =>
              `${figures.totalStays ?? 0} stays, ${figures.totalNights ?? 0} nights, ${figures.pointsAvailable ?? 0} points`
            ), Option.getOrUndefined)
          ].filter(Boolean).join(" | ")
        )
      ].join("\n")
})
