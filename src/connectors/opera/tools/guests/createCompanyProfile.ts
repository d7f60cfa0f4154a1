import { Effect, Schema } from "effect"
import { CompanySummary } from "../../client/profileExtras.js"
import { hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { CompanyFields, companyLine, createCompany } from "./profileShared.js"

export const createCompanyProfile = defineTool({
  name: "create_company_profile",
  domain: "guests",
  operations: ["crm.postCompanyProfile", "crm.getCompanyProfile"],
  description: "Create a company (corporate account) profile: name, and optionally contact e-mail, phone, city, country " +
    "and commission code. Returns the new profile.",
  annotations: { title: "Create company profile", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    ...CompanyFields,
    commissionCode: optional(Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/)).annotations({ description: "Commission code configured at the hotel" }))
  }),
  output: Schema.Struct({ company: CompanySummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    hotelFor(input.hotelId).pipe(
      Effect.flatMap((hotelId) => createCompany({ ...input, hotelId, profileType: "Company" })),
      Effect.map((company) => ({ company }))
    ),
  render: ({ company }) => `Created: ${companyLine(company)}`
})
