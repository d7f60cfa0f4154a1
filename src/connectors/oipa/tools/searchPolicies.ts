import { Effect, Schema } from "effect"
import { OipaDatabase } from "../database/OipaDatabase.js"
import { PolicySummary } from "../database/records.js"
import { optional } from "../../../tools/fields.js"
import { defineTool } from "../../../tools/Tool.js"
import { countLine, Limit, policyLine, readOnly, SearchTerm } from "./shared.js"

export const searchPolicies = defineTool({
  name: "oipa_search_policies",
  domain: "policies",
  description: "Find OIPA policies whose number or name contains a term, optionally in one status " +
    "(a status code such as 01, or its label such as Active). Returns policy summaries; " +
    "use oipa_get_policy_details for one policy's roles and segments.",
  annotations: readOnly("Search policies"),
  touchesGuestData: false,
  input: Schema.Struct({
    term: optional(SearchTerm),
    status: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(40))),
    limit: Limit
  }).pipe(
    Schema.filter((input) =>
      input.term !== undefined || input.status !== undefined ||
      "give a term or a status: listing every policy is not allowed"
    )
  ),
  output: Schema.Struct({ policies: Schema.Array(PolicySummary) }),
  facts: () => Effect.succeed({}),
  handler: (input) =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      return { policies: yield* database.searchPolicies(input) }
    }),
  render: ({ policies }) => [countLine(policies.length, "policy", "policies"), ...policies.map(policyLine)].join("\n")
})
