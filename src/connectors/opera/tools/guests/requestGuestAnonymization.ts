import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import { forgetCheckFrom, forgetProfile, ForgetProfileResponse, validateForgetProfiles, ValidateForgetProfilesResponse } from "../../client/profileExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { OnProfile, profileFacts } from "./profileShared.js"

export const requestGuestAnonymization = defineTool({
  name: "request_guest_anonymization",
  domain: "guests",
  operations: ["crm.validateForgetProfiles", "crm.deleteProfile"],
  description: "GDPR right to be forgotten: checks that OPERA may anonymise the guest profile (no stay still to come " +
    "or in progress) and then anonymises it; name and contact details are erased for good. Destructive: the first " +
    "call answers with what would change and a confirmationToken; repeat it with that token to anonymise.",
  annotations: { title: "Anonymise guest (GDPR)", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true,
  input: Schema.Struct(OnProfile),
  output: Schema.Struct({ profileId: Schema.String, status: Schema.Literal("Anonymized") }),
  facts: (input) =>
    profileFacts(input, (hotelId) =>
      `Permanently anonymise guest profile ${input.profileId} at hotel ${hotelId}: name and contact details are erased.`),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const validation = yield* client.execute(validateForgetProfiles({ hotelId, profileIds: [input.profileId] }), ValidateForgetProfilesResponse)
      const check = Option.getOrUndefined(forgetCheckFrom(validation, input.profileId))
      if (check === undefined) return yield* new ToolError({ message: `OPERA did not say whether profile ${input.profileId} may be anonymised.` })
      if (!check.canBeForgotten) {
        const reasons = check.reasons.map((reason) => reason.description ?? reason.code).filter(Boolean).join("; ")
        return yield* new ToolError({
          message: `OPERA will not anonymise profile ${input.profileId} yet${reasons === "" ? "." : `: ${reasons}`}`
        })
      }
      yield* client.execute(forgetProfile({ hotelId, profileId: input.profileId }), ForgetProfileResponse)
      return { profileId: input.profileId, status: "Anonymized" as const }
    }),
  render: (result) => `Guest profile ${result.profileId} has been anonymised.`
})
