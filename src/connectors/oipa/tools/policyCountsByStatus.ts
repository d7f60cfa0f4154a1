import { Effect, Schema } from "effect"
import { OipaDatabase } from "../database/OipaDatabase.js"
import { StatusCount } from "../database/records.js"
import { defineTool } from "../../../tools/Tool.js"
import { readOnly } from "./shared.js"

export const policyCountsByStatus = defineTool({
  name: "oipa_policy_counts_by_status",
  domain: "policies",
  description: "How many OIPA policies are in each status, with the status labels OIPA's code table gives them.",
  annotations: readOnly("Policy counts by status"),
  touchesGuestData: false,
  input: Schema.Struct({}),
  output: Schema.Struct({ statuses: Schema.Array(StatusCount), total: Schema.Number }),
  facts: () => Effect.succeed({}),
  handler: () =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      const statuses = yield* database.countsByStatus()
      return { statuses, total: statuses.reduce((sum, status) => sum + status.policies, 0) }
    }),
  render: ({ statuses, total }) =>
    [
      `${total} policies`,
      ...statuses.map((status) => `${status.statusCode}  ${status.statusLabel ?? "-"}  ${status.policies}`)
    ].join("\n")
})
