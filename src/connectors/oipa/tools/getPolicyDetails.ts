import { Effect, Schema } from "effect"
import { OipaDatabase } from "../database/OipaDatabase.js"
import { PolicyDetails } from "../database/records.js"
import { optional } from "../../../tools/fields.js"
import { defineTool } from "../../../tools/Tool.js"
import { clientLine, PolicyGuid, policyLine, readOnly } from "./shared.js"

export const getPolicyDetails = defineTool({
  name: "oipa_get_policy_details",
  domain: "policies",
  description: "One OIPA policy by its GUID or its policy number: the policy, every role on it with the " +
    "client who holds it (tax ids, birth dates and e-mails masked), and its segments.",
  annotations: readOnly("Get policy details"),
  touchesGuestData: true,
  reveals: ["name"],
  input: Schema.Struct({
    policyGuid: optional(PolicyGuid),
    policyNumber: optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(40)))
  }).pipe(
    Schema.filter((input) =>
      (input.policyGuid === undefined) !== (input.policyNumber === undefined) ||
      "give exactly one of policyGuid and policyNumber"
    )
  ),
  output: PolicyDetails,
  facts: (input) => Effect.succeed({ objectIds: [input.policyGuid ?? input.policyNumber ?? ""] }),
  handler: (input) =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      return yield* database.policyDetails(
        input.policyGuid !== undefined ? { policyGuid: input.policyGuid } : { policyNumber: input.policyNumber ?? "" }
      )
    }),
  render: ({ policy, roles, segments }) =>
    [
      policyLine(policy),
      ...roles.map((role) => `  ${role.roleLabel ?? role.roleCode}: ${clientLine(role.client)}`),
      ...segments.map((segment) =>
        `  segment ${segment.segmentGuid}  ${segment.statusLabel ?? segment.statusCode}  ` +
        `${segment.effectiveDate ?? "-"} to ${segment.expirationDate ?? "-"}`
      )
    ].join("\n")
})
