import { Context } from "effect"

/** Who is calling, over what, for the duration of one tool call. */
export interface CallContextShape {
  /** Stable id of the calling client: MCP clientInfo name + per-process id on stdio, API-key name on HTTP. */
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
}

export class CallContext extends Context.Tag("opera/CallContext")<CallContext, CallContextShape>() {}

/** Whether this caller sees every client's security state, or only its own. */
export const seesHouseWide = (ctx: CallContextShape): boolean => ctx.transport === "stdio" || ctx.admin === true
