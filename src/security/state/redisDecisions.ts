import { Effect, Either, Schema } from "effect"
import type { Redis } from "ioredis"
import { hkdfSync, randomBytes } from "node:crypto"
import { keyedHashHex } from "../../crypto/mac.js"
import { behaviourScript, scriptCommand } from "./redisScripts.js"
import { upstreamSlotsKey } from "./upstreamState.js"
import type {
  BehaviourAppend,
  BehaviourCursor,
  BehaviourDelta,
  BehaviourLimits,
  StateStoreShape,
  StateUnavailable,
  StoredCall
} from "./StateStore.js"

type Decisions = Pick<StateStoreShape, "syncBehaviour" | "sendBehaviour" | "behaviourDigest" | "revokeKey" | "revokedKeys" | "claimOnce">

/** What the Redis store lends this group: its client, its guarded `run`, its id hash and key prefix. */
export interface RedisParts {
  readonly redis: Redis
  readonly run: <A>(command: string, call: () => Promise<A>) => Effect.Effect<A, StateUnavailable>
  /** `run`, split: the outer Effect sends the command, the inner one waits for its reply. */
  readonly send: <A>(command: string, call: () => Promise<A>) => Effect.Effect<Effect.Effect<A, StateUnavailable>>
  readonly hash: (id: string) => string
  readonly hashKey: Buffer
  readonly prefix: string
}

const exact = { exact: true } as const
const Lookup = Schema.Struct({ key: Schema.String, bucket: Schema.String, known: Schema.Boolean })
const ReservationFacts = Schema.Struct({
  arrival: Schema.optionalWith(Schema.String, exact),
  departure: Schema.optionalWith(Schema.String, exact),
  guestNameHash: Schema.optionalWith(Schema.String, exact),
  rateAmount: Schema.optionalWith(Schema.Number, exact),
  ratePlanAmount: Schema.optionalWith(Schema.Number, exact)
})
/** A behaviour entry as Redis holds it (JSON after "at|"), decoded at the boundary like any Redis value. */
export const StoredCallSchema = Schema.Struct({
  at: Schema.Number,
  tool: Schema.String,
  writes: Schema.Boolean,
  destructive: Schema.Boolean,
  touchesGuestData: Schema.Boolean,
  success: Schema.Boolean,
  errorTag: Schema.optionalWith(Schema.String, exact),
  failure: Schema.optionalWith(Schema.Literal("refused", "rejected", "not_found", "outage"), exact),
  guests: Schema.Array(Schema.String),
  exposure: Schema.optionalWith(Schema.Literal("profile", "record", "list", "none"), exact),
  lookups: Schema.optionalWith(Schema.Array(Lookup), exact),
  returned: Schema.optionalWith(Schema.Array(Schema.String), exact),
  inBlock: Schema.optionalWith(Schema.Boolean, exact),
  reservation: Schema.optionalWith(ReservationFacts, exact)
})
const decodeCall = Schema.decodeUnknownEither(Schema.parseJson(StoredCallSchema))
const Reply = Schema.Tuple(
  Schema.String,
  Schema.Number,
  Schema.Number,
  Schema.Number,
  Schema.Literal(0, 1),
  Schema.Array(Schema.String),
  Schema.Array(Schema.String)
)
const decodeReply = Schema.decodeUnknownEither(Reply)

/**
 * A client's shared behaviour in Redis, as `behaviourScript` (and the admission
 * script, which folds an attempt into a call's admission) reads and writes it:
 * its three keys, the script's arguments, and the reply decoded at the boundary.
 */
export const redisBehaviour = ({ hash, prefix }: Pick<RedisParts, "hash" | "prefix">) => {
  const keysOf = (clientId: string) => {
    // One hash tag, so the three keys of a client sit on one cluster slot.
    const tag = `${prefix}threat:{${hash(clientId)}}`
    return [`${tag}:meta`, `${tag}:attempts`, `${tag}:calls`] as const
  }
  const argsOf = (append: BehaviourAppend, seen: BehaviourCursor, limits: BehaviourLimits, now: number) => [
    now,
    limits.horizonMs,
    limits.capacity,
    seen.generation,
    seen.attempts,
    seen.calls,
    randomBytes(9).toString("base64url"),
    append.attempt === undefined ? "" : String(append.attempt),
    append.call === undefined ? "" : `${append.call.at}|${JSON.stringify(append.call)}`,
    append.raisedUntil === undefined ? "" : String(append.raisedUntil)
  ] as const
  return {
    keysOf,
    argsOf,
    /** `behaviourScript`'s keys and arguments for an append: the client's three keys, then a slot given back, if any. */
    commandOf: (clientId: string, append: BehaviourAppend, seen: BehaviourCursor, limits: BehaviourLimits, now: number) => {
      const keys: Array<string> = [...keysOf(clientId)]
      const args: Array<string | number> = [...argsOf(append, seen, limits, now)]
      if (append.releaseSlot !== undefined) {
        keys.push(upstreamSlotsKey(prefix, hash, append.releaseSlot.key))
        args.push(append.releaseSlot.member)
      }
      return [keys, args] as const
    },
    deltaOf: (raw: unknown): Effect.Effect<BehaviourDelta> => {
      const reply = decodeReply(raw)
      if (Either.isLeft(reply)) return Effect.dieMessage("the shared security state answered a behaviour sync in an unknown shape")
      const [generation, attempts, calls, raisedUntil, reset, unseenAttempts, unseenCalls] = reply.right
      const decoded: Array<StoredCall> = []
      let unreadable = 0
      for (const entry of unseenCalls) {
        const call = decodeCall(entry.slice(entry.indexOf("|") + 1))
        if (Either.isRight(call)) decoded.push(call.right)
        else unreadable++
      }
      const delta: BehaviourDelta = {
        cursor: { generation, attempts, calls },
        reset: reset === 1,
        attempts: unseenAttempts.map(Number).filter(Number.isFinite),
        calls: decoded,
        raisedUntil
      }
      return unreadable === 0 ? Effect.succeed(delta) : Effect.logError(
        "shared security state: behaviour entries in Redis could not be read and were skipped; check who writes to it"
      ).pipe(Effect.annotateLogs({ unreadable }), Effect.as(delta))
    }
  }
}

/**
 * Threat profiles, key revocations and round nonces in Redis. A client's
 * behaviour is two lists (attempts, completed calls) and a counter hash under
 * the keyed hash of its id; one Lua script appends and returns what the
 * replica has not seen, so an outcome costs one round trip. Entries hold only
 * keyed hashes (HMAC under a key derived from `OPERA_MCP_STATE_KEY`), flags and
 * counts. Revocations are a hash of keyed hashes of key ids; round nonces are
 * `SET NX PX` keys.
 */
export const redisDecisions = (parts: RedisParts): Decisions => {
  const { hash, hashKey, prefix, redis, run, send } = parts
  // A key of its own for behaviour digests, so a guest id's digest is never a client id's hash.
  const digestKey = Buffer.from(hkdfSync("sha256", hashKey, "", "opera-mcp behaviour digests", 32))
  const revokedKey = `${prefix}revoked-keys`
  const evalBehaviour = scriptCommand(redis, behaviourScript)
  const behaviour = redisBehaviour(parts)

  const syncBehaviour: Decisions["syncBehaviour"] = (clientId, append, seen, limits, now) =>
    run("syncBehaviour", () => evalBehaviour(...behaviour.commandOf(clientId, append, seen, limits, now))).pipe(
      Effect.flatMap(behaviour.deltaOf)
    )

  return {
    syncBehaviour,
    sendBehaviour: (clientId, append, seen, limits, now) =>
      Effect.map(
        send("syncBehaviour", () => evalBehaviour(...behaviour.commandOf(clientId, append, seen, limits, now))),
        (reply) => ({ _tag: "Sent", reply: Effect.flatMap(reply, behaviour.deltaOf) }) as const
      ),
    behaviourDigest: (value) => keyedHashHex(digestKey, value),
    revokeKey: (keyId, now) => run("revokeKey", () => redis.hset(revokedKey, hash(`api-key:${keyId}`), now)).pipe(Effect.asVoid),
    revokedKeys: run("revokedKeys", () => redis.hkeys(revokedKey)).pipe(
      Effect.map((fields) => {
        const revoked = new Set(fields)
        return (keyId: string) => revoked.has(hash(`api-key:${keyId}`))
      })
    ),
    claimOnce: (key, keepUntil, now) =>
      run("claimOnce", () => redis.set(`${prefix}claim:${hash(key)}`, "1", "PX", Math.max(1, keepUntil - now), "NX")).pipe(
        Effect.map((reply) => reply === "OK")
      )
  }
}
