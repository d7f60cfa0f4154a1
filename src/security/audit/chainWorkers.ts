import { Effect, Queue, Redacted, Schema } from "effect"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { Worker } from "node:worker_threads"
import { makeSealedCheck } from "../../crypto/sealedCheck.js"
import { canonicalBytes } from "./canonical.js"
import type { ScanJob, ScanSource, ScanWorkerData } from "./chainScan.js"
import { makeChainScanner, makeRowSealedCheck, scanRangeInDb } from "./chainScan.js"
import { encodedRows, makeEncodedRowScanner, scanRangeInPg } from "./chainScanPg.js"
import { tlsOptions } from "./pg/pgSettings.js"

/** A worker could not scan its range (it did not start, could not open the log, or died); the caller scans in-thread. */
export class ScanWorkerFailed extends Schema.TaggedError<ScanWorkerFailed>()("ScanWorkerFailed", {
  message: Schema.String
}) {}

const ScanReply = Schema.Union(
  Schema.Struct({ suspect: Schema.NullOr(Schema.Number), checked: Schema.Number }),
  Schema.Struct({ failed: Schema.String })
)
const decodeReply = Schema.decodeUnknown(ScanReply)
export type ScanOutcome = { readonly suspect: number | null; readonly checked: number }

// The worker runs the very functions verify uses in-thread, from their source text: no worker file
// to ship next to the bundle, and no second copy of the canonical encoding or the link check. (On
// PostgreSQL the server encodes the rows and the worker checks them with chainScanPg.ts; the tests hold
// that encoding equal to canonical.ts's.)
// Only a result code (SQLite's, or PostgreSQL's SQLSTATE) crosses back on failure, never a message that
// could quote a path, a value or a key. The worker checks the links and opens the encrypted fields, so
// this thread only coordinates.
const commonSource = [
  `"use strict"`,
  `const { parentPort, workerData } = require("node:worker_threads")`,
  `const { createDecipheriv, createHmac, timingSafeEqual } = require("node:crypto")`,
  `const canonicalBytes = ${canonicalBytes.toString()}`,
  `const makeSealedCheck = ${makeSealedCheck.toString()}`,
  `const makeRowSealedCheck = ${makeRowSealedCheck.toString()}`,
  `const makeChainScanner = ${makeChainScanner.toString()}`,
  `const deps = { canonicalBytes, createHmac, timingSafeEqual }`,
  `const sealedOpens = makeRowSealedCheck(workerData.logId, workerData.aadDomain,`,
  `  makeSealedCheck(workerData.openingKeys, { createDecipheriv }), deps)`,
  `const failure = (error) => ({ failed: error && typeof error.code === "string" ? error.code : "unknown" })`
]

const sqliteWorkerSource = [
  ...commonSource,
  `const Database = require(workerData.modulePath)`,
  `const scanRangeInDb = ${scanRangeInDb.toString()}`,
  `const open = (path) => new Database(path, { readonly: true, fileMustExist: true })`,
  `parentPort.on("message", (job) => {`,
  `  let reply`,
  `  try {`,
  `    const scanner = makeChainScanner(job, workerData.chainKey, workerData.rowDomain, deps, sealedOpens)`,
  `    reply = scanRangeInDb(job, workerData, scanner, open)`,
  `  } catch (error) {`,
  `    reply = failure(error)`,
  `  }`,
  `  parentPort.postMessage(reply)`,
  `})`
].join("\n")

// One connection per worker, opened at its first job with the pool's settings (TLS as the pool's: the same
// `tlsOptions`). PostgreSQL encodes each row's canonical bytes (chainScanPg.ts), so the worker decodes
// one value per row. A dropped connection fails the pending query.
const pgWorkerSource = [
  ...commonSource,
  `const pg = require(workerData.modulePath)`,
  `const makeEncodedRowScanner = ${makeEncodedRowScanner.toString()}`,
  `const scanRangeInPg = ${scanRangeInPg.toString()}`,
  `const tlsOptions = ${tlsOptions.toString()}`,
  `const target = workerData.target`,
  `const client = new pg.Client({ host: target.host, port: target.port, database: target.database,`,
  `  user: target.user, password: target.password, ssl: tlsOptions(target, target.ca), client_encoding: "UTF8",`,
  `  application_name: "opera-cloud-mcp verify", connectionTimeoutMillis: 10000 })`,
  `client.on("error", () => {})`,
  `let connected`,
  `let rowSql`,
  `const query = (text, values) => client.query({ text, values, rowMode: "array" }).then((result) => result.rows)`,
  `parentPort.on("message", async (job) => {`,
  `  let reply`,
  `  try {`,
  `    connected ??= client.connect()`,
  `    await connected`,
  `    rowSql ??= await query("SELECT current_setting('server_encoding') = 'UTF8'", [])`,
  `      .then((rows) => rows[0][0] === true ? workerData.rowSql.utf8 : workerData.rowSql.other)`,
  `    const scanner = makeEncodedRowScanner(job, workerData.chainKey, workerData.domainPrefix, deps, sealedOpens)`,
  `    reply = await scanRangeInPg(job, { rowSql, chainId: target.chainId,`,
  `      sequenceAt: workerData.sequenceAt }, scanner, query)`,
  `  } catch (error) {`,
  `    reply = failure(error)`,
  `  }`,
  `  parentPort.postMessage(reply)`,
  `})`
].join("\n")

const resolveModule = (name: string) =>
  Effect.try({
    try: () => createRequire(import.meta.url).resolve(name),
    catch: () => new ScanWorkerFailed({ message: `${name} cannot be resolved for verify's worker threads` })
  })

/** Where better-sqlite3 loads from (the same copy @effect/sql-sqlite-node uses). */
export const resolveSqlite = resolveModule("better-sqlite3")

/**
 * The bundle inlines `pg`, so an installed package has no node_modules copy for a worker to require:
 * the build gives the workers their own CommonJS bundle of it, `verify-worker-pg.cjs` at the top of the
 * bundle's folder, which this code finds from the bundle's entry (one folder up from its chunks, or
 * two from the library's). Run from the sources, there is none and the workers require `pg` itself.
 */
export const bundledPgName = "verify-worker-pg.cjs"
const bundledPg = Effect.sync(() =>
  ["./", "../", "../../"].map((up) => fileURLToPath(new URL(up + bundledPgName, import.meta.url))).find(existsSync)
)

const resolvePg = Effect.flatMap(bundledPg, (bundled) => bundled === undefined ? resolveModule("pg") : Effect.succeed(bundled))

const request = (worker: Worker, job: ScanJob) =>
  Effect.async<unknown, ScanWorkerFailed>((resume) => {
    // A worker that has exited (threadId -1) would never answer.
    if (worker.threadId < 0) return resume(Effect.fail(new ScanWorkerFailed({ message: "verify worker exited" })))
    const done = () => {
      worker.off("message", onMessage)
      worker.off("error", onError)
      worker.off("exit", onExit)
    }
    const onMessage = (reply: unknown) => {
      done()
      resume(Effect.succeed(reply))
    }
    const onError = () => {
      done()
      resume(Effect.fail(new ScanWorkerFailed({ message: "verify worker failed" })))
    }
    const onExit = () => {
      done()
      resume(Effect.fail(new ScanWorkerFailed({ message: "verify worker exited" })))
    }
    worker.on("message", onMessage)
    worker.on("error", onError)
    worker.on("exit", onExit)
    worker.postMessage(job)
    return Effect.sync(done)
  }).pipe(
    Effect.flatMap(decodeReply),
    Effect.mapError((error) =>
      error._tag === "ScanWorkerFailed" ? error : new ScanWorkerFailed({ message: "verify worker sent a malformed reply" })
    ),
    Effect.flatMap((reply) =>
      "failed" in reply
        ? Effect.fail(new ScanWorkerFailed({ message: `verify worker could not scan (${reply.failed})` }))
        : Effect.succeed(reply satisfies ScanOutcome)
    )
  )

/**
 * `size` worker threads that scan ranges of the chain (links and encrypted
 * fields), each on its own read-only connection: to the SQLite file (WAL lets
 * readers run beside the writer), or to PostgreSQL with the pool's settings.
 * They end with the scope. A range whose worker fails is the caller's to scan.
 */
export const makeScanPool = (
  { source, ...data }: ScanWorkerData & { readonly source: ScanSource },
  size: number
) =>
  Effect.gen(function*() {
    const modulePath = yield* (source._tag === "sqlite" ? resolveSqlite : resolvePg)
    const [workerSource, workerData] = source._tag === "sqlite"
      ? [sqliteWorkerSource, { ...data, modulePath, dbPath: source.path }]
      : [pgWorkerSource, {
        ...data,
        modulePath,
        ...encodedRows(canonicalBytes(data.rowDomain, [])),
        target: {
          ...source.target,
          password: source.target.password === undefined ? undefined : Redacted.value(source.target.password)
        }
      }]
    const idle = yield* Queue.unbounded<Worker>()
    for (let index = 0; index < size; index++) {
      const worker = yield* Effect.acquireRelease(
        Effect.try({
          try: () => new Worker(workerSource, { eval: true, workerData }),
          catch: () => new ScanWorkerFailed({ message: "verify worker could not start" })
        }),
        (worker) => Effect.promise(() => worker.terminate())
      )
      yield* Queue.offer(idle, worker)
    }
    const scan = (job: ScanJob): Effect.Effect<ScanOutcome, ScanWorkerFailed> =>
      Effect.acquireUseRelease(Queue.take(idle), (worker) => request(worker, job), (worker) => Queue.offer(idle, worker))
    return { scan, size } as const
  })
