import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { freshKey, layerFor, rawDb, tempDir, toolCall, withAuditLog, withMaintenanceLog } from "./fixtures.js"

const appendMany = (count: number) =>
  Effect.flatMap(AuditLog, (audit) => Effect.forEach(Array.from({ length: count }), () => audit.append(toolCall())))

const setup = () => {
  const dir = tempDir()
  const exported = join(dir, "checkpoints")
  const settings = {
    OPERA_SECURITY_AUDIT_DB_PATH: join(dir, "audit.db"),
    OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
    OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: exported
  }
  const historyPath = join(exported, "audit-checkpoints.jsonl")
  const lines = () => readFileSync(historyPath, "utf8").trim().split("\n")
  const verify = Effect.flatMap(AuditLog, (audit) => Effect.either(audit.verify())).pipe(withMaintenanceLog(settings))
  return { dir, exported, settings, historyPath, lines, verify }
}

describe("exported checkpoint history", () => {
  it.effect("each line links the one before: a removed middle line is caught (a directory rewound as a whole is not: the db is ahead of it)", () => {
    const { exported, historyPath, lines, settings, verify } = setup()
    return Effect.gen(function*() {
      for (let session = 0; session < 3; session++) yield* appendMany(2).pipe(withAuditLog(settings))
      expect(lines()).toHaveLength(3)
      const parsed = lines().map((line) => JSON.parse(line) as { sequence: number; previous: string | null })
      expect(parsed.map((entry) => entry.sequence)).toEqual([2, 4, 6])
      expect(parsed[0]!.previous).toBeNull()
      expect(parsed[1]!.previous).toMatch(/^[0-9a-f]{64}$/)
      // The db's three and the exported three.
      expect(rightOf(yield* verify)).toMatchObject({ ok: true, checkpointsChecked: 6 })

      const whole = readFileSync(historyPath, "utf8")
      const [first, , third] = lines()
      writeFileSync(historyPath, `${first}\n${third}\n`)
      const gap = yield* verify
      expect(gap._tag === "Left" && gap.left.message).toMatch(/line 2 \(checkpoint at 6\) does not follow the line before it/)

      // The directory put back to an older state (history and latest both at 4).
      writeFileSync(historyPath, `${lines()[0]}\n${whole.trim().split("\n")[1]}\n`)
      writeFileSync(join(exported, "audit-checkpoint.json"), `${whole.trim().split("\n")[1]}\n`)
      expect(rightOf(yield* verify)).toMatchObject({ ok: true }) // the db is ahead of it: nothing contradicts
      writeFileSync(historyPath, whole)
      writeFileSync(join(exported, "audit-checkpoint.json"), `${third}\n`)
      expect(rightOf(yield* verify).ok).toBe(true)
    })
  })

  it.effect("an older copy written to since (off the exported chain) raises the alarm at start-up; appends are refused", () => {
    const { dir, settings, verify } = setup()
    const { OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: _dir, ...withoutDir } = settings
    return Effect.gen(function*() {
      yield* appendMany(3).pipe(withAuditLog(settings))
      copyFileSync(settings.OPERA_SECURITY_AUDIT_DB_PATH, join(dir, "old.db"))
      yield* appendMany(3).pipe(withAuditLog(settings))
      copyFileSync(join(dir, "old.db"), settings.OPERA_SECURITY_AUDIT_DB_PATH)
      // Someone runs the old copy without the checkpoint directory: its chain passes 6 on another branch.
      yield* appendMany(5).pipe(withAuditLog(withoutDir))
      const alarm = yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        const status = yield* audit.status
        const refused = yield* Effect.flip(audit.append(toolCall()))
        const checkpoint = yield* Effect.flip(audit.checkpoint)
        return { status, refused, checkpoint }
      }).pipe(withAuditLog(settings))
      expect(alarm.status).toMatchObject({ mode: "degraded", alarm: "rollback", lastSequence: 8 })
      expect(alarm.status.reason).toContain("the audit db's chain at 6 is not the one the exported checkpoint signed")
      expect(alarm.refused.reason).toBe("rollback")
      expect(alarm.checkpoint.reason).toBe("rollback")
      // Nor does retention, shredding or key rotation touch a db under the alarm (its keys are evidence).
      const untouched = yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        return [
          yield* Effect.flip(audit.cleanup({ days: 1 })),
          yield* Effect.flip(audit.shred({ actor: "test" })),
          yield* Effect.flip(audit.rotateKey("test"))
        ]
      }).pipe(withMaintenanceLog(settings))
      expect(untouched.map((error) => error.reason)).toEqual(["rollback", "rollback", "rollback"])
      const result = rightOf(yield* verify)
      expect(result.failure).toMatchObject({ sequence: 6, damage: "rolled_back" })
    })
  })

  it.effect("a history written by an earlier version (unlinked lines) is continued, and one that went back is a rollback", () => {
    const { exported, historyPath, lines, settings, verify } = setup()
    const { OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: _dir, ...withoutDir } = settings
    // What the earlier version exported: the db's own checkpoint rows as format v1 lines, unlinked.
    const legacyLines = Effect.scoped(Effect.gen(function*() {
      const db = yield* rawDb(settings.OPERA_SECURITY_AUDIT_DB_PATH)
      const [meta] = yield* db<{ readonly value: string }>`SELECT value FROM audit_meta WHERE name = 'log_id'`
      const rows = yield* db<{ sequence: number; chain_head: Uint8Array; created_at: number; signer: string; signature: Uint8Array }>`
        SELECT sequence, chain_head, created_at, signer, signature FROM audit_checkpoints ORDER BY sequence`
      return rows.map((row) => JSON.stringify({
        format: "opera-audit-checkpoint/v1",
        logId: meta!.value,
        sequence: row.sequence,
        chainHead: Buffer.from(row.chain_head).toString("hex"),
        createdAt: row.created_at,
        signer: row.signer,
        signature: Buffer.from(row.signature).toString("base64")
      }))
    }))
    return Effect.gen(function*() {
      yield* appendMany(2).pipe(withAuditLog(withoutDir))
      yield* appendMany(2).pipe(withAuditLog(withoutDir))
      const [at2, at4] = yield* legacyLines
      mkdirSync(exported, { recursive: true })
      writeFileSync(historyPath, `${at2}\n${at4}\n`)
      writeFileSync(join(exported, "audit-checkpoint.json"), `${at4}\n`)
      expect(rightOf(yield* verify).ok).toBe(true)
      yield* appendMany(2).pipe(withAuditLog(settings))
      expect(lines()).toHaveLength(3)
      expect(JSON.parse(lines()[2]!)).toMatchObject({ format: "opera-audit-checkpoint/v2", sequence: 6 })
      expect(rightOf(yield* verify).ok).toBe(true)

      // The earlier version exported a lower checkpoint after a rollback: the history itself shows it.
      writeFileSync(historyPath, `${at2}\n${at4}\n${at2}\n`)
      writeFileSync(join(exported, "audit-checkpoint.json"), `${at2}\n`)
      const back = rightOf(yield* verify)
      expect(back.failure).toMatchObject({ sequence: 2, damage: "rolled_back" })
      expect(back.failure?.message).toContain("the exported checkpoint history goes back")
    })
  })
})

const rightOf = <A, E>(either: { readonly _tag: "Left"; readonly left: E } | { readonly _tag: "Right"; readonly right: A }): A => {
  if (either._tag === "Left") throw new Error(`expected success, got ${JSON.stringify(either.left)}`)
  return either.right
}

describe("accepting a rollback", () => {
  it.effect("with a damaged history it must be moved aside first; then a new history starts and verifies", () => {
    const { dir, exported, historyPath, lines, settings, verify } = setup()
    return Effect.gen(function*() {
      yield* appendMany(2).pipe(withAuditLog(settings))
      copyFileSync(settings.OPERA_SECURITY_AUDIT_DB_PATH, join(dir, "old.db"))
      for (let session = 0; session < 2; session++) yield* appendMany(2).pipe(withAuditLog(settings))
      copyFileSync(join(dir, "old.db"), settings.OPERA_SECURITY_AUDIT_DB_PATH)
      const [first, , third] = lines()
      writeFileSync(historyPath, `${first}\n${third}\n`)
      const accept = Effect.flatMap(AuditLog, (audit) => audit.acceptRollback("test", "old copy and a cut history, investigated"))
      const refused = yield* Effect.flip(accept.pipe(withMaintenanceLog(settings)))
      expect(refused.message).toMatch(/does not follow the line before it: .*; move the files of .* aside for investigation/)
      renameSync(exported, `${exported}.evidence`)
      // Moved aside: this log exported before, so a missing history is still an alarm, and verify fails.
      expect((yield* verify)._tag).toBe("Left")
      const accepted = yield* accept.pipe(withMaintenanceLog(settings))
      expect(Option.getOrThrow(accepted)).toMatchObject({ keptThrough: 0, abandonedSequence: 0 })
      expect(JSON.parse(lines()[0]!)).toMatchObject({ previous: null, sequence: 3, rebase: { keptThrough: 0 } })
      expect(rightOf(yield* verify)).toMatchObject({ ok: true, lastSequence: 3 })
      expect(yield* Effect.flatMap(AuditLog, (audit) => audit.append(toolCall())).pipe(withAuditLog(settings)))
        .toEqual({ sequence: 4 })
    })
  })
})

describe("two servers on one db and one checkpoint directory", () => {
  it.scoped("export in turn: one linked history, never behind, no false alarm", () => {
    const { lines, settings } = setup()
    const many = { ...settings, OPERA_SECURITY_AUDIT_CHECKPOINT_EVERY_ROWS: "1000000" }
    return Effect.gen(function*() {
      const a = Context.get(yield* Layer.build(layerFor(many)), AuditLog)
      const b = Context.get(yield* Layer.build(layerFor(many)), AuditLog)
      // Taking turns (in one process a writer waiting on SQLite's lock blocks the thread, so checkpoints are explicit):
      // each one's idea of the head is stale when it signs, and it must not export behind the other.
      for (let round = 0; round < 6; round++) {
        const [first, second] = round % 2 === 0 ? [a, b] : [b, a]
        for (let index = 0; index < 4; index++) yield* first.append(toolCall())
        yield* second.checkpoint
        yield* first.checkpoint
        for (let index = 0; index < 6; index++) yield* second.append(toolCall())
      }
      expect((yield* a.status).alarm).toBeUndefined()
      expect((yield* b.status).alarm).toBeUndefined()
      const sequences = lines().map((line) => (JSON.parse(line) as { sequence: number }).sequence)
      expect(sequences.length).toBeGreaterThan(5)
      expect(sequences).toEqual([...sequences].sort((x, y) => x - y))
      expect(new Set(sequences).size).toBe(sequences.length)
      expect(yield* a.verify()).toMatchObject({ ok: true, rowsChecked: 60 })
      expect(sequences).toEqual([4, 14, 24, 34, 44, 54])
    })
  })
})
