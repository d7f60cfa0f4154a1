import { DateTime, Schema } from "effect"

/**
 * The typed refusals of the security pipeline. Every `message` is written for
 * the person (or assistant) at the keyboard: what happened and what to do
 * next. None carries a secret, a credential or guest data; a peer address is
 * never echoed (it is personal data under GDPR).
 */

/** ISO-8601 form of an epoch-millisecond instant, for messages. */
export const isoInstant = (epochMillis: number): string => DateTime.formatIso(DateTime.unsafeMake(epochMillis))

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))

export class RateLimited extends Schema.TaggedError<RateLimited>()("RateLimited", {
  tool: Schema.String,
  retryAfterMs: Schema.Number,
  message: Schema.String
}) {
  static forTool(tool: string, limit: number, windowMinutes: number, retryAfterMs: number) {
    return new RateLimited({
      tool,
      retryAfterMs,
      message: `Rate limit reached for ${tool}: at most ${limit} calls per ${windowMinutes} minute(s). ` +
        `Try again in ${seconds(retryAfterMs)} second(s).`
    })
  }
}

export class ClientLockedOut extends Schema.TaggedError<ClientLockedOut>()("ClientLockedOut", {
  lockoutUntil: Schema.Number,
  message: Schema.String
}) {
  static until(lockoutUntil: number) {
    return new ClientLockedOut({
      lockoutUntil,
      message: `This client is locked out after repeated failed or refused calls, until ${isoInstant(lockoutUntil)}. ` +
        "Wait until then, or ask an administrator to review the audit log."
    })
  }
}

export class ToolNotAllowed extends Schema.TaggedError<ToolNotAllowed>()("ToolNotAllowed", {
  tool: Schema.String,
  message: Schema.String
}) {}

export class HotelNotAllowed extends Schema.TaggedError<HotelNotAllowed>()("HotelNotAllowed", {
  hotelId: Schema.String,
  message: Schema.String
}) {}

export class ReadOnlyMode extends Schema.TaggedError<ReadOnlyMode>()("ReadOnlyMode", {
  tool: Schema.String,
  message: Schema.String
}) {}

export class PeerNotAllowed extends Schema.TaggedError<PeerNotAllowed>()("PeerNotAllowed", {
  message: Schema.String
}) {}

/** An OPERA base URL that would send credentials in clear text. Raised at start-up. */
export class InsecureOperaBaseUrl extends Schema.TaggedError<InsecureOperaBaseUrl>()("InsecureOperaBaseUrl", {
  message: Schema.String
}) {}

/** A malformed OPERA_SECURITY_ALLOWED_IP_ADDRESSES entry, raised at start-up; the entry (not a secret) is named. */
export class InvalidIpAllowList extends Schema.TaggedError<InvalidIpAllowList>()("InvalidIpAllowList", {
  entry: Schema.String,
  message: Schema.String
}) {}

/**
 * Not a failure of the caller: a destructive tool answers first with what would
 * change and a single-use token. The token is meant for this client (it is bound
 * to the client and the exact arguments) and must not be written to the audit log.
 */
export class ConfirmationRequired extends Schema.TaggedError<ConfirmationRequired>()("ConfirmationRequired", {
  tool: Schema.String,
  token: Schema.String,
  summary: Schema.String,
  expiresAt: Schema.Number,
  message: Schema.String
}) {}

export const confirmationInvalidReasons = [
  "unknown",
  "expired",
  "reused",
  "other_client",
  "other_tool",
  "arguments_changed"
] as const

export class ConfirmationInvalid extends Schema.TaggedError<ConfirmationInvalid>()("ConfirmationInvalid", {
  tool: Schema.String,
  reason: Schema.Literal(...confirmationInvalidReasons),
  message: Schema.String
}) {}

/** The person asked through the client's elicitation declined or dismissed the form: nothing was changed. */
export class ConfirmationDeclined extends Schema.TaggedError<ConfirmationDeclined>()("ConfirmationDeclined", {
  tool: Schema.String,
  decision: Schema.Literal("decline", "cancel"),
  message: Schema.String
}) {}

/**
 * The person's answer comes on a later request (2026-07-28: the form rides an
 * input-required result and the client repeats the call with the answer).
 */
export class ConfirmationPending extends Schema.TaggedError<ConfirmationPending>()("ConfirmationPending", {
  tool: Schema.String,
  message: Schema.String
}) {}

/** OPERA_MCP_CONFIRMATION_MODE=elicit-only and this client cannot ask its user. */
export class ConfirmationUnavailable extends Schema.TaggedError<ConfirmationUnavailable>()("ConfirmationUnavailable", {
  tool: Schema.String,
  message: Schema.String
}) {}

/** Our own pacing toward OHIP would have to wait longer than allowed. */
export class UpstreamThrottled extends Schema.TaggedError<UpstreamThrottled>()("UpstreamThrottled", {
  retryAfterMs: Schema.Number,
  message: Schema.String
}) {
  static after(retryAfterMs: number, maxRps: number) {
    return new UpstreamThrottled({
      retryAfterMs,
      message: `Too many OPERA requests from this server right now (limit ${maxRps} per second). ` +
        `Try again in ${seconds(retryAfterMs)} second(s).`
    })
  }
}

export type AccessRefusal = ToolNotAllowed | HotelNotAllowed | ReadOnlyMode | PeerNotAllowed
