import { Config, Duration, Effect, Layer, Option, Redacted, Ref, Schema } from "effect"
import { createHmac, randomBytes } from "node:crypto"
import { isIP } from "node:net"
import { optionalSecret, optionalText, wholeNumber } from "../../config/settings.js"
import { redisBehaviour, redisDecisions } from "./redisDecisions.js"
import { admitScript, scriptCommand, consumeScript, failureScript, lockOutScript, takeScript } from "./redisScripts.js"
import type {
  Admission,
  BehaviourAttempt,
  FailureTally,
  HeldLockout,
  OnceRecord,
  OnceStep,
  PaceStep,
  StoredBlock,
  StoredLockout
} from "./StateStore.js"
import { readsWhenUnavailable, StateStore, StateUnavailable } from "./StateStore.js"
import { makeLabelSeal } from "./sealedLabels.js"
import { admissionSlotSlackMs, makeRedisUpstreamState, slotWindowMs, upstreamSlotsKey } from "./upstreamState.js"

export class StateStoreMisconfigured extends Schema.TaggedError<StateStoreMisconfigured>()("StateStoreMisconfigured", {
  setting: Schema.String,
  message: Schema.String
}) {}

/**
 * `OPERA_MCP_STATE_URL` (redis:// or rediss://, secret: it may carry a
 * password), `OPERA_MCP_STATE_USERNAME` / `OPERA_MCP_STATE_PASSWORD` (the ACL
 * user), `OPERA_MCP_STATE_KEY` (the key of the hashes that stand for client
 * ids in Redis, the same on every replica) and `OPERA_MCP_STATE_TIMEOUT_MS`.
 */
export const redisStateConfig = Config.all({
  url: optionalSecret("OPERA_MCP_STATE_URL"),
  username: optionalText("OPERA_MCP_STATE_USERNAME"),
  password: optionalSecret("OPERA_MCP_STATE_PASSWORD"),
  hashKey: optionalSecret("OPERA_MCP_STATE_KEY"),
  timeoutMs: wholeNumber("OPERA_MCP_STATE_TIMEOUT_MS", { min: 50, max: 30_000 }).pipe(Config.withDefault(1000))
})

const prefix = "opera-mcp:"

const problems = {
  credentials: "Redis refused the credentials: check OPERA_MCP_STATE_USERNAME and OPERA_MCP_STATE_PASSWORD " +
    "(or the user and password in OPERA_MCP_STATE_URL) against the ACL user",
  permissions: "the Redis ACL user may not run a command or reach a key the store needs (keys opera-mcp:*; " +
    "see the README for the commands)",
  tls: "the TLS connection to Redis failed: its certificate is not trusted or not for this host " +
    "(a private CA goes in NODE_EXTRA_CA_CERTS)",
  silent: "Redis does not answer (down, unreachable, or slower than OPERA_MCP_STATE_TIMEOUT_MS)"
} as const

/** Why an ioredis error says Redis cannot be used, as one of `problems` (never the error's own text). */
const problemOf = (error: unknown): string | undefined => {
  const message = error instanceof Error ? error.message : ""
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : ""
  if (/^(WRONGPASS|NOAUTH)|invalid (username-)?password/i.test(message)) return problems.credentials
  if (/^NOPERM/.test(message)) return problems.permissions
  if (code.startsWith("ERR_TLS") || /certificate|self[- ]signed|SSL routines|\bTLS\b/i.test(`${code} ${message}`)) return problems.tls
  return undefined
}

/** Node refuses a TLS server name that is an IP address (RFC 6066): the certificate is checked against the IP. */
const tlsOptionsFor = (url: URL) =>
  url.protocol !== "rediss:" ? {} : {
    tls: { ...(isIP(url.hostname.replace(/^\[|\]$/g, "")) === 0 ? { servername: url.hostname } : {}), minVersion: "TLSv1.2" as const }
  }

const parseUrl = (url: Redacted.Redacted<string>) =>
  Effect.try({
    try: () => new URL(Redacted.value(url)),
    catch: () =>
      new StateStoreMisconfigured({ setting: "OPERA_MCP_STATE_URL", message: "OPERA_MCP_STATE_URL is not a URL" })
  }).pipe(
    Effect.filterOrFail(
      (parsed) => parsed.protocol === "redis:" || parsed.protocol === "rediss:",
      () =>
        new StateStoreMisconfigured({
          setting: "OPERA_MCP_STATE_URL",
          message: "OPERA_MCP_STATE_URL must start with redis:// or rediss:// (TLS)"
        })
    )
  )

/**
 * The shared state store in Redis. Each decision is one Lua script (atomic
 * across replicas); every command has a timeout and nothing is queued while
 * Redis is away (`enableOfflineQueue: false`), so a call never hangs: it is
 * refused with `StateUnavailable`, and the store answers again by itself once
 * ioredis has reconnected. Client ids appear in Redis only as keyed hashes;
 * lockout and block entries carry a label for the health check (the client's
 * name, or the hash for source addresses), sealed (`sealedLabels.ts`).
 */
export const RedisStateStore = Layer.scoped(
  StateStore,
  Effect.gen(function*() {
    const settings = yield* redisStateConfig
    const reads = yield* readsWhenUnavailable
    if (Option.isNone(settings.url)) {
      return yield* new StateStoreMisconfigured({ setting: "OPERA_MCP_STATE_URL", message: "OPERA_MCP_STATE_URL is not set" })
    }
    if (Option.isNone(settings.hashKey)) {
      return yield* new StateStoreMisconfigured({
        setting: "OPERA_MCP_STATE_KEY",
        message: "OPERA_MCP_STATE_KEY is not set: with OPERA_MCP_STATE_URL every replica needs the same key " +
          "(at least 32 random bytes, e.g. from `opera-cloud-mcp keys generate`) to hash client ids in Redis"
      })
    }
    const url = yield* parseUrl(settings.url.value)
    const hashKey = Buffer.from(Redacted.value(settings.hashKey.value), "utf8")
    const password = Option.match(settings.password, {
      onNone: () => url.password === "" ? undefined : decodeURIComponent(url.password),
      onSome: Redacted.value
    })
    const username = Option.getOrElse(settings.username, () => decodeURIComponent(url.username))
    const database = Number(url.pathname.replace(/^\//, "") || "0")

    // ioredis (with its command table) is loaded only here: a server on the in-process store never holds it.
    // ioredis is CommonJS: bundled, its dynamic import has only a default export (the Redis class itself).
    const loaded = yield* Effect.promise(() => import("ioredis"))
    const Redis = loaded.Redis ?? loaded.default
    const redis = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new Redis({
          host: url.hostname,
          port: url.port === "" ? 6379 : Number(url.port),
          db: Number.isInteger(database) ? database : 0,
          ...(username !== "" ? { username } : {}),
          ...(password !== undefined ? { password } : {}),
          ...tlsOptionsFor(url),
          commandTimeout: settings.timeoutMs,
          connectTimeout: settings.timeoutMs * 2,
          enableOfflineQueue: false,
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          // Keep reconnecting (at most every 2 s) so the store heals by itself when Redis returns.
          retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000)
        })
      ),
      (client) => Effect.promise(() => client.quit().catch(() => client.disconnect()))
    )
    // Connection errors are reported once per outage through `run`; the client's own events stay quiet but say
    // why, when the reason is one an operator can fix (credentials, ACL, TLS), for the log and the health check.
    let clientProblem: string | undefined
    redis.on("error", (error: unknown) => {
      clientProblem = problemOf(error) ?? clientProblem
    })
    redis.on("ready", () => {
      clientProblem = undefined
    })
    const problemNow = (cause?: unknown) => problemOf(cause) ?? clientProblem ?? problems.silent
    // Start even when Redis is away (every call is refused until it answers; ioredis keeps reconnecting).
    const connected = yield* Effect.tryPromise(() => redis.connect()).pipe(
      Effect.timeout(Duration.millis(settings.timeoutMs * 2)),
      Effect.as(true),
      Effect.catchAll((cause) =>
        Effect.logError("the shared security state (Redis) is unreachable at start-up: calls are refused").pipe(
          Effect.annotateLogs({ problem: problemNow(cause) }),
          Effect.as(false)
        )
      )
    )
    const available = yield* Ref.make(connected)

    const hash = (id: string) => createHmac("sha256", hashKey).update(id, "utf8").digest("base64url").slice(0, 32)
    const lockoutsKey = `${prefix}lockouts`
    const blocksKey = `${prefix}blocks`
    const labels = makeLabelSeal(hashKey)
    const labelOf = (place: string, id: string) =>
      labels.seal(place, hash(id), id.startsWith("source:") ? `source:${hash(id).slice(0, 16)}` : id)

    // Every command's timeout is the client's own (`commandTimeout`: ioredis rejects a command unanswered after
    // OPERA_MCP_STATE_TIMEOUT_MS, and with no offline queue one that cannot be sent at once), so no timer fiber
    // races each command here: `Effect.timeout` forked two fibers per round trip, on every tool call's path.
    const guarded = <A>(command: string, reply: Effect.Effect<A, unknown>): Effect.Effect<A, StateUnavailable> =>
      reply.pipe(
        Effect.tapBoth({
          onSuccess: () => Ref.set(available, true),
          onFailure: (cause) =>
            Ref.getAndSet(available, false).pipe(
              Effect.flatMap((was) =>
                was
                  ? Effect.logError("the shared security state (Redis) is unreachable: calls are refused").pipe(
                    Effect.annotateLogs({
                      command,
                      problem: problemNow(cause),
                      reason: cause instanceof Error ? cause.message.slice(0, 200) : "unknown"
                    })
                  )
                  : Effect.void
              )
            )
        }),
        Effect.mapError(() => StateUnavailable.refused)
      )
    const run = <A>(command: string, call: () => Promise<A>): Effect.Effect<A, StateUnavailable> =>
      guarded(command, Effect.tryPromise({ try: call, catch: (cause) => cause }))
    // The command is written to the connection when the outer Effect runs; its reply is awaited by the inner one.
    // A handler is attached at once, so a reply that fails before anyone awaits it is not an unhandled rejection.
    const send = <A>(command: string, call: () => Promise<A>): Effect.Effect<Effect.Effect<A, StateUnavailable>> =>
      Effect.try({ try: call, catch: (cause) => cause }).pipe(
        Effect.map((pending) => {
          pending.catch(() => undefined)
          return guarded(command, Effect.tryPromise({ try: () => pending, catch: (cause) => cause }))
        }),
        Effect.catchAll((cause) => Effect.succeed(guarded(command, Effect.fail(cause))))
      )

    const member = (now: number) => `${now}-${randomBytes(6).toString("base64url")}`
    const untilOf = (held: string) => Number(held.slice(0, held.indexOf("|")))

    const lockouts = (now: number) =>
      run("lockouts", () => redis.hgetall(lockoutsKey)).pipe(
        Effect.map((all): ReadonlyArray<StoredLockout> =>
          Object.entries(all).filter(([, held]) => untilOf(held) > now)
            .map(([field, held]) => ({
              clientId: labels.open(lockoutsKey, field, held.slice(held.indexOf("|") + 1)),
              until: untilOf(held)
            }))
            .sort((a, b) => a.clientId.localeCompare(b.clientId))
        )
      )

    const decodeBlock = (field: string, held: string): StoredBlock | undefined => {
      const [until, incidentId, ...label] = held.split("|")
      return until === undefined || incidentId === undefined
        ? undefined
        : { until: Number(until), incidentId, clientId: labels.open(blocksKey, field, label.join("|")) }
    }

    const onceKeyOf = (key: string) => `${prefix}once:${hash(key)}`
    // A single-use record as Redis holds it ("expiresAt|used|record"); anything else (nil, '') is none.
    const onceRecordOf = (held: unknown): Option.Option<OnceRecord> => {
      if (typeof held !== "string" || held === "") return Option.none()
      const bar = held.indexOf("|")
      return Option.some({ expiresAt: Number(held.slice(0, bar)), used: held.slice(bar + 1, bar + 2) === "1", record: held.slice(bar + 3) })
    }

    // ---- One-trip admission and operator commands (issue 14, part C) ----
    // EVALSHA sends the script's digest, not its text (`scriptCommand`).
    const evalAdmit = scriptCommand(redis, admitScript)
    const behaviour = redisBehaviour({ hash, prefix })
    const admissionOf = (
      reply: unknown,
      step: OnceStep | undefined,
      pace: PaceStep | undefined,
      now: number,
      slotId: string
    ): Effect.Effect<Admission> => {
      const [verdict, value, incidentId] = Array.isArray(reply) ? reply as [unknown, unknown, unknown] : [0, 0, ""]
      switch (Number(verdict)) {
        case 1:
          return Effect.succeed({ _tag: "Blocked", until: Number(value), incidentId: String(incidentId) })
        case 2:
          return Effect.succeed({ _tag: "LockedOut", until: Number(value) })
        case 3:
          return Effect.succeed({ _tag: "Limited", retryAfterMs: Number(value) })
        default: {
          // Admitted: what the token's step found, the wait until the throttle's slot (-1: none reserved), then
          // (with the attempt folded in) the behaviour script's reply.
          const once = step === undefined ? {} : { once: onceRecordOf(value) }
          const slotWait = Array.isArray(reply) ? Number(reply[2]) : -1
          const slot = pace !== undefined && Number.isFinite(slotWait) && slotWait >= 0
            ? { slot: { key: pace.key, at: now + slotWait, member: slotId } }
            : {}
          return Array.isArray(reply) && reply.length > 3
            ? behaviour.deltaOf(reply.slice(3)).pipe(
              Effect.map((delta): Admission => ({ _tag: "Admitted", behaviour: delta, ...once, ...slot }))
            )
            : Effect.succeed({ _tag: "Admitted", ...once, ...slot })
        }
      }
    }
    const onceArgs = (step: OnceStep | undefined, now: number): ReadonlyArray<string | number> =>
      step === undefined
        ? ["", "", ""]
        : step._tag === "Put"
        ? ["put", `${step.expiresAt}|0|${step.record}`, Math.max(1, step.keepUntil - now)]
        : ["consume", step.claim, ""]
    const evalTake = scriptCommand(redis, takeScript)
    const evalFailure = scriptCommand(redis, failureScript)
    const evalLockOut = scriptCommand(redis, lockOutScript)
    const evalConsume = scriptCommand(redis, consumeScript)
    const operatorSection = {
      admit: (
        clientKey: string,
        windowKey: string,
        limit: number,
        windowMs: number,
        now: number,
        attempt?: BehaviourAttempt,
        step?: OnceStep,
        pace?: PaceStep
      ) => {
        // One id for the call in the window and for its throttle slot (each in a set of its own).
        const callId = member(now)
        return run("admit", () =>
          evalAdmit(
            [
              `${prefix}rl:${hash(windowKey)}`,
              lockoutsKey,
              blocksKey,
              ...(attempt === undefined ? [] : behaviour.keysOf(attempt.clientId)),
              ...(step === undefined ? [] : [onceKeyOf(step.key)]),
              ...(pace === undefined ? [] : [upstreamSlotsKey(prefix, hash, pace.key)])
            ],
            [
              now,
              windowMs,
              limit,
              callId,
              hash(clientKey),
              ...onceArgs(step, now),
              pace === undefined ? "" : `${pace.maxPerSecond}|${pace.maxWaitMs}|${slotWindowMs}|${admissionSlotSlackMs}`,
              ...(attempt === undefined ? [] : behaviour.argsOf({ attempt: now }, attempt.seen, attempt.limits, now))
            ]
          )).pipe(Effect.flatMap((reply) => admissionOf(reply, step, pace, now, callId)))
      },
      heldLockouts: (now: number) =>
        run("heldLockouts", () => redis.hgetall(lockoutsKey)).pipe(
          Effect.map((all): ReadonlyArray<HeldLockout> =>
            Object.entries(all).filter(([, held]) => untilOf(held) > now)
              .map(([ref, held]) => ({ clientId: labels.open(lockoutsKey, ref, held.slice(held.indexOf("|") + 1)), until: untilOf(held), ref }))
              .sort((a, b) => a.clientId.localeCompare(b.clientId))
          )
        ),
      releaseLockout: (ref: string) =>
        run("releaseLockout", () => redis.multi().hdel(lockoutsKey, ref).del(`${prefix}fail:${ref}`).exec()).pipe(
          Effect.map((replies) => Number(replies?.[0]?.[1] ?? 0) > 0)
        )
    } as const

    return StateStore.of({
      kind: "redis",
      take: (key, limit, windowMs, now) =>
        run("take", () => evalTake([`${prefix}rl:${hash(key)}`], [now, windowMs, limit, member(now)]))
          .pipe(Effect.map(Number)),
      recordFailure: (key, policy, now) =>
        run("recordFailure", () =>
          evalFailure(
            [`${prefix}fail:${hash(key)}`, lockoutsKey],
            [now, policy.windowMs, policy.max, policy.lockoutMs, member(now), hash(key), labelOf(lockoutsKey, key)]
          )).pipe(Effect.map((reply): FailureTally => {
            const [locked, value, fresh] = reply as [number, number, number]
            return locked === 1
              ? { lockedOut: true, lockoutUntil: Number(value), newlyLockedOut: fresh === 1 }
              : { lockedOut: false, failures: Number(value) }
          })),
      lockoutOf: (key, now) =>
        run("lockoutOf", () => redis.hget(lockoutsKey, hash(key))).pipe(
          Effect.map((held) => Option.filter(Option.map(Option.fromNullable(held), untilOf), (until) => until > now))
        ),
      lockOut: (key, until) =>
        run("lockOut", () => evalLockOut([lockoutsKey], [hash(key), until, labelOf(lockoutsKey, key)])).pipe(Effect.asVoid),
      clearLockout: (key) =>
        run("clearLockout", () => redis.multi().hdel(lockoutsKey, hash(key)).del(`${prefix}fail:${hash(key)}`).exec())
          .pipe(Effect.asVoid),
      lockouts,
      setBlock: (key, block) =>
        run("setBlock", () => redis.hset(blocksKey, hash(key), `${block.until}|${block.incidentId}|${labelOf(blocksKey, key)}`))
          .pipe(Effect.asVoid),
      blockOf: (key, now) =>
        run("blockOf", () => redis.hget(blocksKey, hash(key))).pipe(
          Effect.map((held) =>
            Option.filter(Option.fromNullable(held === null ? undefined : decodeBlock(hash(key), held)), (block) => block.until > now)
          )
        ),
      clearBlock: (key) => run("clearBlock", () => redis.hdel(blocksKey, hash(key))).pipe(Effect.asVoid),
      blocks: (now) =>
        run("blocks", () => redis.hgetall(blocksKey)).pipe(
          Effect.map((all) =>
            Object.entries(all).map(([field, held]) => decodeBlock(field, held)).filter((block): block is StoredBlock =>
              block !== undefined && block.until > now
            ).sort((a, b) => a.clientId.localeCompare(b.clientId))
          )
        ),
      putOnce: (key, record, expiresAt, keepUntil, now) =>
        run("putOnce", () => redis.set(onceKeyOf(key), `${expiresAt}|0|${record}`, "PX", Math.max(1, keepUntil - now)))
          .pipe(Effect.asVoid),
      consumeOnce: (key, claim, now) =>
        run("consumeOnce", () => evalConsume([onceKeyOf(key)], [claim, now])).pipe(Effect.map(onceRecordOf)),
      status: run("ping", () => redis.ping()).pipe(
        Effect.match({
          onFailure: () => ({ kind: "redis" as const, available: false, readsWhenUnavailable: reads, problem: problemNow() }),
          onSuccess: () => ({ kind: "redis" as const, available: true, readsWhenUnavailable: reads })
        })
      ),
      // Threat profiles, key revocations, round nonces (issue 14, part A).
      ...redisDecisions({ redis, run, send, hash, hashKey, prefix }),
      ...operatorSection,

      // ── Upstream: the OPERA throttle and the shared OAuth token ──
      upstream: makeRedisUpstreamState({ redis, run, hash, prefix })
    })
  })
)

/** Whether `OPERA_MCP_STATE_URL` asks for Redis (all its settings are read and checked here, at start-up). */
export const stateUrlIsSet = redisStateConfig.pipe(Effect.map((settings) => Option.isSome(settings.url)))
