import { Effect, Schema } from "effect"
import { OipaDatabase } from "../database/OipaDatabase.js"
import { ClientPortfolio } from "../database/records.js"
import { defineTool } from "../../../tools/Tool.js"
import { clientLine, Limit, PolicyGuid, policyLine, readOnly } from "./shared.js"

export const clientPortfolio = defineTool({
  name: "oipa_client_portfolio",
  domain: "policy-clients",
  description: "One OIPA client by GUID and every policy they hold a role on (owner, insured, beneficiary …), " +
    "with the role labels from OIPA's code table.",
  annotations: readOnly("Client portfolio"),
  touchesGuestData: true,
  reveals: ["name"],
  input: Schema.Struct({ clientGuid: PolicyGuid, limit: Limit }),
  output: ClientPortfolio,
  facts: (input) => Effect.succeed({ objectIds: [input.clientGuid] }),
  handler: (input) =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      return yield* database.clientPortfolio(input.clientGuid, input.limit)
    }),
  render: ({ client, policies }) =>
    [clientLine(client), ...policies.map((entry) => `  ${entry.roleLabel ?? entry.roleCode}: ${policyLine(entry.policy)}`)]
      .join("\n")
})
