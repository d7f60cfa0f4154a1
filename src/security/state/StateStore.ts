import { Config, Context, Effect, Schema } from "effect"
import type { Option } from "effect"
import type { UpstreamStateShape } from "./upstreamState.js"

/**
 * The store that holds the security decisions every replica must share:
 * per (client, tool) call windows, failure counters and lockouts, incident
 * blocks and single-use confirmation tokens. Two Layers implement it: the
 * in-process store (one server; lockouts and blocks persisted to a local
 * SQLite file) and Redis (`OPERA_MCP_STATE_URL`). `Runtime.ts` picks one; the
 * services never know which.
 *
 * Every method takes `now` (epoch ms) from the caller's Clock, so TestClock
 * drives expiry on the in-process store. Keys are the services' own ids
 * (client ids, token digests); a store that leaves the process stores keyed
 * hashes of them, never the ids in clear.
 */
export interface StateStoreShape {
  readonly kind: "in-process" | "redis"
  /**
   * Exact sliding window, atomically: admit one event under `key` if fewer
   * than `limit` were admitted in (now - windowMs, now], returning 0; else
   * return how long until one would be admitted (≥ 1 ms).
   */
  readonly take: (key: string, limit: number, windowMs: number, now: number) => Effect.Effect<number, StateUnavailable>
  /**
   * Count a failure under `key`; `policy.max` of them within `policy.windowMs`
   * lock the key out for `policy.lockoutMs` (the count starts afresh then).
   * While locked out nothing is counted.
   */
  readonly recordFailure: (key: string, policy: FailurePolicy, now: number) => Effect.Effect<FailureTally, StateUnavailable>
  /** When the lockout on `key` ends, if one is in force at `now`. */
  readonly lockoutOf: (key: string, now: number) => Effect.Effect<Option.Option<number>, StateUnavailable>
  /** Lock `key` out until `until`; never shortens a longer lockout. */
  readonly lockOut: (key: string, until: number, now: number) => Effect.Effect<void, StateUnavailable>
  readonly clearLockout: (key: string) => Effect.Effect<void, StateUnavailable>
  /** Lockouts in force at `now`, by label (the id, or its keyed hash when the id could be personal). */
  readonly lockouts: (now: number) => Effect.Effect<ReadonlyArray<StoredLockout>, StateUnavailable>
  readonly setBlock: (key: string, block: StoredBlock, now: number) => Effect.Effect<void, StateUnavailable>
  readonly blockOf: (key: string, now: number) => Effect.Effect<Option.Option<StoredBlock>, StateUnavailable>
  readonly clearBlock: (key: string) => Effect.Effect<void, StateUnavailable>
  readonly blocks: (now: number) => Effect.Effect<ReadonlyArray<StoredBlock>, StateUnavailable>
  /**
   * Keep a single-use record under `key` until `keepUntil` (epoch ms); it can
   * be consumed until `expiresAt`.
   */
  readonly putOnce: (
    key: string,
    record: string,
    expiresAt: number,
    keepUntil: number,
    now: number
  ) => Effect.Effect<void, StateUnavailable>
  /**
   * Atomically: what is under `key` (None when unknown), and if its record is
   * exactly `claim`, unused and unexpired at `now`, mark it used. A record
   * that does not match stays usable.
   */
  readonly consumeOnce: (key: string, claim: string, now: number) => Effect.Effect<Option.Option<OnceRecord>, StateUnavailable>
  /** Whether the store answers now, for the health check and readiness. */
  readonly status: Effect.Effect<StateStatus>

  // ── Upstream: the OPERA throttle and the shared OAuth token (see upstreamState.ts) ──
  readonly upstream: UpstreamStateShape
}

/** A single-use record as it was before `consumeOnce` looked at it. */
export interface OnceRecord {
  readonly record: string
  readonly expiresAt: number
  readonly used: boolean
}

export interface FailurePolicy {
  readonly max: number
  readonly windowMs: number
  readonly lockoutMs: number
}

export type FailureTally =
  | { readonly lockedOut: false; readonly failures: number }
  | { readonly lockedOut: true; readonly lockoutUntil: number; readonly newlyLockedOut: boolean }

export interface StoredLockout {
  readonly clientId: string
  readonly until: number
}

export interface StoredBlock {
  readonly clientId: string
  readonly until: number
  readonly incidentId: string
}

export interface StateStatus {
  readonly kind: StateStoreShape["kind"]
  readonly available: boolean
  /** What reads do while the store is unavailable (`OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE`). */
  readonly readsWhenUnavailable: ReadsWhenUnavailable
}

export class StateStore extends Context.Tag("opera/StateStore")<StateStore, StateStoreShape>() {}

export class StateUnavailable extends Schema.TaggedError<StateUnavailable>()("StateUnavailable", {
  message: Schema.String
}) {
  static readonly refused = new StateUnavailable({
    message: "Refused: the shared security state is unreachable, so this call cannot be checked against the " +
      "rate limits, lockouts and blocks every replica shares. Nothing was changed. Try again shortly; " +
      "an administrator should check the state store (OPERA_MCP_STATE_URL)."
  })
}

export const ReadsWhenUnavailable = Schema.Literal("refuse", "allow")
export type ReadsWhenUnavailable = typeof ReadsWhenUnavailable.Type

/**
 * `OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE`: `refuse` (default) or `allow`
 * read-only tool calls while the shared state is unreachable. Calls that
 * change OPERA data are always refused then.
 */
export const readsWhenUnavailable = Schema.Config("OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE", ReadsWhenUnavailable).pipe(
  Config.withDefault<ReadsWhenUnavailable>("refuse")
)

/**
 * A refusal from the store, unless the call only reads and the operator allows
 * reads then, or it is a read of the server's own state (`diagnostic`: the
 * health check must be able to report the outage).
 */
export const unlessReadAllowed = <A, E>(
  effect: Effect.Effect<A, E>,
  readOnly: boolean,
  reads: ReadsWhenUnavailable,
  fallback: A,
  diagnostic = false
): Effect.Effect<A, E> =>
  readOnly && (reads === "allow" || diagnostic)
    ? Effect.catchIf(effect, (error) => error instanceof StateUnavailable, () => Effect.succeed(fallback))
    : effect
