import { Effect, Schema } from "effect"
import { OipaDatabase } from "../database/OipaDatabase.js"
import { ExpiringPolicy } from "../database/records.js"
import { IsoDate } from "../../../tools/fields.js"
import { defineTool } from "../../../tools/Tool.js"
import { countLine, Limit, policyLine, readOnly } from "./shared.js"

/** The longest range one call may ask for: a year (leap day included). */
export const maxRangeDays = 366

const daysBetween = (from: string, to: string) =>
  (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000

export const expiringPolicies = defineTool({
  name: "oipa_expiring_policies",
  domain: "policies",
  description: "OIPA policies with a segment expiring between two dates (inclusive, YYYY-MM-DD, at most " +
    `${maxRangeDays} days apart), soonest first.`,
  annotations: readOnly("Expiring policies"),
  touchesGuestData: false,
  input: Schema.Struct({ from: IsoDate, to: IsoDate, limit: Limit }).pipe(
    Schema.filter((input) => {
      const span = daysBetween(input.from, input.to)
      if (span < 0) return { path: ["to"], message: "must not be before from" }
      if (span > maxRangeDays) return { path: ["to"], message: `must be at most ${maxRangeDays} days after from` }
      return true
    })
  ),
  output: Schema.Struct({ expiring: Schema.Array(ExpiringPolicy) }),
  facts: () => Effect.succeed({}),
  handler: (input) =>
    Effect.gen(function*() {
      const database = yield* OipaDatabase
      return { expiring: yield* database.expiringPolicies(input) }
    }),
  render: ({ expiring }) =>
    [
      countLine(expiring.length, "expiring policy", "expiring policies"),
      ...expiring.map((entry) => `${entry.expirationDate}  ${policyLine(entry.policy)}`)
    ].join("\n")
})
