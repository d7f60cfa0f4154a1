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

const maxRetryAfterMs = 30_000

/** The wait a 429's `Retry-After` asks for (seconds), capped at 30 s; 1 s when absent or not a number. */
export const retryAfterMs = (header: string | undefined): number => {
  if (header === undefined) return 1000
  const seconds = Number(header)
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, maxRetryAfterMs) : 1000
}

/** Why a connection to OPERA failed, as far as the network stack tells: the first thing an operator checks. */
export const NetworkFailure = Schema.Literal("dns", "refused", "tls", "reset")
export type NetworkFailure = typeof NetworkFailure.Type

export class OperaUnavailable extends Schema.TaggedError<OperaUnavailable>()("OperaUnavailable", {
  reason: Schema.Literal("timeout", "server_error", "connection", "circuit_open"),
  message: Schema.String,
  /** For `connection`: what the network stack said, when it said something this server knows. */
  network: Schema.optional(NetworkFailure)
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

/**
 * The cause class of a failed OPERA request, as logs, metrics and `config validate --check-connection`
 * name it; `undefined` for OPERA's business answers (403, 404, other 4xx), which are not upstream failures.
 */
export type UpstreamFailureClass =
  | NetworkFailure
  | "connection"
  | "timeout"
  | "unauthorized"
  | "throttled"
  | "server"
  | "circuit_open"
  | "bad_response"

export const upstreamFailureClass = (error: OperaError): UpstreamFailureClass | undefined => {
  switch (error._tag) {
    case "OperaUnauthorized":
      return "unauthorized"
    case "OperaRateLimited":
      return "throttled"
    case "OperaBadResponse":
      return "bad_response"
    case "OperaUnavailable":
      return error.reason === "server_error"
        ? "server"
        : error.reason === "connection"
        ? error.network ?? "connection"
        : error.reason
    default:
      return undefined
  }
}

// Node's error codes (node:http, undici, tls, dns), searched down the cause chain and through
// AggregateError (a host with several addresses fails with one error per address).
const tlsCode = /CERT|SSL|TLS|^EPROTO$|^UNABLE_TO_|^HOSTNAME_MISMATCH$/
const codesOf = (cause: unknown, depth = 0): ReadonlyArray<string> => {
  if (depth > 4 || typeof cause !== "object" || cause === null) return []
  const own = "code" in cause && typeof cause.code === "string" ? [cause.code] : []
  const nested = "cause" in cause ? codesOf(cause.cause, depth + 1) : []
  const each = "errors" in cause && Array.isArray(cause.errors)
    ? cause.errors.flatMap((inner: unknown) => codesOf(inner, depth + 1))
    : []
  return [...own, ...nested, ...each]
}

/** What each network failure means, for messages. */
export const networkFailureWords: Readonly<Record<NetworkFailure, string>> = {
  dns: "the host name does not resolve",
  refused: "the connection was refused",
  tls: "the TLS handshake failed (certificate or protocol)",
  reset: "the connection was reset"
}

/** What a request error's cause says about the network: DNS, a refused port, TLS, or a reset connection. */
export const networkFailureOf = (cause: unknown): NetworkFailure | undefined => {
  const codes = codesOf(cause)
  if (codes.some((code) => code === "ENOTFOUND" || code.startsWith("EAI_"))) return "dns"
  if (codes.includes("ECONNREFUSED")) return "refused"
  if (codes.some((code) => tlsCode.test(code))) return "tls"
  if (codes.some((code) => code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET")) return "reset"
  return undefined
}
