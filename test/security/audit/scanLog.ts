import { expect } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { createSecretKey } from "node:crypto"
import { join } from "node:path"
import { aadDomain, rowDomain, rowMac } from "../../../src/security/audit/chain.js"
import type { ScanThreads } from "../../../src/security/audit/fastScan.js"
import { EventRow, eventColumns, toStoredRow } from "../../../src/security/audit/rows.js"
import { verifyChain } from "../../../src/security/audit/verify.js"
import { dropTriggers, openCore } from "./core.js"
import { tempDir, toolCall } from "./fixtures.js"

/** Verify's fast pass tests: a file-backed log, what workers are handed, and ways to damage it. */
export const rows = 600
export const workers: ScanThreads = { workers: 2, minRows: 0, chunkRows: 100 }
export const inThread: ScanThreads = { workers: 0, minRows: 0, chunkRows: 100 }

/** A file-backed log of 600 rows with signed checkpoints at 250 and 600. */
export const writeLog = Effect.gen(function*() {
  const path = join(tempDir("audit-scan-"), "audit.db")
  const core = yield* openCore({ path })
  const append = (from: number, to: number) =>
    Effect.forEach(
      Array.from({ length: to - from + 1 }, (_, index) => from + index),
      (index) => core.journal.append(toolCall({ correlationId: `call-${index}` })),
      { concurrency: 32, discard: true }
    )
  yield* append(1, 250)
  yield* core.journal.checkpoint
  yield* append(251, rows)
  yield* core.journal.checkpoint
  yield* dropTriggers(core)
  return core
})

export type Core = Effect.Effect.Success<typeof writeLog>

/** What verify hands its workers for this log. */
export const workerData = (core: Core, dbPath = core.context.store.path) => ({
  source: { _tag: "sqlite", path: dbPath } as const,
  chainKey: createSecretKey(core.context.chainKey),
  rowDomain,
  columns: eventColumns,
  logId: core.context.logId,
  aadDomain,
  openingKeys: core.context.periodKeys.openingKeys([])
})

/** Flips the last bit of one column of one row. */
export const flip = (core: Core, sequence: number, column: "sealed" | "mac") =>
  Effect.gen(function*() {
    const { sql } = core.context.store
    const [row] = yield* sql<{ readonly value: Uint8Array }>`SELECT ${sql(column)} AS value
      FROM audit_events WHERE sequence = ${sequence}`
    const bytes = Buffer.from(row!.value)
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01
    yield* sql.unsafe(`UPDATE audit_events SET ${column} = ? WHERE sequence = ?`, [bytes, sequence])
  })

/**
 * What an attacker holding the chain key (but not the data key) could do: put
 * other bytes in a row's encrypted field and re-chain every MAC from there, so
 * every link holds and only the encrypted field itself gives the change away.
 */
export const replaceSealed = (core: Core, sequence: number, sealed: Uint8Array) =>
  Effect.gen(function*() {
    const { sql } = core.context.store
    yield* sql.unsafe("UPDATE audit_events SET sealed = ? WHERE sequence = ?", [sealed, sequence])
    const [before] = yield* sql<{ readonly mac: Uint8Array }>`SELECT mac FROM audit_events WHERE sequence = ${sequence - 1}`
    let previous: Uint8Array = before!.mac
    const tail = yield* sql.unsafe(`SELECT ${eventColumns} FROM audit_events WHERE sequence >= ? ORDER BY sequence`, [
      sequence
    ])
    for (const raw of tail) {
      const row = toStoredRow(yield* Schema.decodeUnknown(EventRow)(raw))
      previous = rowMac(core.context.chainKey, previous, row)
      yield* sql.unsafe("UPDATE audit_events SET mac = ? WHERE sequence = ?", [previous, row.sequence])
    }
  })

/** The stored encrypted field of one row. */
export const sealedOf = (core: Core, sequence: number) =>
  core.context.store.sql<{ readonly sealed: Uint8Array }>`SELECT sealed FROM audit_events WHERE sequence = ${sequence}`
    .pipe(Effect.map(([row]) => Buffer.from(row!.sealed)))

/**
 * Verifies with workers and in-thread; both must name the same damage, and only the first may say its
 * fast pass ran in workers (up to the first suspect: the rows the workers vouched for).
 */
export const verdicts = (core: Core) =>
  Effect.gen(function*() {
    const threaded = yield* verifyChain(core.context, { threads: workers })
    const single = yield* verifyChain(core.context, { threads: inThread })
    const { workerRows, ...verdict } = threaded
    expect(verdict).toEqual({ ...single, workerRows: undefined })
    expect(single.workerRows).toBe(0)
    expect(workerRows).toBeGreaterThan(0)
    if (threaded.ok) expect(workerRows).toBe(threaded.rowsChecked)
    return threaded
  })
