import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { AuditLog } from "../../../../src/security/AuditLog.js"
import { postgresMissing, startPostgres } from "../../../support/postgresServer.js"
import type { PostgresServer } from "../../../support/postgresServer.js"
import { freshKey, tempDir, toolCall, withAuditLog, withMaintenanceLog } from "../fixtures.js"
import { freshDatabase } from "./pgFixtures.js"

let server: PostgresServer
if (postgresMissing !== undefined) console.warn(postgresMissing)

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
        expect(trail[0]?.sensitive.guestNames).toBeDefined()
        return yield* audit.status
      }).pipe(withAuditLog(settings), Effect.scoped)
      expect(first.lastSequence).toBe(5)
      expect(first.mode).toBe("ok")
      const verdict = yield* Effect.flatMap(AuditLog, (audit) => audit.verify()).pipe(
        withMaintenanceLog(settings),
        Effect.scoped
      )
      expect(verdict.failure).toBeUndefined()
      expect(verdict.ok).toBe(true)
      expect(verdict.rowsChecked).toBe(6)
      expect(verdict.chains?.length).toBe(2)
    }), 60_000)
})
