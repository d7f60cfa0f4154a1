import { Schema } from "effect"

/**
 * What can go wrong talking to OPERA Cloud. Every message is written for the
 * person at the keyboard: it never holds a raw OPERA body, a token or a stack.
 */
export class OperaUnauthorized extends Schema.TaggedError<OperaUnauthorized>()("OperaUnauthorized", {
  message: Schema.String
}) {}

export class OperaForbidden extends Schema.TaggedError<OperaForbidden>()("OperaForbidden", {
  message: Schema.String
}) {}

export class OperaNotFound extends Schema.TaggedError<OperaNotFound>()("OperaNotFound", {
  message: Schema.String
}) {}

/** OPERA refused the request on business grounds (4xx with an OHIP error body). */
export class OperaRejected extends Schema.TaggedError<OperaRejected>()("OperaRejected", {
  status: Schema.Number,
  message: Schema.String
}) {}

export class OperaRateLimited extends Schema.TaggedError<OperaRateLimited>()("OperaRateLimited", {
  message: Schema.String,
  retryAfterMs: Schema.Number
}) {}

export class OperaUnavailable extends Schema.TaggedError<OperaUnavailable>()("OperaUnavailable", {
  reason: Schema.Literal("timeout", "server_error", "connection", "circuit_open"),
  message: Schema.String
}) {}

export class OperaBadResponse extends Schema.TaggedError<OperaBadResponse>()("OperaBadResponse", {
  message: Schema.String
}) {}

export type OperaError =
  | OperaUnauthorized
  | OperaForbidden
  | OperaNotFound
  | OperaRejected
  | OperaRateLimited
  | OperaUnavailable
  | OperaBadResponse
