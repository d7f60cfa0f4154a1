import * as Reactivity from "@effect/experimental/Reactivity"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { Cause, Clock, Effect, Layer, Option, Schedule } from "effect"
import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { optionalText } from "../../config/settings.js"
import { auditConfig, resolveAuditDbPath } from "../audit/AuditConfig.js"
import { nativeModuleProblem } from "../audit/sqliteFailure.js"
import { SlidingWindow } from "../rateLimit/SlidingWindow.js"
import { inProcessDecisions } from "./inProcessDecisions.js"
import type { Admission, BehaviourAttempt, FailurePolicy, OnceRecord, OnceStep, FailureTally, StoredBlock, StoredLockout } from "./StateStore.js"
import { readsWhenUnavailable, StateStore, StateUnavailable } from "./StateStore.js"
import { makeInProcessUpstreamState } from "./upstreamState.js"

interface Once {
  readonly record: string
  readonly expiresAt: number
  readonly keepUntil: number
  used: boolean
}

/**
 * Where lockouts and blocks are kept across restarts: `OPERA_MCP_STATE_FILE`,
 * else `security-state.db` next to the audit database, else only in memory
 * (an audit log in memory, as in the sandbox).
 */
export const stateFilePath = Effect.gen(function*() {
  const configured = yield* optionalText("OPERA_MCP_STATE_FILE")
  if (Option.isSome(configured)) return configured.value.trim()
  const security = yield* SecurityConfig
  const audit = yield* auditConfig
  return Option.match(resolveAuditDbPath(security.auditDbPath, audit), {
    onNone: () => ":memory:",
    onSome: (path) => path === ":memory:" ? ":memory:" : join(dirname(path), "security-state.db")
  })
})

/**
 * The state store of one server. Windows, failure counters and tokens live in
 * maps owned by this layer and touched only synchronously (so each decision is
 * atomic); lockouts and blocks are also written through to a local SQLite
 * file and read back at start-up, so a restart does not forget a client
 * locked out for an hour. A failing file write is logged and the decision
 * still holds in memory: the control stays in force in this process.
 *
 * Operator commands (`clients block`, `lockouts clear`…) open the same file
 * from another process (`mode` "operator": the file must open and every write
 * must land, or the command fails with `StateUnavailable`). The server sees
 * their changes without a restart: before each decision on lockouts or blocks
 * it reads `PRAGMA data_version` (it changes only when another connection
 * committed) and, when it moved, reloads both tables from the file.
 */
const makeInProcessStateStore = (mode: "server" | "operator") =>
  Effect.gen(function*() {
    const reads = yield* readsWhenUnavailable
    const filename = yield* stateFilePath
    const chosen = mode === "operator" || Option.isSome(yield* optionalText("OPERA_MCP_STATE_FILE"))
    if (mode === "operator" && filename === ":memory:") {
      return yield* new StateUnavailable({
        message: "the security state is kept in memory only (the audit log is in memory), so no other process can " +
          "reach it: set OPERA_MCP_STATE_FILE (or OPERA_SECURITY_AUDIT_DB_PATH) for the server and this command alike"
      })
    }
    let inMemory = filename === ":memory:"
    const open = (file: string) =>
      Effect.gen(function*() {
        if (file !== ":memory:") yield* Effect.try(() => mkdirSync(dirname(file), { recursive: true, mode: 0o700 }))
        const client = yield* SqliteClient.make({ filename: file }).pipe(Effect.provide(Reactivity.layer))
        yield* client`CREATE TABLE IF NOT EXISTS lockouts (client_key TEXT PRIMARY KEY, until INTEGER NOT NULL)`
        yield* client`CREATE TABLE IF NOT EXISTS blocks (client_key TEXT PRIMARY KEY, until INTEGER NOT NULL, incident_id TEXT NOT NULL)`
        return client
      })
    // A file the operator chose must open. The default beside the audit db may not (its directory can be the
    // very thing that is failing): the controls then hold in this process only, and the log says so, rather
    // than the server not starting and the audit log's own fail-closed handling never being reached.
    const sql = yield* open(filename).pipe(
      Effect.catchAllCause((cause) => {
        const problem = Cause.squash(cause)
        // better-sqlite3 built for another Node.js: no file would open, and the CLI says how to fix the install.
        if (nativeModuleProblem(problem, process.version) !== undefined) return Effect.die(problem)
        if (mode === "operator") {
          return Effect.fail(new StateUnavailable({ message: `the security state file ${filename} cannot be opened` }))
        }
        return chosen ? Effect.dieMessage(`OPERA_MCP_STATE_FILE: ${filename} cannot be opened`) : Effect.logWarning(
          "security state: the file beside the audit db cannot be opened; lockouts and blocks are kept in memory only",
          { reason: problem instanceof Error ? problem.message.slice(0, 200) : "unknown" }
        ).pipe(Effect.zipRight(open(":memory:")), Effect.orDie, Effect.tap(() => {
          inMemory = true
        }))
      }),
      Effect.catchIf((error) => !(error instanceof StateUnavailable), Effect.die)
    )

    const windows = new Map<string, SlidingWindow>()
    const failures = new Map<string, SlidingWindow>()
    const lockouts = new Map<string, number>()
    const blocks = new Map<string, StoredBlock>()
    const once = new Map<string, Once>()

    const started = yield* Clock.currentTimeMillis
    const savedLockouts = yield* sql<{ client_key: string; until: number }>`SELECT client_key, until FROM lockouts WHERE until > ${started}`
      .pipe(Effect.orDie)
    for (const row of savedLockouts) lockouts.set(row.client_key, Number(row.until))
    const savedBlocks = yield* sql<{ client_key: string; until: number; incident_id: string }>`SELECT client_key, until, incident_id FROM blocks WHERE until > ${started}`
      .pipe(Effect.orDie)
    for (const row of savedBlocks) {
      blocks.set(row.client_key, { clientId: row.client_key, until: Number(row.until), incidentId: row.incident_id })
    }

    const persist = <A, E>(write: Effect.Effect<A, E>): Effect.Effect<void, StateUnavailable> =>
      mode === "operator"
        ? write.pipe(
          Effect.asVoid,
          Effect.catchAllCause(() =>
            Effect.fail(new StateUnavailable({ message: `the security state file ${filename} cannot be written` }))
          )
        )
        : write.pipe(Effect.asVoid, Effect.catchAllCause((cause) => Effect.logError("security state file write failed", cause)))
    const saveLockout = (key: string, until: number) =>
      persist(sql`INSERT INTO lockouts (client_key, until) VALUES (${key}, ${until})
        ON CONFLICT (client_key) DO UPDATE SET until = excluded.until`)

    const lockoutUntil = (key: string, now: number) => {
      const until = lockouts.get(key)
      return until !== undefined && until > now ? until : undefined
    }

    const take = (key: string, limit: number, windowMs: number, now: number) =>
      Effect.sync(() => {
        let window = windows.get(key)
        if (window === undefined || window.windowMs !== windowMs) {
          window = new SlidingWindow(windowMs, limit)
          windows.set(key, window)
        }
        return window.admit(now, limit)
      })

    const recordFailure = (key: string, policy: FailurePolicy, now: number) =>
      Effect.suspend(() => refresh).pipe(Effect.zipRight(Effect.suspend(() => {
        const locked = lockoutUntil(key, now)
        if (locked !== undefined) return Effect.succeed<FailureTally>({ lockedOut: true, lockoutUntil: locked, newlyLockedOut: false })
        let window = failures.get(key)
        if (window === undefined) {
          window = new SlidingWindow(policy.windowMs, policy.max)
          failures.set(key, window)
        }
        const count = window.record(now)
        if (count < policy.max) return Effect.succeed<FailureTally>({ lockedOut: false, failures: count })
        failures.delete(key)
        const until = now + policy.lockoutMs
        lockouts.set(key, until)
        return saveLockout(key, until).pipe(
          Effect.as<FailureTally>({ lockedOut: true, lockoutUntil: until, newlyLockedOut: true })
        )
      })))

    const lockOut = (key: string, until: number, now: number) =>
      Effect.suspend(() => refresh).pipe(Effect.zipRight(Effect.suspend(() => {
        const longer = Math.max(lockoutUntil(key, now) ?? 0, until)
        lockouts.set(key, longer)
        return saveLockout(key, longer)
      })))

    const sweep = (now: number) => {
      for (const [key, window] of windows) if (window.isIdle(now)) windows.delete(key)
      for (const [key, window] of failures) if (window.isIdle(now)) failures.delete(key)
      for (const [key, until] of lockouts) if (until <= now) lockouts.delete(key)
      for (const [key, block] of blocks) if (block.until <= now) blocks.delete(key)
      for (const [key, entry] of once) if (entry.keepUntil <= now) once.delete(key)
    }
    // Forget what no longer counts, so idle clients cost nothing (and the file stays small).
    yield* Clock.currentTimeMillis.pipe(
      Effect.tap((now) => Effect.sync(() => sweep(now))),
      Effect.tap((now) => persist(sql`DELETE FROM lockouts WHERE until <= ${now}`)),
      Effect.tap((now) => persist(sql`DELETE FROM blocks WHERE until <= ${now}`)),
      Effect.catchAllCause(Effect.logError),
      Effect.repeat(Schedule.spaced("1 minute")),
      Effect.forkScoped
    )

    // ---- One-trip admission, operator commands and their changes seen live (issue 14, part C) ----
    // Every row (the decisions compare `until` with the caller's instant; the sweep removes expired rows).
    const loadSaved = Effect.gen(function*() {
      const savedLockouts = yield* sql<{ client_key: string; until: number }>`SELECT client_key, until FROM lockouts`
      const savedBlocks = yield* sql<{ client_key: string; until: number; incident_id: string }>`SELECT client_key, until, incident_id FROM blocks`
      lockouts.clear()
      for (const row of savedLockouts) lockouts.set(row.client_key, Number(row.until))
      blocks.clear()
      for (const row of savedBlocks) {
        blocks.set(row.client_key, { clientId: row.client_key, until: Number(row.until), incidentId: row.incident_id })
      }
    })
    const readDataVersion = sql<{ data_version: number }>`PRAGMA data_version`.pipe(
      Effect.map((rows) => Number(rows[0]?.data_version ?? 0))
    )
    // Unknown until the first decision reads it: that one reloads, so a commit since the start-up load is not missed.
    let seenVersion = -1
    // Another process (an operator command) committed since we last looked: the file is the truth again.
    // A file that cannot be read leaves the decisions in memory in force (and says so).
    const refresh: Effect.Effect<void> = inMemory ? Effect.void : readDataVersion.pipe(
      Effect.flatMap((version) => {
        if (version === seenVersion) return Effect.void
        return loadSaved.pipe(Effect.tap(() => {
          seenVersion = version
        }))
      }),
      Effect.catchAllCause((cause) => Effect.logError("security state file could not be re-read", cause))
    )
    const afterRefresh = <A, E>(decide: Effect.Effect<A, E>) => Effect.zipRight(refresh, decide)

    const decisions = yield* inProcessDecisions
    // The attempt is appended in the same synchronous step as the decision, like the Redis script does.
    const withAttempt = (admission: Admission, now: number, attempt: BehaviourAttempt | undefined) =>
      admission._tag !== "Admitted" || attempt === undefined
        ? Effect.succeed(admission)
        : decisions.syncBehaviour(attempt.clientId, { attempt: now }, attempt.seen, attempt.limits, now).pipe(
          Effect.map((behaviour): Admission => ({ ...admission, behaviour }))
        )
    const putOnce = (key: string, record: string, expiresAt: number, keepUntil: number) =>
      void once.set(key, { record, expiresAt, keepUntil, used: false })
    const consumeOnce = (key: string, claim: string, now: number) => {
      const entry = once.get(key)
      if (entry === undefined || entry.keepUntil <= now) return Option.none<OnceRecord>()
      const before: OnceRecord = { record: entry.record, expiresAt: entry.expiresAt, used: entry.used }
      if (!entry.used && entry.expiresAt > now && entry.record === claim) entry.used = true
      return Option.some(before)
    }
    // The confirmation token's step, made only for an admitted call and in the same synchronous step.
    const withOnce = (admission: Admission, now: number, step: OnceStep | undefined): Admission => {
      if (admission._tag !== "Admitted" || step === undefined) return admission
      if (step._tag === "Put") {
        putOnce(step.key, step.record, step.expiresAt, step.keepUntil)
        return { ...admission, once: Option.none() }
      }
      return { ...admission, once: consumeOnce(step.key, step.claim, now) }
    }
    const admit = (
      clientKey: string,
      windowKey: string,
      limit: number,
      windowMs: number,
      now: number,
      attempt?: BehaviourAttempt,
      step?: OnceStep
    ) =>
      afterRefresh(Effect.suspend(() => {
        const block = blocks.get(clientKey)
        if (block !== undefined && block.until > now) {
          return Effect.succeed<Admission>({ _tag: "Blocked", until: block.until, incidentId: block.incidentId })
        }
        const locked = lockoutUntil(clientKey, now)
        if (locked !== undefined) return Effect.succeed<Admission>({ _tag: "LockedOut", until: locked })
        if (limit === 0) return Effect.succeed<Admission>({ _tag: "Admitted" })
        return take(windowKey, limit, windowMs, now).pipe(
          Effect.map((retryAfterMs): Admission => retryAfterMs > 0 ? { _tag: "Limited", retryAfterMs } : { _tag: "Admitted" })
        )
      }).pipe(Effect.map((admission) => withOnce(admission, now, step)), Effect.flatMap((admission) => withAttempt(admission, now, attempt))))

    const operatorSection = {
      admit,
      heldLockouts: (now: number) =>
        afterRefresh(Effect.sync(() =>
          [...lockouts].filter(([, until]) => until > now).map(([clientId, until]) => ({ clientId, until, ref: clientId }))
            .sort((a, b) => a.clientId.localeCompare(b.clientId))
        )),
      releaseLockout: (ref: string) =>
        afterRefresh(Effect.suspend(() => {
          const held = lockouts.has(ref)
          lockouts.delete(ref)
          failures.delete(ref)
          return persist(sql`DELETE FROM lockouts WHERE client_key = ${ref}`).pipe(Effect.as(held))
        }))
    } as const

    return StateStore.of({
      kind: "in-process",
      take,
      recordFailure,
      lockoutOf: (key, now) => afterRefresh(Effect.sync(() => Option.fromNullable(lockoutUntil(key, now)))),
      lockOut,
      clearLockout: (key) =>
        Effect.suspend(() => {
          lockouts.delete(key)
          failures.delete(key)
          return persist(sql`DELETE FROM lockouts WHERE client_key = ${key}`)
        }),
      lockouts: (now) =>
        afterRefresh(Effect.sync((): ReadonlyArray<StoredLockout> =>
          [...lockouts].filter(([, until]) => until > now).map(([clientId, until]) => ({ clientId, until }))
            .sort((a, b) => a.clientId.localeCompare(b.clientId))
        )),
      setBlock: (key, block) =>
        Effect.suspend(() => {
          blocks.set(key, block)
          return persist(sql`INSERT INTO blocks (client_key, until, incident_id) VALUES (${key}, ${block.until}, ${block.incidentId})
            ON CONFLICT (client_key) DO UPDATE SET until = excluded.until, incident_id = excluded.incident_id`)
        }),
      blockOf: (key, now) =>
        afterRefresh(Effect.sync(() => Option.filter(Option.fromNullable(blocks.get(key)), (block) => block.until > now))),
      clearBlock: (key) =>
        Effect.suspend(() => {
          blocks.delete(key)
          return persist(sql`DELETE FROM blocks WHERE client_key = ${key}`)
        }),
      blocks: (now) =>
        afterRefresh(Effect.sync(() =>
          [...blocks.values()].filter((block) => block.until > now).sort((a, b) => a.clientId.localeCompare(b.clientId))
        )),
      putOnce: (key, record, expiresAt, keepUntil) => Effect.sync(() => putOnce(key, record, expiresAt, keepUntil)),
      consumeOnce: (key, claim, now) => Effect.sync(() => consumeOnce(key, claim, now)),
      status: Effect.succeed({ kind: "in-process", available: true, readsWhenUnavailable: reads }),
      // Threat profiles, key revocations, round nonces (issue 14, part A).
      ...decisions,
      ...operatorSection,

      // ── Upstream: the OPERA throttle and the shared OAuth token ──
      upstream: makeInProcessUpstreamState()
    })
  })

// The server never fails with StateUnavailable here (only an operator's open does).
export const InProcessStateStore = Layer.scoped(
  StateStore,
  makeInProcessStateStore("server").pipe(Effect.catchIf((error) => error instanceof StateUnavailable, Effect.die))
)

/** The store as an operator command opens it, beside a running server (see `makeInProcessStateStore`). */
export const InProcessStateStoreForOperators = Layer.scoped(StateStore, makeInProcessStateStore("operator"))

/** The in-process store with its settings, as the services' default dependency (one instance per Layer build). */
export const InProcessStateStoreDefault = InProcessStateStore.pipe(Layer.provide(SecurityConfig.Default))
