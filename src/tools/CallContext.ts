import type { Effect } from "effect"
import { Context } from "effect"
import type { ConfirmationPending } from "../security/errors.js"
import type { StateUnavailable } from "../security/state/StateStore.js"

/** What the person using the client is asked before a destructive call runs. */
export interface ConfirmationForm {
  readonly tool: string
  readonly title: string
  /** One sentence: what will change (reservation, guest, amount, room). */
  readonly summary: string
  /** Digest of (client, tool, arguments): an answer counts only for the call it was asked for. */
  readonly binding: string
}

export type UserDecision = "accept" | "decline" | "cancel"

/** Who is calling, over what, for the duration of one tool call. */
export interface CallContextShape {
  /** Stable id of the calling client: the process on stdio (`stdio#id`), the API-key or token client over HTTP. */
  readonly clientId: string
  readonly transport: "stdio" | "http"
  /** Peer address on network transports. */
  readonly peer?: string
  readonly userAgent?: string
  /**
   * The caller may see the house-wide security view. Set only from the
   * authenticated key's or token's policy on HTTP, never from anything the
   * client sends; stdio is the operator's own process and always sees it.
   */
  readonly admin?: boolean
  /** Per-client policy narrower than the global one (HTTP API keys). */
  readonly policy?: {
    readonly tools?: ReadonlyArray<string>
    readonly hotels?: ReadonlyArray<string>
    readonly readOnly?: boolean
  }
  /**
   * Asks the person using the client (MCP elicitation) to confirm; present only
   * when the client declared it can. Fails with ConfirmationPending when the
   * answer will come on a later request, with StateUnavailable when a round's
   * answer cannot be checked against the shared state.
   */
  readonly confirmWithUser?: (form: ConfirmationForm) => Effect.Effect<UserDecision, ConfirmationPending | StateUnavailable>
}

export class CallContext extends Context.Tag("opera/CallContext")<CallContext, CallContextShape>() {}

/** Whether this caller sees every client's security state, or only its own. */
export const seesHouseWide = (ctx: CallContextShape): boolean => ctx.transport === "stdio" || ctx.admin === true
