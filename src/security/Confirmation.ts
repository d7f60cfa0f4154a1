import { Clock, Config, Effect, Ref } from "effect"
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { flag, wholeNumber } from "../config/settings.js"
import type { CallContextShape } from "../tools/CallContext.js"
import type { ToolInfo } from "../tools/ToolInfo.js"
import { ConfirmationInvalid, ConfirmationRequired, isoInstant } from "./errors.js"
import { canonicalJson } from "./redaction/canonicalJson.js"

/**
 * `OPERA_MCP_REQUIRE_CONFIRMATION` (default true; false for unattended agents)
 * and `OPERA_MCP_CONFIRMATION_TTL_SECONDS` (default 300).
 */
export const confirmationConfig = Config.all({
  required: flag("OPERA_MCP_REQUIRE_CONFIRMATION").pipe(Config.withDefault(true)),
  ttlSeconds: wholeNumber("OPERA_MCP_CONFIRMATION_TTL_SECONDS", { min: 30, max: 3600 }).pipe(Config.withDefault(300))
})

/** The argument that carries the token on the confirming call. */
export const confirmationTokenArgument = "confirmationToken"

interface Issued {
  readonly tokenHash: Buffer
  readonly clientId: string
  readonly tool: string
  readonly bindingHash: Buffer
  readonly expiresAt: number
  readonly used: boolean
}

const maxOpenPerClient = 50
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

/**
 * Two-step confirmation of destructive tools. `prepare` issues a random
 * single-use token bound to (client, tool, canonical JSON of the arguments
 * without the token) for a few minutes; `consume` accepts it once. Only
 * SHA-256 digests of tokens and bindings are kept, compared in constant time,
 * in a Ref; expired entries are kept one more TTL so a late call hears
 * "expired" rather than "unknown". A mismatched call does not burn the token,
 * so the assistant can repeat the call correctly.
 */
export class Confirmation extends Effect.Service<Confirmation>()("opera/Confirmation", {
  effect: Effect.gen(function*() {
    const { required, ttlSeconds } = yield* confirmationConfig
    const ttlMs = ttlSeconds * 1000
    const issued = yield* Ref.make<ReadonlyArray<Issued>>([])
    const binding = (clientId: string, tool: string, args: unknown) =>
      sha256(canonicalJson([clientId, tool, boundArguments(args)]))

    /** Issue a token for this exact call; the result is the answer to give the client. */
    const prepare = Effect.fn("Confirmation.prepare")(function*(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      summary: string
    ) {
      const now = yield* Clock.currentTimeMillis
      const token = randomBytes(32).toString("base64url")
      const entry: Issued = {
        tokenHash: sha256(token),
        clientId: ctx.clientId,
        tool: tool.name,
        bindingHash: binding(ctx.clientId, tool.name, args),
        expiresAt: now + ttlMs,
        used: false
      }
      yield* Ref.update(issued, (all) => {
        const live = all.filter((other) => other.expiresAt + ttlMs > now)
        const mine = live.filter((other) => other.clientId === ctx.clientId)
        const evict = new Set(mine.slice(0, Math.max(0, mine.length - maxOpenPerClient + 1)))
        return [...live.filter((other) => !evict.has(other)), entry]
      })
      return new ConfirmationRequired({
        tool: tool.name,
        token,
        summary,
        expiresAt: entry.expiresAt,
        message: `Confirmation needed before ${tool.name} changes anything. ${summary} ` +
          `To go ahead, repeat the same call with the same arguments plus "${confirmationTokenArgument}": "${token}" ` +
          `before ${isoInstant(entry.expiresAt)}. To cancel, do nothing.`
      })
    })

    const invalid = (tool: string, reason: ConfirmationInvalid["reason"], detail: string) =>
      new ConfirmationInvalid({
        tool,
        reason,
        message: `${detail} Call ${tool} again without "${confirmationTokenArgument}" to get a new confirmation.`
      })

    /** Accept `token` once for exactly the call it was issued for, or say why not. */
    const consume = Effect.fn("Confirmation.consume")(function*(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      token: string
    ) {
      const now = yield* Clock.currentTimeMillis
      const tokenHash = sha256(token)
      const callBinding = binding(ctx.clientId, tool.name, args)
      const name = tool.name
      type Verdict = readonly [ConfirmationInvalid | undefined, ReadonlyArray<Issued>]
      const refusal = yield* Ref.modify(issued, (all): Verdict => {
        // Scan every entry, no early exit: the time taken says nothing about which hash matched.
        let match: Issued | undefined
        for (const entry of all) if (timingSafeEqual(entry.tokenHash, tokenHash)) match = entry
        if (match === undefined) return [invalid(name, "unknown", "This confirmation token is not valid."), all]
        if (match.used) return [invalid(name, "reused", "This confirmation token was already used."), all]
        if (match.expiresAt <= now) return [invalid(name, "expired", "This confirmation token has expired."), all]
        if (match.clientId !== ctx.clientId) {
          return [invalid(name, "other_client", "This confirmation token was issued to another client."), all]
        }
        if (match.tool !== name) {
          const detail = `This confirmation token was issued for ${match.tool}, not ${name}.`
          return [invalid(name, "other_tool", detail), all]
        }
        if (!timingSafeEqual(match.bindingHash, callBinding)) {
          const detail = "The arguments differ from the ones this token confirms; nothing was changed."
          return [invalid(name, "arguments_changed", detail), all]
        }
        const used = match
        return [undefined, all.map((entry) => entry === used ? { ...entry, used: true } : entry)]
      })
      if (refusal !== undefined) return yield* refusal
    })

    /**
     * The pipeline's step: nothing to do for non-destructive tools or when
     * confirmations are off; otherwise consume the call's token, or issue one
     * and answer with ConfirmationRequired. `args` are the raw arguments as the
     * client sent them.
     */
    const gate = Effect.fnUntraced(function*<E, R>(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      summarize: Effect.Effect<string, E, R>
    ) {
      if (!required || !tool.annotations.destructiveHint) return
      const token = tokenOf(args)
      if (token !== undefined) return yield* consume(ctx, tool, args, token)
      const answer = yield* prepare(ctx, tool, args, yield* summarize)
      return yield* answer
    })

    return { required, ttlSeconds, prepare, consume, gate } as const
  })
}) {}
