/**
 * Fills a chain of the PostgreSQL audit log with `rows` events fast, for the verify figure: each row is
 * sealed and chained by the log's own code (sealEvent, rowMac, the day's data key), as an append would
 * make it, but they go in as multi-row INSERTs of the store's largest size, two in flight, instead of one
 * append at a time. The chain is taken as a writer takes one and freed at the end (no checkpoint signed:
 * the next writer, which takes it over, signs one at its close).
 */
import { NodeFileSystem } from "@effect/platform-node"
import { FileSystem } from "@effect/platform"
import { Clock, Effect, Option, Redacted } from "effect"
import { resolveAuditKeys } from "../../src/security/audit/auditKeys.js"
import type { StoredRow } from "../../src/security/audit/chain.js"
import { genesisMac, rowMac } from "../../src/security/audit/chain.js"
import { connectPgAuditLog } from "../../src/security/audit/pg/connectPg.js"
import { sealEvent } from "../../src/security/audit/rows.js"
import { event } from "./audit.js"

export const fillPgChain = (options: { readonly url: string; readonly encryptionKey: string; readonly rows: number }) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const keys = yield* resolveAuditKeys({
      encryptionKey: Option.some(Redacted.make(options.encryptionKey)),
      signingKey: Option.none(),
      verifyKey: Option.none(),
      path: "bench"
    })
    const connection = yield* connectPgAuditLog({
      url: Redacted.make(options.url),
      caFile: Option.none(),
      keys,
      fs,
      checkpointEveryRows: 1_000_000_000,
      checkpointDir: Option.none(),
      production: false,
      writerId: Option.some("bench-fill"),
      leaseMs: 600_000,
      writes: true
    })
    const { context } = connection
    const { store } = context
    const last = yield* store.lastEvent
    let sequence = Option.match(last, { onNone: () => 0, onSome: (row) => row.sequence })
    let head: Uint8Array = Option.match(last, {
      onNone: () => genesisMac(context.chainKey, context.logId),
      onSome: (row) => row.mac
    })
    const clientRef = "bench-client-ref"
    const occurredAt = Math.floor(yield* Clock.currentTimeMillis)
    const dataKey = yield* context.periodKeys.sealingKey(occurredAt)
    const batch = store.maxRowsPerInsert
    const batches: Array<ReadonlyArray<StoredRow>> = []
    const flush = Effect.suspend(() =>
      Effect.forEach(batches.splice(0), (rows) => store.insertEvents(rows), { concurrency: 2, discard: true })
    )
    for (let made = 0; made < options.rows;) {
      const rows: Array<StoredRow> = []
      for (; rows.length < batch && made < options.rows; made++) {
        sequence++
        const row = sealEvent({ dataKey, logId: context.logId, sequence, occurredAt, clientRef, event: event(sequence) })
        head = rowMac(context.chainKey, head, row)
        rows.push({ ...row, mac: head })
      }
      batches.push(rows)
      if (batches.length === 8) yield* flush
    }
    yield* flush
    return sequence
  }).pipe(Effect.scoped, Effect.provide(NodeFileSystem.layer))
