import { Effect, Schema } from "effect"
import { CompanySummary } from "../../client/profileExtras.js"
import { hotelFor } from "../../../../tools/fields.js"
import { defineTool, ToolError } from "../../../../tools/Tool.js"
import { companyLine, OnProfile, profileFacts, readCompany } from "./profileShared.js"

export const getCompanyProfile = defineTool({
  name: "get_company_profile",
  domain: "guests",
  operations: ["crm.getCompanyProfile"],
  description: "Read a company (corporate account) profile by its OPERA profile id: name, contact, city, country, commission code.",
  annotations: { title: "Get company profile", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct(OnProfile),
  output: Schema.Struct({ company: CompanySummary }),
  facts: (input) => profileFacts(input),
  handler: (input) =>
    Effect.gen(function*() {
      const company = yield* readCompany(yield* hotelFor(input.hotelId), input.profileId)
      if (company.profileType === "Agent") {
        return yield* new ToolError({ message: `Profile ${input.profileId} is a travel agent; use get_travel_agent_profile.` })
      }
      return { company }
    }),
  render: ({ company }) => companyLine(company)
})
