import { Schema } from "effect"

/**
 * A request refused before it reaches MCP: the status, the headers and a short
 * message a person can act on. The message never echoes a header value, a key
 * or the peer's address.
 */
export class HttpRefusal extends Schema.TaggedError<HttpRefusal>()("HttpRefusal", {
  status: Schema.Number,
  message: Schema.String,
  headers: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), { default: () => ({}) }),
  /** 401 answers carry WWW-Authenticate and nothing else. */
  bare: Schema.optionalWith(Schema.Boolean, { default: () => false })
}) {}

/** A start-up refusal of the HTTP transport (TLS, HTTPS policy, hosts, clients). */
export class HttpStartupRefused extends Schema.TaggedError<HttpStartupRefused>()("HttpStartupRefused", {
  message: Schema.String
}) {}
