import { FileSystem } from "@effect/platform"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Clock, Duration, Effect, Either, ExecutionStrategy, Exit, Layer, Option, ParseResult, Ref, Schedule, Schema, Scope } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { keyedHashHex } from "../crypto/mac.js"
import { resolveAuditKeys } from "./audit/auditKeys.js"
import { AuditConfig, resolveAuditDbPath } from "./audit/AuditConfig.js"
import type { AuditLogShape, CleanupRequest, ExportRequest, ShredRequest, VerifyRequest } from "./audit/AuditLogShape.js"
import { disabledAuditLog } from "./audit/AuditLogShape.js"
import type { AuditConnection } from "./audit/connect.js"
import { connectAuditLog } from "./audit/connect.js"
import { parsePgUrl } from "./audit/pg/pgSettings.js"
import { verifyEveryChain } from "./audit/verifyChains.js"
import { AuditEventInvalid, AuditMisconfigured, AuditUnavailable } from "./audit/errors.js"
import { exportTrail } from "./audit/exportTrail.js"
import type { FeedEntry, FeedPage, FeedPosition } from "./audit/feed.js"
import { readFeed } from "./audit/feed.js"
import type { AuditKind, AuditRecord } from "./audit/model.js"
import { AuditEventInput } from "./audit/model.js"
import { resolveCrashLeftIntents } from "./audit/recoverIntents.js"
import { buildReport } from "./audit/report.js"
import { cleanup } from "./audit/retention.js"
import { openRow, toStoredRow } from "./audit/rows.js"
import { shredExpired } from "./audit/shred.js"
import { personalDataSummary } from "./audit/shredReport.js"
import { verifyAgainstHistory } from "./audit/verifyHistory.js"

type Role = "server" | "maintenance"

type Connection =
  | { readonly _tag: "Open"; readonly open: AuditConnection }
  | { readonly _tag: "Failed"; readonly error: AuditUnavailable; readonly at: number }

// A server whose audit db could not be opened tries again at most this often.
const reopenAfterMs = 30_000
// Every audit event is decoded at the boundary; built once (it runs on every tool call).
const decodeAuditEvent = Schema.decodeUnknownEither(AuditEventInput, { onExcessProperty: "error" })

const unexpected = (path: string) =>
  new AuditUnavailable({ reason: "io", message: `audit log ${path}: unexpected failure while opening` })

/**
 * server: never stops the process for a db problem; it reports `degraded`
 * (append fails with AuditUnavailable, the pipeline fails closed) and reopens
 * later; runs checkpoint and retention fibers. maintenance (CLI): fails at
 * once, never creates a missing log, runs no background work.
 */
const makeAuditLog = (role: Role) =>
  Effect.gen(function*() {
    const security = yield* SecurityConfig
    const audit = yield* AuditConfig
    const fs = yield* FileSystem.FileSystem
    if (!security.enableAuditLogging) return disabledAuditLog(audit.strictMode)

    // OPERA_SECURITY_AUDIT_DB_URL selects PostgreSQL; otherwise the SQLite file.
    const pgUrl = audit.dbUrl
    const path = Option.isSome(pgUrl)
      ? yield* Either.match(parsePgUrl(pgUrl.value), { onLeft: Effect.fail, onRight: (target) => Effect.succeed(target.display) })
      : yield* Option.match(resolveAuditDbPath(security.auditDbPath, audit), {
        onSome: Effect.succeed,
        onNone: () =>
          new AuditMisconfigured({
            setting: "OPERA_SECURITY_AUDIT_DB_PATH",
            message: "OPERA_SECURITY_AUDIT_DB_PATH is not set and neither XDG_DATA_HOME nor HOME is: set the path"
          })
      })
    const keys = yield* resolveAuditKeys({
      encryptionKey: security.auditDbEncryptionKey,
      signingKey: audit.signingKey,
      verifyKey: audit.verifyKey,
      path
    })
    if (keys.ephemeral) {
      yield* Effect.logWarning("audit: no audit key configured; the in-memory audit log uses a per-process key")
    }

    const scope = yield* Effect.scope
    const connectOnce = Effect.gen(function*() {
      const child = yield* Scope.fork(scope, ExecutionStrategy.sequential)
      // The PostgreSQL driver is loaded only when a URL is set (a chunk of its own: SQLite start-up stays as fast).
      const connecting: Effect.Effect<AuditConnection, AuditUnavailable, Scope.Scope> = Option.isSome(pgUrl)
        ? Effect.flatMap(Effect.promise(() => import("./audit/pg/connectPg.js")), ({ connectPgAuditLog }) => connectPgAuditLog({
          url: pgUrl.value,
          caFile: audit.dbCaFile,
          keys,
          fs,
          checkpointEveryRows: audit.checkpointEveryRows,
          checkpointDir: audit.checkpointDir,
          production: audit.production,
          writerId: audit.writerId,
          leaseMs: audit.writerLeaseSeconds * 1000,
          writes: true
        }))
        : connectAuditLog({
          path,
          keys,
          fs,
          createIfMissing: role === "server",
          busyTimeoutMs: audit.busyTimeoutMs,
          fsyncEveryWrite: audit.fsyncEveryWrite,
          checkpointEveryRows: audit.checkpointEveryRows,
          checkpointDir: audit.checkpointDir
        })
      const result = yield* connecting.pipe(
        Effect.catchAllDefect(() => Effect.fail(unexpected(path))),
        Scope.extend(child),
        Effect.either
      )
      // A failed attempt releases whatever it opened (a half-open db) at once.
      if (Either.isLeft(result)) yield* Scope.close(child, Exit.fail(result.left))
      return result
    })

    const first = yield* connectOnce
    if (role === "maintenance" && Either.isLeft(first)) return yield* first.left
    if (Either.isLeft(first)) yield* Effect.logWarning(`audit degraded: ${first.left.message}`)
    const connection = yield* Ref.make<Connection>(
      Either.isRight(first)
        ? { _tag: "Open", open: first.right }
        : { _tag: "Failed", error: first.left, at: yield* Clock.currentTimeMillis }
    )
    const writeFailure = yield* Ref.make(Option.none<AuditUnavailable>())
    // A damaged file does not heal: once SQLITE_CORRUPT is seen (start-up check, append, report,
    // trail), the log stays degraded and takes no rows, since rows chained after damage cannot
    // be verified. The operator moves the file aside and restarts.
    const damage = yield* Ref.make(Option.none<AuditUnavailable>())
    const noteDamage = (error: AuditUnavailable) =>
      error.reason === "corrupt" ? Ref.set(damage, Option.some(error)) : Effect.void
    const reconnecting = yield* Effect.makeSemaphore(1)

    const reconnect = reconnecting.withPermits(1)(Effect.gen(function*() {
      const state = yield* Ref.get(connection)
      if (state._tag === "Open") return state.open
      const now = yield* Clock.currentTimeMillis
      if (role === "maintenance" || now - state.at < reopenAfterMs) return yield* state.error
      const next = yield* connectOnce
      if (Either.isLeft(next)) {
        yield* Ref.set(connection, { _tag: "Failed", error: next.left, at: now })
        return yield* next.left
      }
      yield* Ref.set(connection, { _tag: "Open", open: next.right })
      return next.right
    }))
    const current = Effect.flatMap(Ref.get(connection), (state) =>
      state._tag === "Open" ? Effect.succeed(state.open) : reconnect)

    // Decoded at the boundary: a row of an unknown kind would verify but could not be read back.
    const decodeEvent = (event: unknown) =>
      Either.match(decodeAuditEvent(event), {
        onRight: (decoded) => Effect.succeed(decoded),
        onLeft: (error) =>
          Effect.fail(
            new AuditEventInvalid({
              reason: "invalid_event",
              message: `audit event refused, nothing written: ${
                ParseResult.ArrayFormatter.formatErrorSync(error).slice(0, 3).map((issue) =>
                  `${issue.path.join(".") || "event"}: ${issue.message}`.slice(0, 200)
                ).join("; ")
              }`
            })
          )
      })
    const write = Effect.fnUntraced(function*(event: AuditEventInput) {
      const damaged = yield* Ref.get(damage)
      if (Option.isSome(damaged)) return yield* damaged.value
      const open = yield* current
      const blocked = yield* open.writeBlocked
      if (Option.isSome(blocked)) return yield* blocked.value
      return yield* open.journal.append(event)
    }, Effect.tapBoth({
      onFailure: (error) => Ref.set(writeFailure, Option.some(error)).pipe(Effect.zipRight(noteDamage(error))),
      onSuccess: () => Ref.set(writeFailure, Option.none())
    }))
    const append = (event: AuditEventInput) => Effect.flatMap(decodeEvent(event), write)

    const admin = (actor: string, tool: string, details: string) =>
      write({ kind: "admin", clientId: actor, tool, outcome: "success", sensitive: { details } })

    const status = Effect.gen(function*() {
      const state = yield* Ref.get(connection)
      const pendingFailure = yield* Ref.get(writeFailure)
      const knownDamage = yield* Ref.get(damage)
      if (state._tag === "Failed") {
        return {
          mode: "degraded" as const,
          chainHead: "",
          lastSequence: 0,
          lastCheckpointAt: null,
          lastCheckpointSequence: 0,
          keyId: keys.keyring.keyId(1),
          strictMode: audit.strictMode,
          reason: state.error.message
        }
      }
      const chain = yield* state.open.journal.state
      const alarm = yield* state.open.journal.alarm
      const failure = Option.orElse(alarm, () => Option.orElse(knownDamage, () => pendingFailure))
      return {
        mode: Option.isSome(failure) ? "degraded" as const : "ok" as const,
        chainHead: chain.head.toString("hex"),
        lastSequence: chain.lastSequence,
        lastCheckpointAt: chain.lastCheckpointAt,
        lastCheckpointSequence: chain.lastCheckpointSequence,
        keyId: state.open.context.periodKeys.currentKeyId() ?? "",
        strictMode: audit.strictMode,
        ...(Option.isSome(failure) ? { reason: failure.value.message } : {}),
        ...(Option.isSome(alarm) ? { alarm: "rollback" as const } : {})
      }
    })

    const shape: AuditLogShape = {
      append,
      status,
      openFailure: Effect.map(Ref.get(connection), (state) =>
        state._tag === "Failed" ? Option.some(state.error) : Option.none()),
      pendingIntents: Effect.flatMap(current, ({ context }) => context.store.unresolvedIntents()).pipe(
        Effect.tapError(noteDamage)
      ),
      report: Effect.fn("AuditLog.report")(function*(hours: number, clientId?: string) {
        const { context } = yield* current
        const clientRef = clientId === undefined ? undefined : keyedHashHex(context.clientRefKey, clientId)
        const report = yield* buildReport(context.store, hours, clientRef)
        // What retention shredded is house-wide: a client's own view leaves it out.
        if (clientRef !== undefined) return report
        return { ...report, personalData: yield* personalDataSummary(context.store, security.dataRetentionPolicyDays) }
      }, Effect.tapError(noteDamage)),
      trail: Effect.fn("AuditLog.trail")(function*(hours: number, kinds: ReadonlyArray<AuditKind> = [], limit = 1000) {
        const open = yield* current
        const from = (yield* Clock.currentTimeMillis) - hours * 3_600_000
        const chains = yield* open.chains
        const records: Array<AuditRecord> = []
        for (const { context } of chains) {
          const rows = yield* context.store.eventsSince(from, kinds, limit)
          for (const row of rows) {
            const opened = openRow(context.periodKeys.open, context.logId, toStoredRow(row))
            if (Either.isRight(opened)) records.push(opened.right)
          }
        }
        // One chain: already in order. Several: merged by time, the newest `limit` kept.
        if (chains.length === 1) return records
        records.sort((a, b) => a.occurredAt - b.occurredAt)
        return records.slice(-limit)
      }, Effect.tapError(noteDamage)),
      verify: Effect.fn("AuditLog.verify")(function*(request: VerifyRequest = {}) {
        const open = yield* current
        if (open.context.store.dialect === "sqlite") {
          return yield* verifyAgainstHistory(open.context, fs, audit.checkpointDir, request)
        }
        return yield* verifyEveryChain(yield* open.chains, fs, audit.checkpointDir, request)
      }),
      acceptRollback: Effect.fn("AuditLog.acceptRollback")(function*(actor: string, reason: string) {
        const { journal } = yield* current
        return yield* journal.acceptRollback((found, kept) => ({
          kind: "admin",
          clientId: actor,
          tool: "audit_accept_rollback",
          outcome: "success",
          sensitive: {
            details: `rollback accepted: ${reason}. Alarm was: ${found}. The exported history is kept through ` +
              `${kept.keptThrough}; checkpoints after it, up to ${kept.abandonedSequence}, are abandoned`
          }
        }))
      }),
      cleanup: Effect.fn("AuditLog.cleanup")(function*(request: CleanupRequest = {}) {
        const { chains, context, journal } = yield* current
        // Retention must not remove rows of a db under a rollback alarm (nor anchor them as if all were well).
        const alarmed = yield* journal.alarm
        if (Option.isSome(alarmed)) return yield* alarmed.value
        const options = {
          days: request.days ?? security.securityEventRetentionDays,
          maxSizeMb: security.auditDbMaxSizeMb,
          dryRun: request.dryRun ?? false
        }
        // Each chain loses its own oldest prefix; this process's chain with its appends held back. Another
        // writer's chain is only cut at its old end, behind an anchor, which its in-memory head never needs.
        let result = yield* journal.exclusive(cleanup(context, options))
        for (const chain of yield* chains) {
          if (chain.context.logId === context.logId) continue
          const more = yield* cleanup(chain.context, options)
          result = {
            ...result,
            removedRows: result.removedRows + more.removedRows,
            removedByAge: result.removedByAge + more.removedByAge,
            removedForSize: result.removedForSize + more.removedForSize,
            anchorSequence: more.anchorSequence ?? result.anchorSequence
          }
        }
        if (!result.dryRun && result.removedRows > 0) {
          const details = `removed ${result.removedRows} rows through ${result.anchorSequence}`
          yield* admin(request.actor ?? "retention", "audit_cleanup", details)
        }
        return result
      }),
      exportTrail: Effect.fn("AuditLog.exportTrail")(function*(request: ExportRequest) {
        const { chains } = yield* current
        // A reveal is on the chain before any personal field leaves the log: no record, no export.
        if (request.reveal) {
          yield* admin(request.actor, "audit_export_reveal", `export since ${request.since ?? 0} with personal data revealed`)
        }
        // Every chain (PostgreSQL: one per writer; SQLite: the one), merged into one trail by time.
        const result = yield* exportTrail((yield* chains).map((chain) => chain.context), {
          since: request.since ?? 0,
          reveal: request.reveal,
          format: "jsonl",
          write: request.write
        })
        if (!request.reveal) {
          yield* admin(request.actor, "audit_export", `exported ${result.rows} rows since ${request.since ?? 0} with personal data masked`)
        }
        return result
      }),
      feed: Effect.fn("AuditLog.feed")(function*(position: FeedPosition, limit: number) {
        const { chains } = yield* current
        // Every chain (PostgreSQL: one per writer), each in its own commit order; every chain is named even
        // when the page is full, so a position from another log is still told apart.
        const names: Array<string> = []
        const entries: Array<FeedEntry> = []
        for (const { context } of yield* chains) {
          if (entries.length >= limit) {
            names.push(context.logId)
            continue
          }
          const page = yield* readFeed(context, position, limit - entries.length)
          names.push(...page.chains)
          entries.push(...page.entries)
        }
        return { chains: names, entries } satisfies FeedPage
      }, Effect.tapError(noteDamage)),
      shred: Effect.fn("AuditLog.shred")(function*(request: ShredRequest = {}) {
        const { context, journal } = yield* current
        // Keys of a db under a rollback alarm are evidence: nothing is destroyed until an operator resolves it.
        const alarmed = yield* journal.alarm
        if (Option.isSome(alarmed)) return yield* alarmed.value
        const result = yield* journal.exclusive(shredExpired(context, {
          days: security.dataRetentionPolicyDays,
          dryRun: request.dryRun ?? false
        }))
        // Every shredding is itself on the chain (the signed shred records say the same, per key).
        if (!result.dryRun && result.shredded.length > 0) {
          const periods = result.shredded.map((period) => `${period.period} (${period.rows} rows)`).join(", ")
          yield* admin(request.actor ?? "retention", "audit_shred", `shredded personal fields of ${periods}`)
        }
        return result
      }),
      rotateKey: Effect.fn("AuditLog.rotateKey")(function*(actor: string) {
        const { journal } = yield* current
        const alarmed = yield* journal.alarm
        if (Option.isSome(alarmed)) return yield* alarmed.value
        const rotated = yield* journal.rotateKey
        yield* admin(actor, "keys_rotate", `data key rotated to ${rotated.keyId}`)
        return rotated
      }),
      checkpoint: Effect.flatMap(current, (open) => open.journal.checkpoint)
    }

    // A new PostgreSQL chain holds nobody's intents: recovery only runs on a chain this writer took over.
    if (role === "server" && Either.isRight(first) && first.right.takenOver) {
      // Before any call runs: intents a crashed process left open get an outcome row.
      const resolved = yield* resolveCrashLeftIntents(first.right.context, write).pipe(
        Effect.catchAll((error) => Effect.logWarning(`audit: crash-left intents not resolved: ${error.message}`)),
        Effect.catchAllDefect(() => Effect.logWarning("audit: crash-left intents not resolved: unexpected failure"))
      )
      if (typeof resolved === "number" && resolved > 0) {
        yield* Effect.logWarning(`audit: ${resolved} write intent(s) left by an ended process recorded as unknown_outcome`)
      }
    }
    if (role === "server") {
      const quietly = (what: string) => <A>(job: Effect.Effect<A, AuditUnavailable>) =>
        job.pipe(
          Effect.catchAll((error) => Effect.logWarning(`audit ${what}: ${error.message}`)),
          Effect.catchAllDefect(() => Effect.logWarning(`audit ${what}: unexpected failure`))
        )
      // Start-up integrity check, in the background so serving is not held up: on a large log
      // PRAGMA quick_check reads the whole file (about 0.3 s per 100 MB).
      yield* Effect.gen(function*() {
        const state = yield* Ref.get(connection)
        if (state._tag !== "Open") return
        yield* state.open.context.store.integrityCheck
      }).pipe(Effect.tapError(noteDamage), quietly("integrity check"), Effect.forkScoped)
      yield* shape.checkpoint.pipe(
        quietly("checkpoint"),
        Effect.delay(Duration.minutes(audit.checkpointEveryMinutes)),
        Effect.forever,
        Effect.forkScoped
      )
      const retains = Either.isRight(first) && first.right.runsRetention
      if (!retains) {
        yield* Effect.logInfo("audit: retention and shredding run as `audit cleanup` / `audit shred` (maintenance role)")
      }
      if (retains) yield* shape.shred({ actor: "retention" }).pipe(
        quietly("personal-data retention"),
        Effect.repeat(Schedule.spaced(Duration.minutes(audit.retentionEveryMinutes))),
        Effect.forkScoped
      )
      if (retains) yield* shape.cleanup({ actor: "retention" }).pipe(
        quietly("retention"),
        Effect.repeat(Schedule.spaced(Duration.minutes(audit.retentionEveryMinutes))),
        Effect.forkScoped
      )
    }
    return shape
  })

const dependencies = Layer.mergeAll(SecurityConfig.Default, AuditConfig.Default, NodeFileSystem.layer)

/**
 * The encrypted, tamper-evident audit trail (SQLite, WAL). Every row is
 * chained by HMAC to the one before it, personal fields are sealed with
 * AES-256-GCM, the chain head is signed (Ed25519) every N rows, every M
 * minutes and at shutdown, and retention leaves a signed anchor.
 */
export class AuditLog extends Effect.Service<AuditLog>()("opera/AuditLog", {
  scoped: makeAuditLog("server").pipe(Effect.catchTag("AuditUnavailable", Effect.die)),
  dependencies: [SecurityConfig.Default, AuditConfig.Default, NodeFileSystem.layer]
}) {
  /** For CLI maintenance commands: fails at once if the log cannot be opened, never creates one, no fibers. */
  static readonly Maintenance = Layer.scoped(AuditLog, Effect.map(makeAuditLog("maintenance"), AuditLog.make)).pipe(
    Layer.provide(dependencies)
  )
}
