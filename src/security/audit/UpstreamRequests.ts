import { Context, Effect, Option, Ref } from "effect"
import type { ReservedSlot } from "../state/StateStore.js"

/** At most this many upstream request ids are kept per tool call (retries included); later ones are not kept. */
export const maxUpstreamRequestIds = 16

export interface UpstreamRequestsShape {
  /** Notes the correlation id of one request to the upstream system (sent to it and logged with any failure). */
  readonly note: (requestId: string) => Effect.Effect<void>
  /** The ids noted so far, in the order the requests were sent. */
  readonly ids: Effect.Effect<ReadonlyArray<string>>
  /** Keeps the OPERA throttle's slot the call's admission reserved, for its first request. */
  readonly offerSlot: (slot: ReservedSlot) => Effect.Effect<void>
  /** The reserved slot, once: the first request starts on it; what is left after the call is given back. */
  readonly takeSlot: Effect.Effect<Option.Option<ReservedSlot>>
}

/**
 * The upstream requests of one tool call, so its audit row names the correlation ids an operator finds
 * in the stderr line of a failed request (and OPERA support in their logs). A per-call value: the
 * pipeline provides a fresh one around the handler; a client used outside a tool call notes nothing.
 */
export class UpstreamRequests extends Context.Tag("audit/UpstreamRequests")<UpstreamRequests, UpstreamRequestsShape>() {
  static readonly make: Effect.Effect<UpstreamRequestsShape> = Effect.map(
    Effect.zip(Ref.make<ReadonlyArray<string>>([]), Ref.make(Option.none<ReservedSlot>())),
    ([noted, slot]) => ({
      note: (requestId) =>
        Ref.update(noted, (ids) => ids.length >= maxUpstreamRequestIds ? ids : [...ids, requestId]),
      ids: Ref.get(noted),
      offerSlot: (reserved) => Ref.set(slot, Option.some(reserved)),
      takeSlot: Ref.getAndSet(slot, Option.none())
    })
  )
}

/** Notes a request id with the current tool call's recorder, if there is one. */
export const noteUpstreamRequest = (requestId: string): Effect.Effect<void> =>
  Effect.flatMap(Effect.serviceOption(UpstreamRequests), (recorder) =>
    recorder._tag === "Some" ? recorder.value.note(requestId) : Effect.void)

/** The slot the current tool call's admission reserved for its first OPERA request, taken once (none outside a call). */
export const takeAdmissionSlot: Effect.Effect<Option.Option<ReservedSlot>> = Effect.flatMap(
  Effect.serviceOption(UpstreamRequests),
  (recorder) => recorder._tag === "Some" ? recorder.value.takeSlot : Effect.succeed(Option.none<ReservedSlot>())
)
