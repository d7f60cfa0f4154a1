import { Effect, Schema } from "effect"
import { CompanySummary } from "../../client/profileExtras.js"
import { hotelFor, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { CompanyFields, companyLine, createCompany } from "./profileShared.js"

export const createTravelAgentProfile = defineTool({
  name: "create_travel_agent_profile",
  domain: "guests",
  operations: ["crm.postCompanyProfile", "crm.getCompanyProfile"],
  description: "Create a travel agent profile (OPERA profile type Agent) with its IATA number, name and optional contact " +
    "details and commission code. Returns the new profile.",
  annotations: { title: "Create travel agent profile", readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    ...CompanyFields,
    iataCode: Schema.String.pipe(Schema.pattern(/^\d{7,8}$/, { message: () => "must be a 7 or 8 digit IATA number" }))
      .annotations({ description: "The agency's IATA number (7 or 8 digits)" }),
    commissionCode: optional(Schema.String.pipe(Schema.pattern(/^[A-Z0-9_-]{1,20}$/)).annotations({ description: "Commission code, e.g. TA10" }))
  }),
  output: Schema.Struct({ travelAgent: CompanySummary }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    hotelFor(input.hotelId).pipe(
      Effect.flatMap((hotelId) => createCompany({ ...input, hotelId, profileType: "Agent" })),
      Effect.map((travelAgent) => ({ travelAgent }))
    ),
  render: ({ travelAgent }) => `Created: ${companyLine(travelAgent)}`
})
