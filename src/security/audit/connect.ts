import type { FileSystem } from "@effect/platform"
import { Effect, Option } from "effect"
import type { AuditContext } from "./AuditContext.js"
import { openAuditContext } from "./AuditContext.js"
import type { AuditJournal } from "./AuditJournal.js"
import { makeAuditJournal } from "./AuditJournal.js"
import type { AuditKeys } from "./auditKeys.js"
import { makeAuditStore } from "./AuditStore.js"
import { AuditUnavailable } from "./errors.js"
import { openAuditDb } from "./openAuditDb.js"

export interface ConnectOptions {
  readonly path: string
  readonly keys: AuditKeys
  readonly fs: FileSystem.FileSystem
  readonly createIfMissing: boolean
  readonly busyTimeoutMs: number
  readonly fsyncEveryWrite: boolean
  readonly checkpointEveryRows: number
  readonly checkpointDir: Option.Option<string>
}

const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/"))) || "."

/**
 * Opens one audit log in the current scope: the directory (0700) and file
 * (0600) if allowed to create them, the db, its identity and the journal.
 * Closing the scope writes a last checkpoint, then closes the db.
 */
export const connectAuditLog = (options: ConnectOptions) =>
  Effect.gen(function*() {
    const { fs, path } = options
    if (path !== ":memory:") {
      const exists = yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false))
      if (!exists && !options.createIfMissing) {
        return yield* new AuditUnavailable({
          reason: "not_open",
          message: `there is no audit log at ${path}; check OPERA_SECURITY_AUDIT_DB_PATH`
        })
      }
      if (!exists) {
        yield* fs.makeDirectory(parentOf(path), { recursive: true, mode: 0o700 }).pipe(
          Effect.zipRight(fs.writeFile(path, new Uint8Array(), { flag: "wx", mode: 0o600 })),
          Effect.catchAll(() => Effect.void) // opening below reports the real problem
        )
      }
    }
    const db = yield* openAuditDb({
      path,
      busyTimeoutMs: options.busyTimeoutMs,
      fsyncEveryWrite: options.fsyncEveryWrite
    })
    const store = makeAuditStore(db.sql, path, db.runNow)
    const context = yield* openAuditContext({
      store,
      keyring: options.keys.keyring,
      signer: options.keys.signer,
      trusted: options.keys.trusted,
      checkpointEveryRows: options.checkpointEveryRows,
      checkpointDir: options.checkpointDir,
      fs
    })
    // The journal's finalizer (last checkpoint) is added after the db's, so it runs before the db closes.
    const journal = yield* makeAuditJournal(context)
    return {
      context,
      journal,
      chains: Effect.succeed([{ chainId: 1, context }]),
      writeBlocked: Effect.succeed(Option.none()),
      takenOver: true,
      runsRetention: true
    } satisfies AuditConnection
  })

/** One chain of the log and the context its rows are read and verified with. */
export interface AuditChain {
  readonly chainId: number
  readonly context: AuditContext
}

/** One open audit log, SQLite or PostgreSQL. */
export interface AuditConnection {
  /** The chain this process appends to (SQLite: the file's one chain). */
  readonly context: AuditContext
  readonly journal: AuditJournal
  /** Every chain of the log, for verify, the trail and retention (SQLite: the one). */
  readonly chains: Effect.Effect<ReadonlyArray<AuditChain>, AuditUnavailable>
  /** Some when this process may not append (PostgreSQL: its chain lease was lost, or it opened for reading). */
  readonly writeBlocked: Effect.Effect<Option.Option<AuditUnavailable>>
  /**
   * Whether the chain may hold intents of an ended process (SQLite: always; PostgreSQL: only a chain
   * taken over from a writer whose lease ran out, never a new one).
   */
  readonly takenOver: boolean
  /** Whether this process runs retention and shredding in the background (PostgreSQL: the role can DELETE). */
  readonly runsRetention: boolean
}
