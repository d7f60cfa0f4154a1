import type { Redactor } from "../../security/Redactor.js"
import type { CallContextShape } from "../CallContext.js"
import { seesHouseWide } from "../CallContext.js"

/** Limiter ids of network sources carry this prefix (the HTTP authenticator's lockout by address). */
const sourcePrefix = "source:"

/**
 * What of the server's security state one caller may see. An HTTP client sees
 * only what concerns its own client id; an admin client and stdio (the
 * operator's own process) see every client. A source address is never shown,
 * only a short keyed fingerprint of it, so two lockouts of one address can be
 * told apart from two addresses without the address itself.
 */
export const callerView = (ctx: CallContextShape, redactor: Redactor) => {
  const houseWide = seesHouseWide(ctx)
  const shownId = (clientId: string): string =>
    clientId.startsWith(sourcePrefix)
      ? `${sourcePrefix}${redactor.fingerprint("ip", clientId.slice(sourcePrefix.length))}`
      : clientId
  /** The entries this caller may see, their client ids as they may be shown. */
  const visible = <A extends { readonly clientId: string }>(entries: ReadonlyArray<A>): ReadonlyArray<A> =>
    entries
      .filter((entry) => houseWide || entry.clientId === ctx.clientId)
      .map((entry) => ({ ...entry, clientId: shownId(entry.clientId) }))
  return {
    houseWide,
    view: houseWide ? "house" as const : "own" as const,
    visible,
    /** The client id whose audit rows a report covers; undefined for every client. */
    reportClientId: houseWide ? undefined : ctx.clientId
  } as const
}
