import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { FileSystem } from "@effect/platform"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Redacted } from "effect"
import { createSecretKey, randomBytes } from "node:crypto"
import { inspect } from "node:util"
import pg from "pg"
import { hmacSha256 } from "../../../../src/crypto/mac.js"
import { canonicalBytes } from "../../../../src/security/audit/canonical.js"
import { canonicalRowSql } from "../../../../src/security/audit/chainScanPg.js"
import { resolveAuditKeys } from "../../../../src/security/audit/auditKeys.js"
import { aadDomain, rowDomain, rowMac } from "../../../../src/security/audit/chain.js"
import { makeScanPool } from "../../../../src/security/audit/chainWorkers.js"
import type { ScanThreads } from "../../../../src/security/audit/fastScan.js"
import { connectPgAuditLog } from "../../../../src/security/audit/pg/connectPg.js"
import { eventColumns, toStoredRow } from "../../../../src/security/audit/rows.js"
import { verifyChain } from "../../../../src/security/audit/verify.js"
import { postgresMissing, startPostgres } from "../../../support/postgresServer.js"
import type { PostgresServer } from "../../../support/postgresServer.js"
import { freshKey, toolCall } from "../fixtures.js"
import { freshDatabase } from "./pgFixtures.js"

let server: PostgresServer
if (postgresMissing !== undefined) console.warn(postgresMissing)

const workers: ScanThreads = { workers: 2, minRows: 0, chunkRows: 100 }
const inThread: ScanThreads = { workers: 0, minRows: 0, chunkRows: 100 }
const rows = 600

/** A chain of 600 rows on a fresh database (checkpoints at 250 and 600), opened as the server opens it. */
const writeChain = Effect.gen(function*() {
  const db = freshDatabase(server)
  const fs = yield* FileSystem.FileSystem
  const keys = yield* resolveAuditKeys({
    encryptionKey: Option.some(Redacted.make(freshKey())),
    signingKey: Option.none(),
    verifyKey: Option.none(),
    path: db.name
  })
  const connection = yield* connectPgAuditLog({
    url: Redacted.make(db.ownerUrl),
    caFile: Option.none(),
    keys,
    fs,
    checkpointEveryRows: 1_000_000,
    checkpointDir: Option.none(),
    production: false,
    writerId: Option.none(),
    leaseMs: 60_000,
    writes: true
  })
  const append = (from: number, to: number) =>
    Effect.forEach(
      Array.from({ length: to - from + 1 }, (_, index) => from + index),
      (index) => connection.journal.append(toolCall({ correlationId: `call-${index}` })),
      { concurrency: 32, discard: true }
    )
  yield* append(1, 250)
  yield* connection.journal.checkpoint
  yield* append(251, rows)
  yield* connection.journal.checkpoint
  const { context } = connection
  const chain = (yield* connection.chains).find((candidate) => candidate.context.logId === context.logId)!.chainId
  // As the superuser with the triggers off: an attacker who got past the roles.
  const tamper = (statements: string) =>
    server.psql(`SET session_replication_role = replica; ${statements.replaceAll("CHAIN", String(chain))}`, db.name)
  const source = Option.getOrThrow(context.store.scanSource)
  const workerData = {
    source,
    chainKey: createSecretKey(context.chainKey),
    rowDomain,
    columns: eventColumns,
    logId: context.logId,
    aadDomain,
    openingKeys: context.periodKeys.openingKeys([])
  }
  return { context, tamper, workerData, db, chain }
})

type Chain = Effect.Effect.Success<typeof writeChain>

/** The stored rows of the chain, decoded as verify's full walk decodes them. */
const storedRows = (context: Chain["context"]) =>
  context.store.page(0, 10 * rows, 10 * rows).pipe(
    Effect.map((paged) => paged.map((row) => toStoredRow(Either.getOrThrow(row.row))))
  )

/**
 * What an attacker holding the chain key (not the data key) could do: put other bytes in a row's encrypted
 * field and re-make every MAC from there, so every link holds and only the encrypted field gives it away.
 */
const replaceSealed = (chain: Chain, sequence: number, sealed: Uint8Array) =>
  Effect.gen(function*() {
    const all = yield* storedRows(chain.context)
    let previous = all[sequence - 2]!.mac
    const updates = [`UPDATE audit_events SET sealed = '\\x${Buffer.from(sealed).toString("hex")}'
      WHERE chain_id = CHAIN AND sequence = ${sequence}`]
    for (const row of all.slice(sequence - 1)) {
      previous = rowMac(chain.context.chainKey, previous, row.sequence === sequence ? { ...row, sealed } : row)
      updates.push(`UPDATE audit_events SET mac = '\\x${Buffer.from(previous).toString("hex")}'
        WHERE chain_id = CHAIN AND sequence = ${row.sequence}`)
    }
    chain.tamper(updates.join(";\n"))
  })

const verdict = (context: Effect.Effect.Success<typeof writeChain>["context"], threads: ScanThreads) =>
  verifyChain(context, { threads }).pipe(
    Effect.map((result) => ({
      ok: result.ok,
      rowsChecked: result.rowsChecked,
      sequence: result.failure?.sequence,
      damage: result.failure?.damage
    }))
  )

describe.skipIf(postgresMissing !== undefined)("verify's worker threads on PostgreSQL", () => {
  beforeAll(async () => {
    server = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
  })

  it.scoped("a worker reads its range of the chain on its own connection and names the first bad row", () =>
    Effect.gen(function*() {
      const { tamper, workerData } = yield* writeChain
      expect(workerData.source._tag).toBe("postgresql")
      const pool = yield* makeScanPool(workerData, 1)
      expect(yield* pool.scan({ after: 100, through: 200, marks: [] })).toEqual({ suspect: null, checked: 100 })
      tamper("UPDATE audit_events SET mac = set_byte(mac, 0, get_byte(mac, 0) # 1) WHERE chain_id = CHAIN AND sequence = 150")
      expect(yield* pool.scan({ after: 100, through: 200, marks: [] })).toEqual({ suspect: 150, checked: 49 })
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)

  it.scoped("workers judge every altered, deleted, reordered or added row as the in-thread walk does", () =>
    Effect.gen(function*() {
      const { context, tamper } = yield* writeChain
      const whole = yield* verdict(context, workers)
      expect(whole).toEqual({ ok: true, rowsChecked: rows, sequence: undefined, damage: undefined })
      const judged = (expected: { readonly sequence: number; readonly damage: string }) =>
        Effect.gen(function*() {
          const inWorkers = yield* verdict(context, workers)
          expect({ sequence: inWorkers.sequence, damage: inWorkers.damage }).toEqual(expected)
          expect(inWorkers).toEqual(yield* verdict(context, inThread))
        })
      const flipByte = (column: string, sequence: number) =>
        tamper(`UPDATE audit_events SET ${column} = set_byte(${column}, 20, get_byte(${column}, 20) # 1)
          WHERE chain_id = CHAIN AND sequence = ${sequence}`)

      // A changed clear column, a changed encrypted field, a changed MAC: each undone after.
      tamper("UPDATE audit_events SET tool = 'other_tool' WHERE chain_id = CHAIN AND sequence = 120")
      yield* judged({ sequence: 120, damage: "changed" })
      tamper("UPDATE audit_events SET tool = 'search_reservations' WHERE chain_id = CHAIN AND sequence = 120")
      flipByte("sealed", 333)
      yield* judged({ sequence: 333, damage: "changed" })
      flipByte("sealed", 333)
      flipByte("mac", 480)
      expect((yield* verdict(context, workers)).sequence).toBe(480)
      flipByte("mac", 480)
      expect(yield* verdict(context, workers)).toEqual(whole)

      // A deleted row.
      tamper(`CREATE TABLE kept AS SELECT * FROM audit_events WHERE chain_id = CHAIN AND sequence = 300;
        DELETE FROM audit_events WHERE chain_id = CHAIN AND sequence = 300`)
      yield* judged({ sequence: 300, damage: "deleted" })
      tamper("INSERT INTO audit_events SELECT * FROM kept; DROP TABLE kept")

      // Two rows swapped.
      const swap = `UPDATE audit_events SET sequence = 1000000 WHERE chain_id = CHAIN AND sequence = 400;
        UPDATE audit_events SET sequence = 400 WHERE chain_id = CHAIN AND sequence = 401;
        UPDATE audit_events SET sequence = 401 WHERE chain_id = CHAIN AND sequence = 1000000`
      tamper(swap)
      yield* judged({ sequence: 400, damage: "reordered" })
      tamper(swap)
      expect(yield* verdict(context, workers)).toEqual(whole)

      // A row added after the last one, a copy of another with its MAC.
      tamper(`INSERT INTO audit_events SELECT chain_id, ${rows + 1}, occurred_at, kind, outcome, client_ref, tool,
        hotel_id, risk_score, risk_level, duration_ms, error_tag, correlation_id, key_id, sealed, mac
        FROM audit_events WHERE chain_id = CHAIN AND sequence = ${rows}`)
      const added = yield* verdict(context, workers)
      expect(added.ok).toBe(false)
      expect(added.sequence).toBe(rows + 1)
      expect(added).toEqual(yield* verdict(context, inThread))
    }).pipe(Effect.provide(NodeFileSystem.layer)), 120_000)

  it.scoped("PostgreSQL encodes each row's canonical bytes as the log's encoder does (nulls, UTF-8, numbers, upstream ids)", () =>
    Effect.gen(function*() {
      const chain = yield* writeChain
      // Odd values the writer may never make, but the encoder must treat as canonical.ts does.
      chain.tamper(`UPDATE audit_events SET tool = NULL, hotel_id = 'Zürich ホテル 🏨', risk_score = NULL,
          duration_ms = '-0'::float8, upstream_request_ids = 'req-1 req-2' WHERE chain_id = CHAIN AND sequence = 10;
        UPDATE audit_events SET risk_score = 1e-300, error_tag = '', correlation_id = NULL, upstream_request_ids = ''
          WHERE chain_id = CHAIN AND sequence = 11;
        UPDATE audit_events SET occurred_at = 9007199254740991, risk_level = NULL, duration_ms = 'Infinity',
          kind = 'ä' WHERE chain_id = CHAIN AND sequence = 12`)
      const stored = yield* storedRows(chain.context)
      expect(stored).toHaveLength(rows)
      expect(stored[9]).toMatchObject({ tool: null, hotelId: "Zürich ホテル 🏨", upstreamRequestIds: "req-1 req-2" })
      const client = new pg.Client({ connectionString: chain.db.ownerUrl, client_encoding: "UTF8" })
      yield* Effect.acquireRelease(Effect.promise(() => client.connect()), () => Effect.promise(() => client.end()))
      const previous = randomBytes(32)
      // Both forms: the one for a UTF-8 database, and the one that counts bytes after the conversion.
      for (const serverUtf8 of [true, false]) {
        const text = `SELECT ${canonicalRowSql(canonicalBytes(rowDomain, []), serverUtf8)} FROM audit_events
          WHERE chain_id = $1 ORDER BY sequence`
        const encoded = yield* Effect.promise(() => client.query({ text, values: [chain.chain], rowMode: "array" }))
        expect(encoded.rows).toHaveLength(rows)
        encoded.rows.forEach(([value], index) => {
          const bytes = Buffer.from(value as string, "base64")
          const row = stored[index]!
          expect(bytes.subarray(0, 32).equals(row.mac)).toBe(true)
          // Equal MACs over the same key and start: the server's bytes are the encoder's bytes.
          const mine = hmacSha256(chain.context.chainKey, previous, bytes.subarray(32))
          expect(mine.equals(rowMac(chain.context.chainKey, previous, row))).toBe(true)
        })
      }
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)

  it.scoped("a worker opens every encrypted field: one sealed under another row's AAD, re-chained, is named at its row", () =>
    Effect.gen(function*() {
      const chain = yield* writeChain
      const keyed = yield* makeScanPool(chain.workerData, 1)
      const keyless = yield* makeScanPool({ ...chain.workerData, openingKeys: [] }, 1)
      const range = { after: 300, through: 400, marks: [] }
      expect(yield* keyed.scan(range)).toEqual({ suspect: null, checked: 100 })
      // The links all hold, so only decryption can name row 301 here.
      expect(yield* keyless.scan(range)).toEqual({ suspect: 301, checked: 0 })
      const all = yield* storedRows(chain.context)
      yield* replaceSealed(chain, 350, all[348]!.sealed)
      expect(yield* keyed.scan(range)).toEqual({ suspect: 350, checked: 49 })
      const inWorkers = yield* verdict(chain.context, workers)
      expect(inWorkers).toEqual({ ok: false, rowsChecked: 349, sequence: 350, damage: "changed" })
      expect(inWorkers).toEqual(yield* verdict(chain.context, inThread))
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)

  it.scoped("a worker that cannot log in fails with the SQLSTATE, never the password or a key", () =>
    Effect.gen(function*() {
      const { workerData } = yield* writeChain
      const source = workerData.source
      if (source._tag !== "postgresql") return expect.unreachable()
      const password = "not-the-password-31337"
      const pool = yield* makeScanPool({
        ...workerData,
        source: { ...source, target: { ...source.target, password: Redacted.make(password) } }
      }, 1)
      const failed = yield* Effect.flip(pool.scan({ after: 0, through: 10, marks: [] }))
      expect(failed.message).toBe("verify worker could not scan (28P01)")
      const shown = [failed.message, String(failed), inspect(failed), JSON.stringify(failed)].join("\n")
      expect(shown).not.toContain(password)
      expect(shown).not.toContain(workerData.chainKey.export().toString("hex"))
      // The pool's verify falls back to scanning in-thread: the verdict is the same.
    }).pipe(Effect.provide(NodeFileSystem.layer)), 60_000)
})
