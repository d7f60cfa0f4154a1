import { Clock, Config, Effect, Option, Redacted, Ref } from "effect"
import { createHash } from "node:crypto"
import { OperaConnection } from "./OperaConnection.js"
import { wholeNumber } from "../../../config/settings.js"
import { UpstreamThrottled } from "../../../security/errors.js"
import { InProcessStateStoreDefault } from "../../../security/state/InProcessStateStore.js"
import { StateStore } from "../../../security/state/StateStore.js"
import { admissionSlotSlackMs, reserveSlot } from "../../../security/state/upstreamState.js"
import { takeAdmissionSlot } from "../../../security/audit/UpstreamRequests.js"
import type { PaceStep } from "../../../security/state/StateStore.js"
import { traced } from "../../../config/traced.js"

/**
 * `OPERA_UPSTREAM_MAX_RPS` (default 50, OHIP's documented throttle per
 * environment) and `OPERA_UPSTREAM_MAX_WAIT_MS` (default 1000): how long one
 * request may be held back before it is refused instead.
 */
export const upstreamThrottleConfig = Config.all({
  maxRps: wholeNumber("OPERA_UPSTREAM_MAX_RPS", { min: 1, max: 10_000 }).pipe(Config.withDefault(50)),
  maxWaitMs: wholeNumber("OPERA_UPSTREAM_MAX_WAIT_MS", { min: 0, max: 60_000 }).pipe(Config.withDefault(1000))
})

/**
 * The pace of all OPERA traffic of this application: at most `maxRps`
 * requests start in any one-second window, whichever tool and, with Redis,
 * whichever replica sends them (OHIP throttles per application and
 * environment, so the bound is keyed by OPERA's URL and the app key).
 *
 * Each request reserves the earliest start instant (a "slot") that keeps the
 * bound: now, or one second after the slot `maxRps` places back, in one
 * atomic step of the state store (one Redis round trip). A request waits for
 * its slot (our own pacing, so a short delay is fine) unless the wait would
 * exceed `maxWaitMs`; then it is refused without reserving. A request
 * interrupted while waiting keeps its slot: the pace only gets slower.
 *
 * While the shared state is unreachable, each replica paces its own traffic
 * (the calls that get this far are reads the operator allows then; writes
 * were refused before reaching OPERA).
 */
export class UpstreamThrottle extends Effect.Service<UpstreamThrottle>()("opera/UpstreamThrottle", {
  effect: Effect.gen(function*() {
    const { maxRps, maxWaitMs } = yield* upstreamThrottleConfig
    const store = yield* StateStore
    const connection = yield* OperaConnection
    // The application and environment, never the app key itself (the store hashes what it is given again).
    const key = createHash("sha256")
      .update(["opera-upstream/v1", connection.baseUrl, Redacted.value(connection.appKey)].join("\u0000"))
      .digest("hex")
    const ownSlots = yield* Ref.make<ReadonlyArray<number>>([])
    const warned = yield* Ref.make(false)

    const paceHere = (now: number) =>
      Ref.getAndSet(warned, true).pipe(
        Effect.flatMap((was) =>
          was ? Effect.void : Effect.logWarning("OPERA throttle: the shared state is unreachable; pacing this replica alone")
        ),
        Effect.zipRight(Ref.modify(ownSlots, (log) => reserveSlot(log, now, maxRps, maxWaitMs)))
      )

    /**
     * Wait for this request's turn toward OHIP, or fail at once when the wait would be too long.
     *
     * A read's admission in a shared store reserves the slot of its first request in the same round trip
     * (`pace`, handed to the pipeline); the request starts on it when it comes within `admissionSlotSlackMs`
     * of it, which the slots' window allows for (see `slotWindowMs`), so the bound on start instants holds.
     * Any other request (a write's, which has confirmation and the audit intent before it; a second request
     * of a call; one that came too late for its slot) reserves its slot here, as it starts. A slot nobody
     * used is given back with the call's outcome.
     */
    const take = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const reserved = yield* takeAdmissionSlot
      if (Option.isSome(reserved) && reserved.value.key === key && now <= reserved.value.at + admissionSlotSlackMs) {
        if (reserved.value.at > now) yield* Effect.sleep(reserved.value.at - now)
        return
      }
      const waitMs = yield* store.upstream.pace(key, maxRps, maxWaitMs, now).pipe(
        Effect.tap(() => Ref.set(warned, false)),
        Effect.catchTag("StateUnavailable", () => paceHere(now))
      )
      if (waitMs > maxWaitMs) return yield* UpstreamThrottled.after(waitMs, maxRps)
      if (waitMs > 0) yield* Effect.sleep(waitMs)
    }).pipe(traced("UpstreamThrottle.take"))

    /** What a read's admission asks a shared store for: the slot of its first request toward this application. */
    const pace: PaceStep = { key, maxPerSecond: maxRps, maxWaitMs }

    return { take, pace, maxRps, maxWaitMs } as const
  }),
  dependencies: [InProcessStateStoreDefault]
}) {}
