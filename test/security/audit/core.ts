import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { FileSystem } from "@effect/platform"
import { Effect, Option, Redacted } from "effect"
import { resolveAuditKeys } from "../../../src/security/audit/auditKeys.js"
import { connectAuditLog } from "../../../src/security/audit/connect.js"
import { freshKey } from "./fixtures.js"

/**
 * The audit log's core (db, context, journal) without the service around it,
 * so a test can reach the raw connection and tamper with rows like an
 * attacker with file access would.
 */
export const openCore = (options: { readonly key?: string; readonly path?: string; readonly everyRows?: number } = {}) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = options.path ?? ":memory:"
    const keys = yield* resolveAuditKeys({
      encryptionKey: Option.some(Redacted.make(options.key ?? freshKey())),
      signingKey: Option.none(),
      verifyKey: Option.none(),
      path
    })
    const opened = yield* connectAuditLog({
      path,
      keys,
      fs,
      createIfMissing: true,
      busyTimeoutMs: 1000,
      fsyncEveryWrite: false,
      checkpointEveryRows: options.everyRows ?? 1_000_000,
      checkpointDir: Option.none()
    })
    return { ...opened, keys }
  }).pipe(Effect.provide(NodeFileSystem.layer))

/** What an attacker does first: drop the append-only triggers. */
export const dropTriggers = (core: Effect.Effect.Success<ReturnType<typeof openCore>>) =>
  Effect.gen(function*() {
    const { sql } = core.context.store
    const triggers = yield* sql<{ readonly name: string }>`SELECT name FROM sqlite_master WHERE type = 'trigger'`
    for (const trigger of triggers) yield* sql.unsafe(`DROP TRIGGER ${trigger.name}`)
  })
