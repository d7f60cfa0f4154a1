import { Effect, Ref } from "effect"

export type ChangeListener = (uri: string) => void

/**
 * Announces the resources a change made through this server touched (a
 * reservation after modify_reservation, its folio after post_charge, today's
 * arrivals after a check-in), for the MCP subscriptions. OPERA sends no
 * events, so changes made elsewhere are not announced. An announcement is a
 * URI only; reading it goes through the pipeline like any read.
 */
export class ResourceChanges extends Effect.Service<ResourceChanges>()("opera/ResourceChanges", {
  effect: Effect.gen(function*() {
    const listeners = yield* Ref.make<ReadonlySet<ChangeListener>>(new Set())

    /** Registers a listener; the effect it returns removes it again. */
    const listen = (listener: ChangeListener) =>
      Ref.update(listeners, (current) => new Set([...current, listener])).pipe(
        Effect.as(Ref.update(listeners, (current) => new Set([...current].filter((other) => other !== listener))))
      )

    /** Tells every listener that these resources changed; a listener that throws is skipped. */
    const announce = (uris: ReadonlyArray<string>) =>
      uris.length === 0 ? Effect.void : Ref.get(listeners).pipe(
        Effect.flatMap((current) =>
          Effect.forEach([...current], (listener) =>
            Effect.forEach(uris, (uri) => Effect.try(() => listener(uri)).pipe(Effect.ignore)), { discard: true })
        )
      )

    return { listen, announce } as const
  })
}) {}
