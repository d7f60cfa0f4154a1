import { Effect, Option } from "effect"
import type { Redis } from "ioredis"
import { randomBytes } from "node:crypto"
import type { StateUnavailable } from "./StateStore.js"
import { scriptCommand } from "./redisScripts.js"
import { claimTokenScript, deleteIfScript, paceScript, publishTokenScript } from "./upstreamScripts.js"

/**
 * The part of the state store that concerns OPERA itself rather than our
 * clients: the pace of all requests toward OHIP (which throttles per
 * application and environment, not per replica) and the one OAuth token the
 * replicas share. The token is only ever handed to the store sealed
 * (AES-256-GCM, by the caller): the store holds opaque strings.
 */
export interface UpstreamStateShape {
  /**
   * Reserve this request's start instant: the wait in ms until at most
   * `maxPerSecond` requests started in any one-second window, for everyone
   * sharing the store. Above `maxWaitMs` nothing is reserved (the caller
   * refuses instead of waiting).
   */
  readonly pace: (key: string, maxPerSecond: number, maxWaitMs: number, now: number) => Effect.Effect<number, StateUnavailable>
  /** The sealed token under `key`, with the fence it was published under. */
  readonly sharedToken: (key: string, now: number) => Effect.Effect<Option.Option<SharedToken>, StateUnavailable>
  /**
   * Become the one that fetches the next token for `key`, for at most
   * `holdMs`: a fence (only ever growing), or None while someone else holds it.
   */
  readonly claimTokenRefresh: (key: string, holdMs: number, now: number) => Effect.Effect<Option.Option<number>, StateUnavailable>
  /**
   * Store a sealed token until `keepUntil`, unless one published under a
   * later fence is there already (`fence` None: a new fence, as a rotation
   * needs). Releases the claim made with `fence`. True when stored.
   */
  readonly publishToken: (
    key: string,
    sealed: string,
    fence: Option.Option<number>,
    keepUntil: number,
    now: number
  ) => Effect.Effect<boolean, StateUnavailable>
  /** Give up a claim without publishing (the fetch failed). */
  readonly releaseTokenRefresh: (key: string, fence: number) => Effect.Effect<void, StateUnavailable>
  /** Drop the token under `key` if it is still exactly `token` (OPERA refused it). */
  readonly dropToken: (key: string, token: SharedToken) => Effect.Effect<void, StateUnavailable>
}

export interface SharedToken {
  readonly sealed: string
  readonly fence: number
}

const second = 1000

/**
 * How late after its slot a request may still start on it, for a slot reserved with a call's admission (a
 * shared store: no round trip of the throttle's own). That slot is an instant a little before the request
 * really starts (argument decoding and the threat screen lie between), so it is counted as starting this
 * much later, the latest it may (`reserveSlot`'s `lateBy`); a request that comes later takes a fresh slot.
 * Each request then starts no later than its slot's score and no earlier than its slot, which keeps the bound
 * on start instants.
 */
export const admissionSlotSlackMs = 20

/** The window the throttle's bound is over: at most `maxPerSecond` request starts in any second. */
export const slotWindowMs = second

/** The Redis key of a throttle's slots (`hash` the store's keyed hash). */
export const upstreamSlotsKey = (prefix: string, hash: (id: string) => string, key: string) => `${prefix}upstream:${hash(key)}`

/**
 * The slot a request may start at, as `paceScript` decides it (see there):
 * now, or one second after the slot `maxPerSecond` places back, never before
 * the newest slot. `log` is sorted and holds at most `maxPerSecond` slots
 * (this process reserves none at admission, so none is ever given back).
 */
export const reserveSlot = (
  log: ReadonlyArray<number>,
  now: number,
  maxPerSecond: number,
  maxWaitMs: number
): readonly [waitMs: number, log: ReadonlyArray<number>] => {
  const counted = log.filter((slot) => slot > now - second)
  const newest = counted[counted.length - 1] ?? now
  const blocking = counted.length < maxPerSecond ? undefined : counted[counted.length - maxPerSecond]
  const slot = Math.max(now, newest, blocking === undefined ? now : blocking + second)
  if (slot - now > maxWaitMs) return [slot - now, counted]
  const next = [...counted, slot]
  return [slot - now, next.length > maxPerSecond ? next.slice(next.length - maxPerSecond) : next]
}

/**
 * One server's upstream state: maps owned by the store's layer, touched only
 * synchronously (each decision is atomic), with lock expiry by the callers'
 * instants so TestClock drives it. The throttle paces through it; a single
 * server keeps its token in TokenCache (and the token file) as before, so the
 * token operations here are the reference the Redis scripts are tested against.
 */
export const makeInProcessUpstreamState = (): UpstreamStateShape => {
  const paces = new Map<string, ReadonlyArray<number>>()
  const tokens = new Map<string, SharedToken & { readonly keepUntil: number }>()
  const claims = new Map<string, { readonly fence: number; readonly until: number }>()
  let fences = 0
  return {
    pace: (key, maxPerSecond, maxWaitMs, now) =>
      Effect.sync(() => {
        const [waitMs, log] = reserveSlot(paces.get(key) ?? [], now, maxPerSecond, maxWaitMs)
        paces.set(key, log)
        return waitMs
      }),
    sharedToken: (key, now) =>
      Effect.sync(() =>
        Option.filter(Option.fromNullable(tokens.get(key)), (held) => held.keepUntil > now).pipe(
          Option.map(({ fence, sealed }) => ({ fence, sealed }))
        )
      ),
    claimTokenRefresh: (key, holdMs, now) =>
      Effect.sync(() => {
        const fence = ++fences
        const held = claims.get(key)
        if (held !== undefined && held.until > now) return Option.none()
        claims.set(key, { fence, until: now + holdMs })
        return Option.some(fence)
      }),
    publishToken: (key, sealed, fence, keepUntil, now) =>
      Effect.sync(() => {
        const mine = Option.getOrElse(fence, () => ++fences)
        const held = tokens.get(key)
        const stored = held !== undefined && held.keepUntil > now ? held.fence : 0
        if (claims.get(key)?.fence === mine) claims.delete(key)
        if (mine <= stored) return false
        tokens.set(key, { sealed, fence: mine, keepUntil })
        return true
      }),
    releaseTokenRefresh: (key, fence) =>
      Effect.sync(() => {
        if (claims.get(key)?.fence === fence) claims.delete(key)
      }),
    dropToken: (key, token) =>
      Effect.sync(() => {
        const held = tokens.get(key)
        if (held?.sealed === token.sealed && held.fence === token.fence) tokens.delete(key)
      })
  }
}

/** What the Redis backend lends this group: its client, its fail-closed runner and its keyed hash. */
export interface RedisUpstreamDeps {
  readonly redis: Redis
  readonly run: <A>(command: string, call: () => Promise<A>) => Effect.Effect<A, StateUnavailable>
  readonly hash: (id: string) => string
  readonly prefix: string
}

/**
 * The upstream group in Redis: one script (one round trip) per decision; keys
 * are keyed hashes, values are instants, fences and sealed tokens only.
 */
export const makeRedisUpstreamState = ({ hash, prefix, redis, run }: RedisUpstreamDeps): UpstreamStateShape => {
  const tokenKey = (key: string) => `${prefix}oauth:token:${hash(key)}`
  const slotsKey = (key: string) => upstreamSlotsKey(prefix, hash, key)
  const lockKey = (key: string) => `${prefix}oauth:lock:${hash(key)}`
  const fenceKey = (key: string) => `${prefix}oauth:fence:${hash(key)}`
  // By digest (EVALSHA), the text only after NOSCRIPT: the pace runs once per OPERA request.
  const evalPace = scriptCommand(redis, paceScript)
  const evalClaim = scriptCommand(redis, claimTokenScript)
  const evalPublish = scriptCommand(redis, publishTokenScript)
  const evalDeleteIf = scriptCommand(redis, deleteIfScript)
  return {
    pace: (key, maxPerSecond, maxWaitMs, now) =>
      run("pace", () =>
        evalPace(
          [slotsKey(key)],
          [now, maxPerSecond, maxWaitMs, `${now}-${randomBytes(6).toString("base64url")}`, second]
        )).pipe(Effect.map(Number)),
    sharedToken: (key) =>
      run("sharedToken", () => redis.get(tokenKey(key))).pipe(
        Effect.map((held) => {
          const bar = held === null ? -1 : held.indexOf("|")
          if (held === null || bar < 1) return Option.none<SharedToken>()
          const fence = Number(held.slice(0, bar))
          return Number.isSafeInteger(fence) ? Option.some({ fence, sealed: held.slice(bar + 1) }) : Option.none<SharedToken>()
        })
      ),
    claimTokenRefresh: (key, holdMs) =>
      run("claimTokenRefresh", () => evalClaim([lockKey(key), fenceKey(key)], [Math.max(1, holdMs)]))
        .pipe(Effect.map((fence) => typeof fence === "number" ? Option.some(fence) : Option.none())),
    publishToken: (key, sealed, fence, keepUntil, now) =>
      run("publishToken", () =>
        evalPublish(
          [tokenKey(key), lockKey(key), fenceKey(key)],
          [Option.getOrElse(fence, () => 0), sealed, Math.max(1, keepUntil - now)]
        )).pipe(Effect.map((stored) => stored === 1)),
    releaseTokenRefresh: (key, fence) =>
      run("releaseTokenRefresh", () => evalDeleteIf([lockKey(key)], [fence])).pipe(Effect.asVoid),
    dropToken: (key, token) =>
      run("dropToken", () => evalDeleteIf([tokenKey(key)], [`${token.fence}|${token.sealed}`]))
        .pipe(Effect.asVoid)
  }
}
