import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option } from "effect"
import { join } from "node:path"
import { keyedHashHex } from "../../../src/crypto/mac.js"
import { verifyChain } from "../../../src/security/audit/verify.js"
import { openCore } from "./core.js"
import { tempDir, toolCall } from "./fixtures.js"

describe("the audit journal", () => {
  it.scoped("client refs stay the keyed hash of each client id, past the memo's size and after it starts over", () =>
    Effect.gen(function*() {
      const core = yield* openCore()
      // 1,100 distinct clients (the memo holds 1,024), then the first ones again.
      const clients = [
        ...Array.from({ length: 1100 }, (_, index) => `api-key:client-${index}`),
        ...Array.from({ length: 50 }, (_, index) => `api-key:client-${index}`)
      ]
      for (const clientId of clients) yield* core.journal.append(toolCall({ clientId }))
      const stored = yield* core.context.store.sql<{ readonly client_ref: string }>`SELECT client_ref
        FROM audit_events ORDER BY sequence`
      expect(stored.map((row) => row.client_ref)).toEqual(
        clients.map((clientId) => keyedHashHex(core.context.clientRefKey, clientId))
      )
    }), 60_000)

  it.scoped("one caller at a time and many at once: every append is answered with its own committed row", () =>
    Effect.gen(function*() {
      const core = yield* openCore({ path: join(tempDir("audit-journal-"), "audit.db") })
      const lone: Array<number> = []
      for (let index = 0; index < 50; index++) {
        lone.push((yield* core.journal.append(toolCall({ correlationId: `lone-${index}` }))).sequence)
      }
      expect(lone).toEqual(Array.from({ length: 50 }, (_, index) => index + 1))
      const many = yield* Effect.forEach(
        Array.from({ length: 600 }, (_, index) => index),
        (index) => core.journal.append(toolCall({ correlationId: `many-${index}` })),
        { concurrency: 64 }
      )
      // Then alone again, after a burst (the writer goes back to writing a lone row at once).
      const after = yield* core.journal.append(toolCall({ correlationId: "after" }))
      const sequences = [...lone, ...many.map((receipt) => receipt.sequence), after.sequence]
      expect(new Set(sequences).size).toBe(651)
      expect(Math.max(...sequences)).toBe(651)
      const rows = yield* core.context.store.sql<{ readonly sequence: number; readonly correlation_id: string }>`
        SELECT sequence, correlation_id FROM audit_events ORDER BY sequence`
      const bySequence = new Map(rows.map((row) => [row.sequence, row.correlation_id]))
      many.forEach((receipt, index) => expect(bySequence.get(receipt.sequence)).toBe(`many-${index}`))
      expect(bySequence.get(after.sequence)).toBe("after")
      expect(yield* verifyChain(core.context)).toMatchObject({ ok: true, rowsChecked: 651 })
    }), 60_000)

  it.scoped("text with lone surrogates is stored as SQLite reads it back, so the row still verifies; emoji stay", () =>
    Effect.gen(function*() {
      const core = yield* openCore({ path: join(tempDir("audit-text-"), "audit.db") })
      yield* core.journal.append(toolCall({ tool: "lone\uD800surrogate", hotelId: "H\uDFFF", correlationId: "ok-😀" }))
      yield* core.journal.append(toolCall({ tool: "plain", errorTag: "tail\uD83D" }))
      const stored = yield* core.context.store.sql<{
        readonly tool: string
        readonly hotel_id: string
        readonly correlation_id: string | null
        readonly error_tag: string | null
      }>`SELECT tool, hotel_id, correlation_id, error_tag FROM audit_events ORDER BY sequence`
      // A hotel id that is not code-shaped (here with a lone surrogate) is sealed, not kept in clear.
      expect(stored[0]).toMatchObject({ tool: "lone\uFFFDsurrogate", hotel_id: null, correlation_id: "ok-😀" })
      expect(stored[1]).toMatchObject({ tool: "plain", error_tag: "tail\uFFFD" })
      expect(yield* verifyChain(core.context)).toMatchObject({ ok: true, rowsChecked: 2 })
    }), 60_000)

  it.scoped("a row never joins another fiber's open transaction: it waits, and stays when that transaction rolls back", () =>
    Effect.gen(function*() {
      const core = yield* openCore({ path: join(tempDir("audit-txn-"), "audit.db") })
      const { sql } = core.context.store
      yield* core.journal.append(toolCall({ correlationId: "before" }))
      const begun = yield* Deferred.make<void>()
      const end = yield* Deferred.make<void>()
      // A transaction on the same connection that writes, waits, then fails (so it rolls back).
      const other = yield* Effect.fork(sql.withTransaction(Effect.gen(function*() {
        yield* sql`INSERT INTO audit_meta (name, value) VALUES ('scratch', 'x')`
        yield* Deferred.succeed(begun, undefined)
        yield* Deferred.await(end)
        return yield* Effect.fail("roll back" as const)
      })))
      yield* Deferred.await(begun)
      // The synchronous path sees the open transaction and leaves the row to the client, which waits for it.
      expect(core.context.store.insertEventsNow([])).toEqual(Option.none())
      const appending = yield* Effect.fork(core.journal.append(toolCall({ correlationId: "during" })))
      yield* Effect.yieldNow()
      expect(Option.isNone(yield* Fiber.poll(appending))).toBe(true)
      yield* Deferred.succeed(end, undefined)
      expect(yield* Effect.flip(Fiber.join(other))).toBe("roll back")
      expect((yield* Fiber.join(appending)).sequence).toBe(2)
      const after = yield* core.journal.append(toolCall({ correlationId: "after" }))
      expect(after.sequence).toBe(3)
      const rows = yield* sql<{ readonly correlation_id: string }>`SELECT correlation_id FROM audit_events ORDER BY sequence`
      expect(rows.map((row) => row.correlation_id)).toEqual(["before", "during", "after"])
      expect(yield* sql`SELECT value FROM audit_meta WHERE name = 'scratch'`).toEqual([])
      expect(yield* verifyChain(core.context)).toMatchObject({ ok: true, rowsChecked: 3 })
    }), 60_000)
})
