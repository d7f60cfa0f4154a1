import { Effect, Queue, Schema } from "effect"
import { createRequire } from "node:module"
import { Worker } from "node:worker_threads"
import { makeSealedCheck } from "../../crypto/sealedCheck.js"
import { canonicalBytes } from "./canonical.js"
import type { ScanJob, ScanWorkerData } from "./chainScan.js"
import { makeChainScanner, makeRowSealedCheck, scanRangeInDb } from "./chainScan.js"

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
// to ship next to the bundle, and no second copy of the canonical encoding or the link check.
// Only an SQLite result code crosses back on failure, never a message that could quote a path, a value
// or a key. The worker checks the links and opens the encrypted fields, so this thread only coordinates.
const workerSource = [
  `"use strict"`,
  `const { parentPort, workerData } = require("node:worker_threads")`,
  `const { createDecipheriv, createHmac, timingSafeEqual } = require("node:crypto")`,
  `const Database = require(workerData.sqlitePath)`,
  `const canonicalBytes = ${canonicalBytes.toString()}`,
  `const makeSealedCheck = ${makeSealedCheck.toString()}`,
  `const makeRowSealedCheck = ${makeRowSealedCheck.toString()}`,
  `const makeChainScanner = ${makeChainScanner.toString()}`,
  `const scanRangeInDb = ${scanRangeInDb.toString()}`,
  `const deps = { canonicalBytes, createHmac, timingSafeEqual }`,
  `const sealedOpens = makeRowSealedCheck(workerData.logId, workerData.aadDomain,`,
  `  makeSealedCheck(workerData.openingKeys, { createDecipheriv }), deps)`,
  `const open = (path) => new Database(path, { readonly: true, fileMustExist: true })`,
  `parentPort.on("message", (job) => {`,
  `  let reply`,
  `  try {`,
  `    const scanner = makeChainScanner(job, workerData.chainKey, workerData.rowDomain, deps, sealedOpens)`,
  `    reply = scanRangeInDb(job, workerData, scanner, open)`,
  `  } catch (error) {`,
  `    const code = error && typeof error.code === "string" ? error.code : "unknown"`,
  `    reply = { failed: code }`,
  `  }`,
  `  parentPort.postMessage(reply)`,
  `})`
].join("\n")

/** Where better-sqlite3 loads from (the same copy @effect/sql-sqlite-node uses). */
export const resolveSqlite = Effect.try({
  try: () => createRequire(import.meta.url).resolve("better-sqlite3"),
  catch: () => new ScanWorkerFailed({ message: "better-sqlite3 cannot be resolved for verify's worker threads" })
})

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
 * fields), each on its own read-only connection (WAL lets readers run beside
 * the writer). They end with the scope. A range whose worker fails is the
 * caller's to scan.
 */
export const makeScanPool = (data: Omit<ScanWorkerData, "sqlitePath">, size: number) =>
  Effect.gen(function*() {
    const sqlitePath = yield* resolveSqlite
    const idle = yield* Queue.unbounded<Worker>()
    for (let index = 0; index < size; index++) {
      const worker = yield* Effect.acquireRelease(
        Effect.try({
          try: () => new Worker(workerSource, { eval: true, workerData: { ...data, sqlitePath } }),
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
