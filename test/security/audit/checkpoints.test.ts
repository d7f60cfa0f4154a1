import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { freshKey, rawDb, tempDir, toolCall, withAuditLog, withMaintenanceLog } from "./fixtures.js"

const appendMany = (count: number) =>
  Effect.flatMap(AuditLog, (audit) => Effect.forEach(Array.from({ length: count }), () => audit.append(toolCall())))

describe("checkpoints", () => {
  it.effect("are signed every N rows", () =>
    Effect.gen(function*() {
      yield* appendMany(12)
      const audit = yield* AuditLog
      expect((yield* audit.status).lastCheckpointSequence).toBe(10)
      expect(yield* audit.verify()).toMatchObject({ ok: true, checkpointsChecked: 2 })
    }).pipe(withAuditLog({
      OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
      OPERA_SECURITY_AUDIT_CHECKPOINT_EVERY_ROWS: "5"
    })))

  it.effect("are signed every M minutes when rows were added, and not otherwise", () =>
    Effect.gen(function*() {
      const audit = yield* AuditLog
      yield* audit.append(toolCall())
      yield* TestClock.adjust("4 minutes")
      expect((yield* audit.status).lastCheckpointAt).toBeNull()
      yield* TestClock.adjust("1 minute")
      expect(yield* audit.status).toMatchObject({ lastCheckpointSequence: 1, lastCheckpointAt: 300_000 })
      yield* TestClock.adjust("5 minutes")
      expect((yield* audit.status).lastCheckpointAt).toBe(300_000)
      yield* audit.append(toolCall())
      yield* TestClock.adjust("5 minutes")
      expect(yield* audit.status).toMatchObject({ lastCheckpointSequence: 2, lastCheckpointAt: 900_000 })
    }).pipe(withAuditLog({
      OPERA_SECURITY_AUDIT_DB_PATH: ":memory:",
      OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
      OPERA_SECURITY_AUDIT_CHECKPOINT_EVERY_MINUTES: "5"
    })))

  it.effect("one is signed at shutdown and exported outside the db; a truncated tail is caught against it", () => {
    const dir = tempDir()
    const path = join(dir, "audit.db")
    const exported = join(dir, "checkpoints")
    const settings = { OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }
    return Effect.gen(function*() {
      yield* appendMany(6).pipe(withAuditLog({ ...settings, OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: exported }))
      const latest = JSON.parse(readFileSync(join(exported, "audit-checkpoint.json"), "utf8"))
      expect(latest).toMatchObject({ format: "opera-audit-checkpoint/v2", sequence: 6, previous: null })
      expect(readFileSync(join(exported, "audit-checkpoints.jsonl"), "utf8").trim().split("\n")).toHaveLength(1)

      const intact = yield* Effect.flatMap(AuditLog, (audit) => audit.verify()).pipe(withMaintenanceLog(settings))
      expect(intact).toMatchObject({ ok: true, rowsChecked: 6, checkpointsChecked: 1 })

      // Someone with the file cuts the last two rows and the db's own checkpoints.
      yield* Effect.scoped(Effect.gen(function*() {
        const db = yield* rawDb(path)
        yield* db.unsafe("DROP TRIGGER audit_events_no_delete")
        yield* db.unsafe("DROP TRIGGER audit_checkpoints_no_delete")
        yield* db`DELETE FROM audit_events WHERE sequence >= 5`
        yield* db`DELETE FROM audit_checkpoints`
      }))
      const blind = yield* Effect.flatMap(AuditLog, (audit) => audit.verify()).pipe(withMaintenanceLog(settings))
      expect(blind.ok).toBe(true) // without a checkpoint from outside, a clean cut is invisible

      const fromFile = yield* Effect.flatMap(AuditLog, (audit) =>
        audit.verify({ checkpointFile: join(exported, "audit-checkpoints.jsonl") })).pipe(withMaintenanceLog(settings))
      // Outside evidence cannot tell a cut tail from an older copy put back: both are a rollback.
      expect(fromFile.failure).toMatchObject({ sequence: 5, damage: "rolled_back" })

      const fromDir = yield* Effect.flatMap(AuditLog, (audit) => audit.verify()).pipe(
        withMaintenanceLog({ ...settings, OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: exported })
      )
      expect(fromDir.failure).toMatchObject({ sequence: 5, damage: "rolled_back" })

      // A checkpoint file whose signature was forged is named, not trusted.
      const forged = { ...latest, sequence: 4 }
      writeFileSync(join(dir, "forged.json"), JSON.stringify(forged))
      const forgedResult = yield* Effect.flatMap(AuditLog, (audit) =>
        audit.verify({ checkpointFile: join(dir, "forged.json") })).pipe(withMaintenanceLog(settings))
      expect(forgedResult.failure).toMatchObject({ sequence: 4, damage: "bad_signature" })

      writeFileSync(join(dir, "garbage.json"), "{ not json")
      const garbage = yield* Effect.flip(Effect.flatMap(AuditLog, (audit) =>
        audit.verify({ checkpointFile: join(dir, "garbage.json") })).pipe(withMaintenanceLog(settings)))
      expect(garbage.message).toContain("is not an audit checkpoint file")
    })
  })
})
