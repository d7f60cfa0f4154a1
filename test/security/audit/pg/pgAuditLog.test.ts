import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { FileSystem } from "@effect/platform"
import { AuditLog } from "../../../../src/security/AuditLog.js"
import { resolveAuditKeys } from "../../../../src/security/audit/auditKeys.js"
import { migrateSqliteToPg } from "../../../../src/security/audit/pg/pgAdmin.js"
import { postgresMissing, startPostgres } from "../../../support/postgresServer.js"
import type { PostgresServer } from "../../../support/postgresServer.js"
import { freshKey, guest, tempDir, toolCall, withAuditLog, withMaintenanceLog } from "../fixtures.js"
import { freshDatabase } from "./pgFixtures.js"
import { sqlStateOf } from "./pgRaw.js"

let server: PostgresServer
if (postgresMissing !== undefined) console.warn(postgresMissing)

const verifyWith = (settings: Record<string, string>) =>
  Effect.flatMap(AuditLog, (audit) => audit.verify()).pipe(withMaintenanceLog(settings), Effect.scoped)

describe.skipIf(postgresMissing !== undefined)("audit log on PostgreSQL", () => {
  beforeAll(async () => {
    server = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
  })

  it.live("appends, reads back and verifies; a second writer gets a chain of its own", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const settings = {
        OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl,
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
        OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: tempDir("pg-checkpoints-")
      }
      const first = yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        for (let i = 0; i < 5; i++) yield* audit.append(toolCall())
        const second = yield* Effect.gen(function*() {
          const other = yield* AuditLog
          yield* other.append(toolCall({ tool: "get_reservation" }))
          return yield* other.status
        }).pipe(withAuditLog(settings), Effect.scoped)
        expect(second.lastSequence).toBe(1)
        const trail = yield* audit.trail(1)
        expect(trail.map((record) => record.tool).sort()).toEqual([
          "get_reservation", "search_reservations", "search_reservations", "search_reservations",
          "search_reservations", "search_reservations"
        ])
        expect(trail[0]?.sensitive.guestNames).toEqual([guest.name])
        return yield* audit.status
      }).pipe(withAuditLog(settings), Effect.scoped)
      expect(first.lastSequence).toBe(5)
      expect(first.mode).toBe("ok")
      const verdict = yield* verifyWith(settings)
      expect(verdict.failure).toBeUndefined()
      expect(verdict.ok).toBe(true)
      expect(verdict.rowsChecked).toBe(6)
      expect(verdict.chains?.length).toBe(2)
    }), 60_000)

  it.live("audit export merges the writers' chains into one trail by time, each row once", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const settings = { OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }
      const appended: Array<string> = []
      // Two writers at once (a chain each), taking turns: a trail read chain after chain would be out of time order.
      yield* Effect.gen(function*() {
        const first = yield* AuditLog
        yield* Effect.gen(function*() {
          const second = yield* AuditLog
          for (let round = 0; round < 6; round++) {
            for (const [name, log] of [["a", first], ["b", second]] as const) {
              for (let i = 0; i < 2; i++) {
                const id = `${name}-${round}-${i}`
                yield* log.append(toolCall({ correlationId: id }))
                appended.push(id)
              }
              yield* Effect.sleep("5 millis")
            }
          }
        }).pipe(withAuditLog(settings), Effect.scoped)
      }).pipe(withAuditLog(settings), Effect.scoped)
      const lines: Array<string> = []
      const exported = yield* Effect.flatMap(AuditLog, (audit) =>
        audit.exportTrail({ reveal: false, actor: "test", write: (page) => Effect.sync(() => lines.push(...page)) })
      ).pipe(withMaintenanceLog(settings), Effect.scoped)
      const records = lines.map((line) => JSON.parse(line) as { readonly occurredAt: number; readonly correlationId?: string })
      expect(exported.rows).toBe(records.length)
      expect(records.flatMap((record) => record.correlationId === undefined ? [] : [record.correlationId])).toEqual(appended)
      const times = records.map((record) => record.occurredAt)
      expect(times).toEqual([...times].sort((a, b) => a - b))
    }), 60_000)

  it.live("least privilege: PostgreSQL refuses the writer's UPDATE, DELETE, TRUNCATE and DDL; production refuses the owner and a superuser", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const key = freshKey()
      // The owner creates the schema and the log's identity (what `audit init-db` does), then the roles.
      yield* Effect.flatMap(AuditLog, (audit) => audit.append(toolCall())).pipe(
        withAuditLog({ OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key }),
        Effect.scoped
      )
      const roles = db.grantRoles()
      const production = { NODE_ENV: "production", OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key }
      const written = yield* Effect.gen(function*() {
        const audit = yield* AuditLog
        yield* audit.append(toolCall())
        return yield* audit.status
      }).pipe(withAuditLog({ ...production, OPERA_SECURITY_AUDIT_DB_URL: roles.writerUrl }), Effect.scoped)
      expect(written.mode).toBe("ok")
      // The owner's start released its chain at shutdown: the writer takes it and goes on from its head.
      expect(written.lastSequence).toBe(2)

      const refused = yield* Effect.promise(async () => ({
        update: await sqlStateOf(roles.writerUrl, "UPDATE audit_events SET outcome = 'failure'"),
        delete: await sqlStateOf(roles.writerUrl, "DELETE FROM audit_events"),
        truncate: await sqlStateOf(roles.writerUrl, "TRUNCATE audit_events"),
        ddl: await sqlStateOf(roles.writerUrl, "CREATE TABLE audit_shadow (id int)"),
        dropTrigger: await sqlStateOf(roles.writerUrl, "ALTER TABLE audit_events DISABLE TRIGGER ALL"),
        keyDelete: await sqlStateOf(roles.writerUrl, "DELETE FROM audit_period_keys"),
        readerInsert: await sqlStateOf(roles.readerUrl, "INSERT INTO audit_meta VALUES ('x', 'y')"),
        // The maintenance role may DELETE, but the triggers allow only an old prefix behind an anchor.
        maintenanceDelete: await sqlStateOf(roles.maintenanceUrl, "DELETE FROM audit_events WHERE sequence = 1"),
        maintenanceUpdate: await sqlStateOf(roles.maintenanceUrl, "UPDATE audit_events SET outcome = 'failure'")
      }))
      expect(refused).toEqual({
        update: "42501",
        delete: "42501",
        truncate: "42501",
        ddl: "42501",
        dropTrigger: "42501",
        keyDelete: "42501",
        readerInsert: "42501",
        maintenanceDelete: "P0001",
        maintenanceUpdate: "42501"
      })

      const asOwner = yield* Effect.flip(
        Effect.flatMap(AuditLog, (audit) => audit.status).pipe(
          withMaintenanceLog({ ...production, OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl }),
          Effect.scoped
        )
      )
      expect(asOwner.message).toMatch(/refusing to run as owner_\w+, which owns the audit tables/)
      expect(asOwner.message).toContain("audit init-db --print-sql")
      const asSuperuser = yield* Effect.flip(
        Effect.flatMap(AuditLog, (audit) => audit.status).pipe(
          withMaintenanceLog({ ...production, OPERA_SECURITY_AUDIT_DB_URL: server.adminUrl(db.name) }),
          Effect.scoped
        )
      )
      expect(asSuperuser.message).toMatch(/refusing to run as postgres, which is a superuser/)
      expect(asSuperuser.message).not.toContain("pg-test-admin")

      // The reader verifies every chain and cannot append.
      const readerSettings = { ...production, OPERA_SECURITY_AUDIT_DB_URL: roles.readerUrl }
      const verdict = yield* verifyWith(readerSettings)
      expect(verdict.ok).toBe(true)
      expect(verdict.rowsChecked).toBe(2)
      const append = yield* Effect.flip(Effect.flatMap(AuditLog, (audit) => audit.append(toolCall())).pipe(
        withMaintenanceLog(readerSettings),
        Effect.scoped
      ))
      expect(append.message).toContain("open for reading only")
    }), 60_000)

  it.live("start-up recovery resolves only its own chain's open intents, or those of a chain whose lease ran out", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const settings = { OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }
      const intent = toolCall({ kind: "tool_intent", tool: "create_reservation", outcome: "pending", correlationId: "call-in-flight" })
      const unknownOutcomes = (audit: AuditLog) =>
        Effect.map(audit.trail(1), (rows) => rows.filter((row) => row.outcome === "unknown_outcome").length)
      yield* Effect.gen(function*() {
        const live = yield* AuditLog
        yield* live.append(intent)
        // Another writer starts while the first has a call in flight: it leaves that intent alone.
        const seenBySecond = yield* Effect.flatMap(AuditLog, unknownOutcomes).pipe(withAuditLog(settings), Effect.scoped)
        expect(seenBySecond).toBe(0)
        expect(yield* unknownOutcomes(live)).toBe(0)
        // The first writer dies (its lease runs out without a release): the next writer to start takes its chain.
        server.psql("UPDATE audit_chains SET lease_until = 1 WHERE chain_id = 1", db.name)
        const seenByThird = yield* Effect.flatMap(AuditLog, unknownOutcomes).pipe(withAuditLog(settings), Effect.scoped)
        expect(seenByThird).toBe(1)
        // The first writer's lease is gone: it refuses to append rather than race the writer that took over.
        const late = yield* Effect.flip(live.append(toolCall()))
        expect(late.message).toMatch(/another writer extended this chain .*lease on chain 1 ran out/)
      }).pipe(withAuditLog({ ...settings, OPERA_SECURITY_AUDIT_WRITER_LEASE_SECONDS: "5" }), Effect.scoped)
      expect((yield* verifyWith(settings)).ok).toBe(true)
    }), 60_000)

  it.live("a restored dump (rollback) is detected against the exported checkpoints", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const checkpointDir = tempDir("pg-rollback-")
      const settings = {
        OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl,
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey(),
        OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: checkpointDir,
        OPERA_SECURITY_AUDIT_CHECKPOINT_EVERY_ROWS: "5"
      }
      const appendSome = (count: number) =>
        Effect.flatMap(AuditLog, (audit) => Effect.repeatN(audit.append(toolCall()), count - 1)).pipe(
          withAuditLog(settings),
          Effect.scoped
        )
      yield* appendSome(10)
      const dumpFile = join(mkdtempSync(join(tmpdir(), "pg-dump-")), "audit.dump")
      server.dump(db.name, dumpFile)
      yield* appendSome(10)
      expect(existsSync(join(checkpointDir, "chain-1"))).toBe(true)
      expect((yield* verifyWith(settings)).ok).toBe(true)
      server.restore(db.name, dumpFile)
      const verdict = yield* verifyWith(settings)
      expect(verdict.ok).toBe(false)
      expect(verdict.failure?.damage).toBe("rolled_back")
      expect(verdict.failure?.message).toMatch(/chain 1: .*ends at 10 but a checkpoint at 20 was exported/)
    }), 60_000)

  it.live("an SQLite log moves into PostgreSQL, verifies there, and its chain goes on", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const key = freshKey()
      const file = join(tempDir("sqlite-source-"), "audit.db")
      yield* Effect.flatMap(AuditLog, (audit) =>
        Effect.gen(function*() {
          for (let i = 0; i < 30; i++) yield* audit.append(toolCall({ tool: `tool_${i % 3}` }))
          yield* audit.checkpoint
        })
      ).pipe(
        withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: file, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key }),
        Effect.scoped
      )
      const keys = yield* resolveAuditKeys({
        encryptionKey: Option.some(Redacted.make(key)),
        signingKey: Option.none(),
        verifyKey: Option.none(),
        path: file
      })
      const fs = yield* FileSystem.FileSystem
      const moved = yield* migrateSqliteToPg({ url: Redacted.make(db.ownerUrl), caFile: Option.none(), keys, fs, from: file })
      expect(moved.rows).toBe(30)
      expect(moved.verified.ok).toBe(true)
      expect(moved.verified.rowsChecked).toBe(30)
      expect(moved.verified.checkpointsChecked).toBeGreaterThan(0)
      // A second migration into the same database is refused.
      const again = yield* Effect.flip(
        migrateSqliteToPg({ url: Redacted.make(db.ownerUrl), caFile: Option.none(), keys, fs, from: file })
      )
      expect(again.message).toContain("already holds an audit log")

      const settings = { OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key }
      const status = yield* Effect.flatMap(AuditLog, (audit) =>
        Effect.zipRight(audit.append(toolCall()), audit.status)
      ).pipe(withAuditLog(settings), Effect.scoped)
      expect(status.lastSequence).toBe(31)
      const verdict = yield* verifyWith(settings)
      expect(verdict.ok).toBe(true)
      expect(verdict.rowsChecked).toBe(31)
      const trail = yield* Effect.flatMap(AuditLog, (audit) => audit.trail(1)).pipe(
        withMaintenanceLog(settings),
        Effect.scoped
      )
      expect(trail.length).toBe(31)
      expect(trail[0]?.sensitive.emails).toEqual([guest.email])
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)

  it.live("retention as the maintenance role removes an old prefix of each chain behind a signed anchor; the rest verifies", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const key = freshKey()
      yield* Effect.flatMap(AuditLog, (audit) =>
        Effect.forEach(Array.from({ length: 3000 }, (_, i) => i), (i) => audit.append(toolCall({ correlationId: `r-${i}` })), {
          concurrency: 64,
          discard: true
        })
      ).pipe(
        withAuditLog({ OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key }),
        Effect.scoped
      )
      const roles = db.grantRoles()
      const capped = { OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key, OPERA_SECURITY_AUDIT_DB_MAX_SIZE_MB: "1" }
      // The writer role has no DELETE: retention is refused, nothing is removed.
      const refused = yield* Effect.flip(Effect.flatMap(AuditLog, (audit) => audit.cleanup()).pipe(
        withMaintenanceLog({ ...capped, OPERA_SECURITY_AUDIT_DB_URL: roles.writerUrl }),
        Effect.scoped
      ))
      expect(refused.message).toMatch(/permission denied \(SQLSTATE 42501\)/)
      const cleaned = yield* Effect.flatMap(AuditLog, (audit) => audit.cleanup()).pipe(
        withMaintenanceLog({ ...capped, OPERA_SECURITY_AUDIT_DB_URL: roles.maintenanceUrl }),
        Effect.scoped
      )
      expect(cleaned.removedForSize).toBeGreaterThan(0)
      expect(cleaned.anchorSequence).not.toBeNull()
      const verdict = yield* verifyWith({ ...capped, OPERA_SECURITY_AUDIT_DB_URL: roles.readerUrl })
      expect(verdict.failure).toBeUndefined()
      expect(verdict.ok).toBe(true)
      // The rows left, plus the admin row that recorded the cleanup.
      expect(verdict.rowsChecked).toBe(3000 - cleaned.removedRows + 1)
    }), 120_000)

  it.live("leak scan: no personal data, key or password in clear in the database", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const key = freshKey()
      yield* Effect.flatMap(AuditLog, (audit) =>
        Effect.gen(function*() {
          for (let i = 0; i < 20; i++) {
            yield* audit.append(toolCall({ hotelId: "4111111111111111", correlationId: `c-${i}` }))
          }
          yield* audit.checkpoint
        })
      ).pipe(
        withAuditLog({ OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key }),
        Effect.scoped
      )
      const dump = server.dumpText(db.name)
      expect(dump).toContain("COPY public.audit_events")
      const password = new URL(db.ownerUrl).password
      for (const secret of [guest.name, guest.email, guest.phone, guest.ip, guest.agent, "4111111111111111", key, password]) {
        expect(dump.includes(secret), secret === key ? "audit key" : secret).toBe(false)
      }
      // Nor hex-encoded in a bytea column.
      expect(dump.includes(Buffer.from(guest.name).toString("hex"))).toBe(false)
    }), 60_000)
})
