import { Schema } from "effect"

/** A client name: the client id the rate limiter, lockout, threat monitor and audit log use. */
export const clientNamePattern = /^[a-z][a-z0-9._-]{0,63}$/

/** Narrower than the server's own policy, never wider (AccessPolicy applies both). */
export const ClientPolicy = Schema.Struct({
  tools: Schema.optional(Schema.Array(Schema.String)),
  hotels: Schema.optional(Schema.Array(Schema.String)),
  readOnly: Schema.Boolean,
  /**
   * May see the house-wide security view (every client's lockouts, blocks,
   * incidents and calls). Absent in files written before it existed: not admin.
   */
  admin: Schema.optional(Schema.Boolean)
})
export type ClientPolicy = typeof ClientPolicy.Type

/** One issued API key as stored: never the key, only its salted HMAC. */
export const ClientRecord = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(clientNamePattern)),
  salt: Schema.String,
  keyHash: Schema.String,
  /** The first characters of the key, so an operator can tell keys apart; not enough to guess it. */
  keyHint: Schema.String,
  policy: ClientPolicy,
  createdAt: Schema.Number,
  revokedAt: Schema.optional(Schema.Number)
})
export type ClientRecord = typeof ClientRecord.Type

export const ClientsFile = Schema.Struct({
  version: Schema.Literal(1),
  clients: Schema.Array(ClientRecord)
})
export type ClientsFile = typeof ClientsFile.Type

export const emptyClientsFile: ClientsFile = { version: 1, clients: [] }

/** What an authenticated request carries into the pipeline. */
export interface AuthenticatedClient {
  readonly name: string
  readonly policy: ClientPolicy
}

/** The clients file cannot be read, parsed or written; the message names the file and what to do. */
export class ClientsFileProblem extends Schema.TaggedError<ClientsFileProblem>()("ClientsFileProblem", {
  message: Schema.String
}) {}

export class ClientAlreadyExists extends Schema.TaggedError<ClientAlreadyExists>()("ClientAlreadyExists", {
  name: Schema.String,
  message: Schema.String
}) {}

export class ClientNotFound extends Schema.TaggedError<ClientNotFound>()("ClientNotFound", {
  name: Schema.String,
  message: Schema.String
}) {}

export class InvalidClientName extends Schema.TaggedError<InvalidClientName>()("InvalidClientName", {
  message: Schema.String
}) {}
