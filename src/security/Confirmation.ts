import { Clock, Config, ConfigError, Effect, Either, Option, Redacted, Schema } from "effect"
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { flag, wholeNumber } from "../config/settings.js"
import type { CallContextShape } from "../tools/CallContext.js"
import type { ToolInfo } from "../tools/ToolInfo.js"
import { ConfirmationDeclined, ConfirmationInvalid, ConfirmationRequired, ConfirmationUnavailable, isoInstant } from "./errors.js"
import { canonicalJson } from "./redaction/canonicalJson.js"
import { InProcessStateStoreDefault } from "./state/InProcessStateStore.js"
import type { OnceRecord, OnceStep } from "./state/StateStore.js"
import { StateStore } from "./state/StateStore.js"

/**
 * Who confirms a destructive call: `elicit-or-token` (the person, through the
 * client's elicitation form, when the client can ask; otherwise the token
 * flow), `elicit-only` (the person or nobody: destructive calls are refused to
 * clients that cannot ask), `token` (always the token flow).
 */
export const ConfirmationMode = Schema.Literal("elicit-or-token", "elicit-only", "token")
export type ConfirmationMode = typeof ConfirmationMode.Type

/** How a call was confirmed, as the audit log records it. */
export type ConfirmedBy = "user" | "token" | "not_required"

/**
 * `OPERA_MCP_REQUIRE_CONFIRMATION` (default true; false for unattended agents),
 * `OPERA_MCP_CONFIRMATION_MODE` (default elicit-or-token) and
 * `OPERA_MCP_CONFIRMATION_TTL_SECONDS` (default 300).
 */
export const confirmationConfig = Config.all({
  required: flag("OPERA_MCP_REQUIRE_CONFIRMATION").pipe(Config.withDefault(true)),
  mode: Schema.Config("OPERA_MCP_CONFIRMATION_MODE", ConfirmationMode).pipe(
    Config.withDefault<ConfirmationMode>("elicit-or-token")
  ),
  ttlSeconds: wholeNumber("OPERA_MCP_CONFIRMATION_TTL_SECONDS", { min: 30, max: 3600 }).pipe(Config.withDefault(300)),
  // Shared by the replicas that answer one client's rounds; an HMAC key short enough to guess forges them.
  roundKey: Config.option(Config.redacted("OPERA_MCP_REQUEST_STATE_KEY").pipe(Config.mapOrFail((key) =>
    Redacted.value(key).length === 0 || Redacted.value(key).length >= 32
      ? Either.right(key)
      : Either.left(ConfigError.InvalidData(
        ["OPERA_MCP_REQUEST_STATE_KEY"],
        "must be at least 32 characters (for example: openssl rand -base64 32)"
      ))
  ))).pipe(Config.map(Option.filter((key) => Redacted.value(key).length > 0)))
})

// The state a 2026-07-28 confirmation round carries through the client: which call, until when, once.
const RoundState = Schema.Struct({ binding: Schema.String, expiresAt: Schema.Number, nonce: Schema.String })
const decodeRoundState = Schema.decodeUnknownOption(Schema.parseJson(RoundState))

/** The argument that carries the token on the confirming call. */
export const confirmationTokenArgument = "confirmationToken"

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest()

/** The arguments the token is bound to: all of them except the token itself. */
export const boundArguments = (args: unknown): unknown => {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return args
  return Object.fromEntries(Object.entries(args).filter(([key]) => key !== confirmationTokenArgument))
}

/** The token carried by a call, if any. */
export const tokenOf = (args: unknown): string | undefined => {
  if (typeof args !== "object" || args === null) return undefined
  const token: unknown = (args as Record<string, unknown>)[confirmationTokenArgument]
  return typeof token === "string" ? token : undefined
}

/** A confirmation's store step planned for a call's admission (`Confirmation.admissionStep`). */
export interface PlannedConfirmation {
  /** The token the call carries (`Consume`), or the new one (`Put`). */
  readonly token: string
  /** When the new token expires (`Put`). */
  readonly expiresAt?: number
  readonly step: OnceStep
}

/**
 * A planned step and the admission that carried it: its instant and what the
 * step found (None after a `Put`); `found` undefined when the store did not
 * make the step (then the gate makes its own).
 */
export interface SettledConfirmation {
  readonly planned: PlannedConfirmation
  readonly at: number
  readonly found?: Option.Option<OnceRecord>
}

/**
 * Two-step confirmation of destructive tools. `prepare` issues a random
 * single-use token bound to (client, tool, canonical JSON of the arguments
 * without the token) for a few minutes; `consume` accepts it once. Only
 * SHA-256 digests of tokens, clients and bindings are kept, in the
 * `StateStore` (so a token issued on one replica is consumed once on any
 * other), consumed atomically; expired entries are kept one more TTL so a
 * late call hears "expired" rather than "unknown". A mismatched call does not
 * burn the token, so the assistant can repeat the call correctly. While the
 * store is unreachable no token is issued or accepted.
 */
export class Confirmation extends Effect.Service<Confirmation>()("opera/Confirmation", {
  effect: Effect.gen(function*() {
    const { mode, required, roundKey, ttlSeconds } = yield* confirmationConfig
    const ttlMs = ttlSeconds * 1000
    const store = yield* StateStore
    const roundSecret = Option.match(roundKey, {
      onNone: () => randomBytes(32),
      onSome: (secret) => Buffer.from(Redacted.value(secret), "utf8")
    })
    const signRound = (payload: string) => createHmac("sha256", roundSecret).update(payload, "utf8").digest()

    /**
     * The `requestState` of a 2026-07-28 confirmation round for the call with
     * this binding: HMAC-signed (OPERA_MCP_REQUEST_STATE_KEY, the same on every
     * replica, or a key of this process), valid for the confirmation TTL.
     */
    const sealRound = Effect.fn("Confirmation.sealRound")(function*(binding: string) {
      const now = yield* Clock.currentTimeMillis
      const payload = JSON.stringify({ binding, expiresAt: now + ttlMs, nonce: randomBytes(16).toString("base64url") })
      return `${Buffer.from(payload, "utf8").toString("base64url")}.${signRound(payload).toString("base64url")}`
    })

    /**
     * Whether `wire` is a round state we sealed for this very call, still fresh
     * and not used before on any replica (then it is used). Refused while the
     * StateStore is unreachable.
     */
    const redeemRound = Effect.fn("Confirmation.redeemRound")(function*(wire: string, binding: string) {
      const now = yield* Clock.currentTimeMillis
      const [encoded, mac] = wire.split(".")
      if (encoded === undefined || mac === undefined) return false
      const payload = Buffer.from(encoded, "base64url").toString("utf8")
      // Compared as the exact text we wrote, in constant time: a second spelling of the same bytes is refused.
      const expected = Buffer.from(signRound(payload).toString("base64url"), "utf8")
      const given = Buffer.from(mac, "utf8")
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false
      const state = Option.getOrUndefined(decodeRoundState(payload))
      if (state === undefined || state.binding !== binding || state.expiresAt <= now) return false
      // Once across every replica: the nonce is claimed in the StateStore until the round expires.
      return yield* store.claimOnce(`confirmation-round:${state.nonce}`, state.expiresAt, now)
    })
    const binding = (clientId: string, tool: string, args: unknown) =>
      sha256(canonicalJson([clientId, tool, boundArguments(args)]))
    // What the store keeps for a token: digests only (the client id could be a person's name), and the tool.
    const tokenKey = (token: string) => `confirmation:${sha256(token).toString("base64url")}`
    const recordOf = (clientId: string, tool: string, bindingHash: Buffer) =>
      `${sha256(clientId).toString("base64url")}|${tool}|${bindingHash.toString("base64url")}`

    /** The answer that hands a client its token. */
    const tokenAnswer = (tool: string, token: string, summary: string, expiresAt: number) =>
      new ConfirmationRequired({
        tool,
        token,
        summary,
        expiresAt,
        message: `Confirmation needed before ${tool} changes anything. ${summary} ` +
          `To go ahead, repeat the same call with the same arguments plus "${confirmationTokenArgument}": "${token}" ` +
          `before ${isoInstant(expiresAt)}. To cancel, do nothing.`
      })

    /** A new token for this exact call, and the store's step that keeps it. */
    const issue = (clientId: string, tool: string, args: unknown, now: number) => {
      const token = randomBytes(32).toString("base64url")
      const expiresAt = now + ttlMs
      const step: OnceStep = {
        _tag: "Put",
        key: tokenKey(token),
        record: recordOf(clientId, tool, binding(clientId, tool, args)),
        expiresAt,
        keepUntil: expiresAt + ttlMs
      }
      return { token, expiresAt, step }
    }

    /** Issue a token for this exact call; the result is the answer to give the client. */
    const prepare = Effect.fn("Confirmation.prepare")(function*(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      summary: string
    ) {
      const now = yield* Clock.currentTimeMillis
      const { expiresAt, step, token } = issue(ctx.clientId, tool.name, args, now)
      yield* store.putOnce(step.key, step.record, step.expiresAt, step.keepUntil, now)
      return tokenAnswer(tool.name, token, summary, expiresAt)
    })

    const invalid = (tool: string, reason: ConfirmationInvalid["reason"], detail: string) =>
      new ConfirmationInvalid({
        tool,
        reason,
        message: `${detail} Call ${tool} again without "${confirmationTokenArgument}" to get a new confirmation.`
      })

    /** Whether the record `consumeOnce` found (at `now`) was exactly this call's unused token, or why not. */
    const judge = (name: string, claim: string, found: Option.Option<OnceRecord>, now: number) =>
      Effect.gen(function*() {
        if (Option.isNone(found)) return yield* invalid(name, "unknown", "This confirmation token is not valid.")
        const held = found.value
        if (held.used) return yield* invalid(name, "reused", "This confirmation token was already used.")
        if (held.expiresAt <= now) return yield* invalid(name, "expired", "This confirmation token has expired.")
        if (held.record === claim) return
        const [heldClient, heldTool] = held.record.split("|")
        if (heldClient !== claim.split("|")[0]) {
          return yield* invalid(name, "other_client", "This confirmation token was issued to another client.")
        }
        if (heldTool !== name) {
          return yield* invalid(name, "other_tool", `This confirmation token was issued for ${heldTool}, not ${name}.`)
        }
        return yield* invalid(name, "arguments_changed", "The arguments differ from the ones this token confirms; nothing was changed.")
      })

    /** Accept `token` once for exactly the call it was issued for, or say why not. */
    const consume = Effect.fn("Confirmation.consume")(function*(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      token: string
    ) {
      const now = yield* Clock.currentTimeMillis
      const claim = recordOf(ctx.clientId, tool.name, binding(ctx.clientId, tool.name, args))
      return yield* judge(tool.name, claim, yield* store.consumeOnce(tokenKey(token), claim, now), now)
    })

    /**
     * What `gate` will do with the store, planned before the call's admission
     * so the store does it in the admission's step (one Redis round trip for
     * both, `RateLimiter.take`): consume the call's token, or keep a new one
     * for the answer. Undefined when the gate needs no store step (no
     * confirmation needed, or the person is asked). The new token is kept only
     * when the call is admitted, and handed out only if the call gets as far
     * as the gate; an unused one expires unseen.
     */
    const noStep: Effect.Effect<PlannedConfirmation | undefined> = Effect.succeed(undefined)
    const notRequired: Effect.Effect<ConfirmedBy> = Effect.succeed("not_required")
    const admissionStep = (ctx: CallContextShape, tool: ToolInfo, args: unknown): Effect.Effect<PlannedConfirmation | undefined> =>
      // Most calls (every read) need no step: no clock read, no work.
      !required || !tool.annotations.destructiveHint || mode === "elicit-only" ? noStep : Effect.map(Clock.currentTimeMillis, (now) => {
        const token = tokenOf(args)
        if (token !== undefined) {
          const claim = recordOf(ctx.clientId, tool.name, binding(ctx.clientId, tool.name, args))
          return { token, step: { _tag: "Consume", key: tokenKey(token), claim } }
        }
        if (mode !== "token" && ctx.confirmWithUser !== undefined) return undefined
        const issued = issue(ctx.clientId, tool.name, args, now)
        return { token: issued.token, expiresAt: issued.expiresAt, step: issued.step }
      })

    /**
     * The pipeline's step: nothing to do for non-destructive tools or when
     * confirmations are off. Otherwise the person using the client is asked,
     * when the client can ask (elicitation) and the mode allows it, and the
     * call goes on only if they accept; else the call's token is consumed, or
     * one is issued and the answer is ConfirmationRequired (in `elicit-only`
     * mode the call is refused instead). `args` are the raw arguments as the
     * client sent them. With `settled` (the `admissionStep` the call's
     * admission made, at its instant), the token was already consumed or
     * kept there and the gate only judges it. Says how the call was confirmed.
     */
    const guard = Effect.fnUntraced(function*<E, R>(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      summarize: Effect.Effect<string, E, R>,
      settled?: SettledConfirmation
    ) {
      if (!required || !tool.annotations.destructiveHint) return "not_required" as ConfirmedBy
      const token = tokenOf(args)
      const ask = mode === "token" ? undefined : ctx.confirmWithUser
      // A token the server issued is honoured in every mode but elicit-only, which issues none.
      if (token !== undefined && mode !== "elicit-only") {
        if (settled?.planned.step._tag === "Consume" && settled.planned.token === token && settled.found !== undefined) {
          yield* judge(tool.name, settled.planned.step.claim, settled.found, settled.at)
        } else {
          yield* consume(ctx, tool, args, token)
        }
        return "token" as ConfirmedBy
      }
      if (ask !== undefined) {
        const summary = yield* summarize
        const decision = yield* ask({
          tool: tool.name,
          title: tool.annotations.title,
          summary,
          binding: binding(ctx.clientId, tool.name, args).toString("base64url")
        })
        if (decision === "accept") return "user" as ConfirmedBy
        return yield* new ConfirmationDeclined({
          tool: tool.name,
          decision,
          message: `Not done: the ${decision === "decline" ? "user declined" : "user dismissed"} the confirmation ` +
            `of ${tool.name}. Nothing was changed. ${summary}`
        })
      }
      if (mode === "elicit-only") {
        return yield* new ConfirmationUnavailable({
          tool: tool.name,
          message: `Refused: ${tool.name} changes OPERA data and this server requires a person to confirm it ` +
            "(OPERA_MCP_CONFIRMATION_MODE=elicit-only), but this client cannot ask its user (no elicitation support). " +
            "Use a client that supports elicitation. Nothing was changed."
        })
      }
      if (settled?.planned.step._tag === "Put" && settled.planned.expiresAt !== undefined && settled.found !== undefined) {
        // Kept by the admission's step.
        return yield* tokenAnswer(tool.name, settled.planned.token, yield* summarize, settled.planned.expiresAt)
      }
      const answer = yield* prepare(ctx, tool, args, yield* summarize)
      return yield* answer
    })
    const gate = <E, R>(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      summarize: Effect.Effect<string, E, R>,
      settled?: SettledConfirmation
    ) => !required || !tool.annotations.destructiveHint ? notRequired : guard(ctx, tool, args, summarize, settled)

    return { mode, required, ttlSeconds, prepare, consume, admissionStep, gate, sealRound, redeemRound } as const
  }),
  dependencies: [InProcessStateStoreDefault]
}) {}
