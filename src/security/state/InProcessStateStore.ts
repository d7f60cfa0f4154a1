import * as Reactivity from "@effect/experimental/Reactivity"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { Cause, Clock, Effect, Layer, Option, Schedule } from "effect"
import { mkdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { optionalText } from "../../config/settings.js"
import { auditConfig, resolveAuditDbPath } from "../audit/AuditConfig.js"
import { SlidingWindow } from "../rateLimit/SlidingWindow.js"
import type { FailurePolicy, OnceRecord, FailureTally, StoredBlock, StoredLockout } from "./StateStore.js"
import { readsWhenUnavailable, StateStore } from "./StateStore.js"
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
 */
export const InProcessStateStore = Layer.scoped(
  StateStore,
  Effect.gen(function*() {
    const reads = yield* readsWhenUnavailable
    const filename = yield* stateFilePath
    const chosen = Option.isSome(yield* optionalText("OPERA_MCP_STATE_FILE"))
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
        return chosen ? Effect.dieMessage(`OPERA_MCP_STATE_FILE: ${filename} cannot be opened`) : Effect.logWarning(
          "security state: the file beside the audit db cannot be opened; lockouts and blocks are kept in memory only",
          { reason: problem instanceof Error ? problem.message.slice(0, 200) : "unknown" }
        ).pipe(Effect.zipRight(open(":memory:")))
      }),
      Effect.orDie
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

    const persist = <A, E>(write: Effect.Effect<A, E>) =>
      write.pipe(Effect.asVoid, Effect.catchAllCause((cause) => Effect.logError("security state file write failed", cause)))
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
      Effect.suspend(() => {
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
      })

    const lockOut = (key: string, until: number, now: number) =>
      Effect.suspend(() => {
        const longer = Math.max(lockoutUntil(key, now) ?? 0, until)
        lockouts.set(key, longer)
        return saveLockout(key, longer)
      })

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

    return StateStore.of({
      kind: "in-process",
      take,
      recordFailure,
      lockoutOf: (key, now) => Effect.sync(() => Option.fromNullable(lockoutUntil(key, now))),
      lockOut,
      clearLockout: (key) =>
        Effect.suspend(() => {
          lockouts.delete(key)
          failures.delete(key)
          return persist(sql`DELETE FROM lockouts WHERE client_key = ${key}`)
        }),
      lockouts: (now) =>
        Effect.sync((): ReadonlyArray<StoredLockout> =>
          [...lockouts].filter(([, until]) => until > now).map(([clientId, until]) => ({ clientId, until }))
            .sort((a, b) => a.clientId.localeCompare(b.clientId))
        ),
      setBlock: (key, block) =>
        Effect.suspend(() => {
          blocks.set(key, block)
          return persist(sql`INSERT INTO blocks (client_key, until, incident_id) VALUES (${key}, ${block.until}, ${block.incidentId})
            ON CONFLICT (client_key) DO UPDATE SET until = excluded.until, incident_id = excluded.incident_id`)
        }),
      blockOf: (key, now) => Effect.sync(() => Option.filter(Option.fromNullable(blocks.get(key)), (block) => block.until > now)),
      clearBlock: (key) =>
        Effect.suspend(() => {
          blocks.delete(key)
          return persist(sql`DELETE FROM blocks WHERE client_key = ${key}`)
        }),
      blocks: (now) =>
        Effect.sync(() =>
          [...blocks.values()].filter((block) => block.until > now).sort((a, b) => a.clientId.localeCompare(b.clientId))
        ),
      putOnce: (key, record, expiresAt, keepUntil) =>
        Effect.sync(() => void once.set(key, { record, expiresAt, keepUntil, used: false })),
      consumeOnce: (key, claim, now) =>
        Effect.sync(() => {
          const entry = once.get(key)
          if (entry === undefined || entry.keepUntil <= now) return Option.none<OnceRecord>()
          const before: OnceRecord = { record: entry.record, expiresAt: entry.expiresAt, used: entry.used }
          if (!entry.used && entry.expiresAt > now && entry.record === claim) entry.used = true
          return Option.some(before)
        }),
      status: Effect.succeed({ kind: "in-process", available: true, readsWhenUnavailable: reads }),

      // ── Upstream: the OPERA throttle and the shared OAuth token ──
      upstream: makeInProcessUpstreamState()
    })
  })
)

/** The in-process store with its settings, as the services' default dependency (one instance per Layer build). */
export const InProcessStateStoreDefault = InProcessStateStore.pipe(Layer.provide(SecurityConfig.Default))
