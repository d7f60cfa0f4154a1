import { Config, Context, Effect, Schema } from "effect"
import type { Option } from "effect"
import type { RecordedCall } from "../threat/model.js"
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
  /**
   * While unavailable: why, in words an operator can act on (credentials
   * refused, an ACL permission missing, TLS, no answer); never the client's
   * own error text, which could carry internals.
   */
  readonly problem?: string
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

// ---------------------------------------------------------------------------------------------------------------
// Threat profiles, API-key revocations and single-use round nonces (issue 14, part A). A separate group of the same
// interface (declaration merging), implemented by each backend in its own file.

/**
 * What one replica has read of a client's shared behaviour: the generation of
 * the client's log in the store (a log that expired or was wiped starts a new
 * one) and the sequence numbers of the last attempt and call it holds.
 */
export interface BehaviourCursor {
  readonly generation: string
  readonly attempts: number
  readonly calls: number
}

export const freshCursor: BehaviourCursor = { generation: "", attempts: 0, calls: 0 }

/**
 * What to add to a client's shared behaviour in one step: an attempt, a completed call, raised monitoring; and,
 * riding along, the OPERA throttle's slot the call's admission reserved and no request of it used, given back.
 */
export interface BehaviourAppend {
  readonly attempt?: number
  readonly call?: StoredCall
  readonly raisedUntil?: number
  readonly releaseSlot?: ReservedSlot
}

/**
 * The OPERA throttle's slot of a call's first request, asked for with the call's admission (a read, which
 * makes its request right after): the throttle's key, its bound and how long a request may wait for a slot.
 */
export interface PaceStep {
  readonly key: string
  readonly maxPerSecond: number
  readonly maxWaitMs: number
}

/** A slot reserved with an admission: the throttle's key, the instant the request may start, the slot's id. */
export interface ReservedSlot {
  readonly key: string
  readonly at: number
  readonly member: string
}

/**
 * A completed call as the store keeps it: the behaviour profile's
 * `RecordedCall` (already made of keyed hashes, counts and flags; no raw id,
 * no name, no argument).
 */
export type StoredCall = RecordedCall

/** What a replica did not have yet, after its own append; `reset` when its copy is of another generation. */
export interface BehaviourDelta {
  readonly cursor: BehaviourCursor
  readonly reset: boolean
  readonly attempts: ReadonlyArray<number>
  readonly calls: ReadonlyArray<StoredCall>
  readonly raisedUntil: number
}

/** A behaviour append once sent: decided (the delta), or on its way (the Effect that waits for the delta). */
export type BehaviourSent =
  | { readonly _tag: "Decided"; readonly delta: BehaviourDelta }
  | { readonly _tag: "Sent"; readonly reply: Effect.Effect<BehaviourDelta, StateUnavailable> }

/** How long and how much of a client's behaviour the store keeps (the profile's horizon and capacity). */
export interface BehaviourLimits {
  readonly horizonMs: number
  readonly capacity: number
}

export interface StateStoreShape {
  /**
   * Atomically append to `clientId`'s behaviour (attempts and completed calls
   * in the order the store received them, each list trimmed to the horizon
   * and capacity) and return every entry after `seen`, the new entries
   * included: one round trip, so detectors on any replica count the same
   * calls a single server would.
   */
  readonly syncBehaviour: (
    clientId: string,
    append: BehaviourAppend,
    seen: BehaviourCursor,
    limits: BehaviourLimits,
    now: number
  ) => Effect.Effect<BehaviourDelta, StateUnavailable>
  /**
   * `syncBehaviour`, sent now and answered later: running it sends the append
   * (so any command this replica sends after it is applied after it, in the
   * order one connection keeps) and gives the delta when the store decided
   * at once (in process), or the Effect that waits for the reply (Redis). A
   * call's outcome is shared this way before its answer leaves, without the
   * answer waiting for the store's round trip.
   */
  readonly sendBehaviour: (
    clientId: string,
    append: BehaviourAppend,
    seen: BehaviourCursor,
    limits: BehaviourLimits,
    now: number
  ) => Effect.Effect<BehaviourSent, StateUnavailable>
  /**
   * The keyed hash that stands for a guest id, a looked-up id or a name in
   * behaviour entries: the same on every replica of a shared store (from
   * `OPERA_MCP_STATE_KEY`), a key of this process otherwise.
   */
  readonly behaviourDigest: (value: string) => string
  /** Publish that the API key with this id (a digest, never the key) is revoked, for every replica. */
  readonly revokeKey: (keyId: string, now: number) => Effect.Effect<void, StateUnavailable>
  /** A snapshot of the revocations: whether the key with this id is revoked. */
  readonly revokedKeys: Effect.Effect<(keyId: string) => boolean, StateUnavailable>
  /**
   * Claim `key` once: true for the first claim before `keepUntil` on any
   * replica, false for every later one (a replayed round).
   */
  readonly claimOnce: (key: string, keepUntil: number, now: number) => Effect.Effect<boolean, StateUnavailable>
}
// ---- One-trip admission and operator commands (issue 14, part C) ----

/**
 * What `admit` decided for one tool call: a block, then a lockout, then the
 * call window, checked in that order in one atomic step (one Redis round trip).
 */
export type Admission =
  | {
    readonly _tag: "Admitted"
    readonly behaviour?: BehaviourDelta
    readonly once?: Option.Option<OnceRecord>
    readonly slot?: ReservedSlot
  }
  | { readonly _tag: "Blocked"; readonly until: number; readonly incidentId: string }
  | { readonly _tag: "LockedOut"; readonly until: number }
  | { readonly _tag: "Limited"; readonly retryAfterMs: number }

/**
 * The threat monitor's attempt, folded into an admission: when the call is
 * admitted, the attempt (at the admission instant) is appended to `clientId`'s
 * shared behaviour in the same atomic step, exactly as `syncBehaviour` with
 * `{ attempt: now }` would, and the delta comes back with the admission.
 */
export interface BehaviourAttempt {
  readonly clientId: string
  readonly seen: BehaviourCursor
  readonly limits: BehaviourLimits
}

/**
 * An attempt made with a call's admission: its instant, and the store's delta
 * (None when the store was unreachable and the read went on without it, so
 * the monitor keeps the attempt in this replica's copy only).
 */
export interface AdmittedAttempt {
  readonly at: number
  readonly delta: Option.Option<BehaviourDelta>
}

/**
 * A single-use record's step, folded into an admission (the confirmation
 * token of the call, `Confirmation.admissionStep`): when the call is
 * admitted, `Put` stores the record exactly as `putOnce` would and `Consume`
 * consumes it exactly as `consumeOnce` would, in the same atomic step; the
 * admission's `once` is then what `consumeOnce` returns (None after a `Put`).
 * A refused call does neither.
 */
export type OnceStep =
  | {
    readonly _tag: "Put"
    readonly key: string
    readonly record: string
    readonly expiresAt: number
    readonly keepUntil: number
  }
  | { readonly _tag: "Consume"; readonly key: string; readonly claim: string }

/** The incident id of a block an operator set (`opera-cloud-mcp clients block`). */
export const operatorBlockId = "operator"

/** A lockout as an operator command sees it: `ref` names it for `releaseLockout` whatever the label is. */
export interface HeldLockout {
  readonly clientId: string
  readonly until: number
  readonly ref: string
}

export interface AdmissionShape {
  /**
   * Refuse `clientKey` while it is blocked or locked out, else take one call
   * of the window `windowKey` (`limit` calls in `windowMs`; `limit` 0 = no
   * window, only the block and lockout checks). Atomic, like `take`. With
   * `attempt`, an admitted call's attempt is appended to the client's shared
   * behaviour in the same step (one Redis round trip for both) and the delta
   * is the admission's `behaviour`; a refused call appends nothing. With
   * `once`, an admitted call's single-use record step is made in the same step
   * too (see `OnceStep`). With `pace`, a store shared by replicas reserves the
   * slot of the call's first OPERA request in the same step (`slot`, none when
   * the wait would be too long); a store in this process reserves none (the
   * request takes its slot as it starts, with no round trip to save).
   */
  readonly admit: (
    clientKey: string,
    windowKey: string,
    limit: number,
    windowMs: number,
    now: number,
    attempt?: BehaviourAttempt,
    once?: OnceStep,
    pace?: PaceStep
  ) => Effect.Effect<Admission, StateUnavailable>
  /** Lockouts in force at `now`, each with the reference that releases it. */
  readonly heldLockouts: (now: number) => Effect.Effect<ReadonlyArray<HeldLockout>, StateUnavailable>
  /** End the lockout `ref` names (and its failure count); false when there was none. */
  readonly releaseLockout: (ref: string) => Effect.Effect<boolean, StateUnavailable>
}

// Declaration merging: the two backends implement these beside the methods above.
export interface StateStoreShape extends AdmissionShape {}
