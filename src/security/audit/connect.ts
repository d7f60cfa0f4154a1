import type { FileSystem } from "@effect/platform"
import { Effect, Option } from "effect"
import type { AuditKeys } from "./auditKeys.js"
import { openAuditContext } from "./AuditContext.js"
import { makeAuditJournal } from "./AuditJournal.js"
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
    const sql = yield* openAuditDb({
      path,
      busyTimeoutMs: options.busyTimeoutMs,
      fsyncEveryWrite: options.fsyncEveryWrite
    })
    const store = makeAuditStore(sql, path)
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
    return { context, journal } as const
  })

export type AuditConnection = Effect.Effect.Success<ReturnType<typeof connectAuditLog>>
