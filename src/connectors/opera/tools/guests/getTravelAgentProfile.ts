import { Effect, Schema } from "effect"
import { CompanySummary } from "../../client/profileExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { companyLine, OnProfile, profileFacts, readCompany } from "./profileShared.js"

export const getTravelAgentProfile = defineTool({
  name: "get_travel_agent_profile",
  domain: "guests",
  operations: ["crm.getCompanyProfile"],
  description: "Read a travel agent profile by its OPERA profile id: agency name, IATA number, contact, commission code.",
  annotations: { title: "Get travel agent profile", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct(OnProfile),
  output: Schema.Struct({ travelAgent: CompanySummary }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const travelAgent = yield* readCompany(yield* hotelFor(input.hotelId), input.profileId)
      if (travelAgent.profileType !== "Agent") {
        return yield* new ToolError({
          message: `Profile ${input.profileId} is a ${travelAgent.profileType ?? "non-agent"} profile, not a travel agent; use get_company_profile.`
        })
      }
      return { travelAgent }
    }),
  render: ({ travelAgent }) => companyLine(travelAgent)
})
