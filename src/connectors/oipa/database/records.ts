import { Schema } from "effect"

/**
 * What the connector returns, in the tools' words. Field names follow the
 * Redactor's field classes so personal data is masked by policy: `taxId` (ID
 * document), `dateOfBirth` (birth date), `email`, `firstName`/`lastName` (name).
 */
const Text = Schema.NullOr(Schema.String)
const IsoDate = Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/))

export const PolicySummary = Schema.Struct({
  policyGuid: Schema.String,
  policyNumber: Schema.String,
  policyName: Text,
  statusCode: Schema.String,
  /** From AsCode (CodeName AsCodeStatus); null when the code has no row there. */
  statusLabel: Text,
  planName: Text,
  issueState: Text,
  planDate: Text
})
export type PolicySummary = typeof PolicySummary.Type

export const ClientSummary = Schema.Struct({
  clientGuid: Schema.String,
  typeCode: Schema.String,
  firstName: Text,
  lastName: Text,
  companyName: Text,
  taxId: Text,
  dateOfBirth: Text,
  email: Text
})
export type ClientSummary = typeof ClientSummary.Type

export const PolicyRole = Schema.Struct({
  roleGuid: Schema.String,
  roleCode: Schema.String,
  /** From AsCode (CodeName AsCodeRole). */
  roleLabel: Text,
  rolePercent: Schema.NullOr(Schema.Number),
  client: ClientSummary
})
export type PolicyRole = typeof PolicyRole.Type

export const PolicySegment = Schema.Struct({
  segmentGuid: Schema.String,
  segmentNameGuid: Schema.String,
  statusCode: Schema.String,
  statusLabel: Text,
  effectiveDate: Text,
  expirationDate: Text
})
export type PolicySegment = typeof PolicySegment.Type

export const PolicyDetails = Schema.Struct({
  policy: PolicySummary,
  roles: Schema.Array(PolicyRole),
  segments: Schema.Array(PolicySegment)
})
export type PolicyDetails = typeof PolicyDetails.Type

export const StatusCount = Schema.Struct({ statusCode: Schema.String, statusLabel: Text, policies: Schema.Number })
export type StatusCount = typeof StatusCount.Type

export const PortfolioEntry = Schema.Struct({
  roleCode: Schema.String,
  roleLabel: Text,
  policy: PolicySummary
})
export type PortfolioEntry = typeof PortfolioEntry.Type

export const ClientPortfolio = Schema.Struct({ client: ClientSummary, policies: Schema.Array(PortfolioEntry) })
export type ClientPortfolio = typeof ClientPortfolio.Type

export const ExpiringPolicy = Schema.Struct({
  policy: PolicySummary,
  segmentGuid: Schema.String,
  expirationDate: IsoDate
})
export type ExpiringPolicy = typeof ExpiringPolicy.Type
