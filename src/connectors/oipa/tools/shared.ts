import { Schema } from "effect"
import type { ClientSummary, PolicySummary } from "../database/records.js"

/** At most 100 rows per call, bound into the query (never spliced into its text). */
export const Limit = Schema.optionalWith(
  Schema.Int.pipe(
    Schema.between(1, 100, { message: () => "must be a whole number from 1 to 100" }),
    Schema.annotations({ description: "most rows returned, 1-100; default 20" })
  ),
  { default: () => 20 }
)

export const SearchTerm = Schema.String.pipe(
  Schema.minLength(2, { message: () => "must be at least 2 characters" }),
  Schema.maxLength(80, { message: () => "must be at most 80 characters" })
)

export const PolicyGuid = Schema.String.pipe(
  Schema.pattern(/^[0-9A-Za-z-]{1,64}$/, { message: () => "must be an OIPA GUID (letters, digits and dashes)" })
)

export const readOnly = (title: string) => ({
  title,
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true
}) as const

const dash = (text: string | null) => text ?? "-"

export const policyLine = (policy: PolicySummary): string =>
  `${policy.policyNumber}  ${dash(policy.statusLabel ?? policy.statusCode)}  ${dash(policy.planName)}  ` +
  `plan date ${dash(policy.planDate)}  ${policy.policyGuid}`

export const clientLine = (client: ClientSummary): string =>
  `${[client.firstName, client.lastName].filter((part) => part !== null).join(" ") || dash(client.companyName)}  ` +
  `tax id ${dash(client.taxId)}  born ${dash(client.dateOfBirth)}  ${dash(client.email)}  ${client.clientGuid}`

export const countLine = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`
