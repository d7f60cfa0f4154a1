import { Effect, Fiber, Option, Ref } from "effect"
import { createDecipheriv, createHmac, createSecretKey, timingSafeEqual } from "node:crypto"
import { availableParallelism } from "node:os"
import { makeSealedCheck } from "../../crypto/sealedCheck.js"
import type { AuditContext } from "./AuditContext.js"
import { canonicalBytes } from "./canonical.js"
import { aadDomain, rowDomain } from "./chain.js"
import type { ChainScanner, RowSealedCheck, ScanDeps, ScanJob } from "./chainScan.js"
import { makeChainScanner, makeRowSealedCheck } from "./chainScan.js"
import type { ScanOutcome } from "./chainWorkers.js"
import { makeScanPool } from "./chainWorkers.js"
import type { AuditUnavailable } from "./errors.js"
import { eventColumns } from "./rows.js"

/** When verify spreads the fast pass over worker threads. */
export interface ScanThreads {
  /** Worker threads; 0 scans in-thread. */
  readonly workers: number
  /** Logs with fewer rows are scanned in-thread (starting workers costs more than it saves). */
  readonly minRows: number
  /** Rows per range handed to a worker. */
  readonly chunkRows: number
}

// The workers check the links and open the encrypted fields; this thread only hands out ranges,
// so every core takes a worker.
export const defaultScanThreads = (): ScanThreads => ({
  workers: Math.max(1, Math.min(availableParallelism(), 8)),
  minRows: 50_000,
  chunkRows: 25_000
})

export interface FastScanOptions {
  /** The chain value the first row links to (anchor or genesis) and its sequence. */
  readonly start: { readonly sequence: number; readonly digest: Uint8Array }
  readonly through: number
  /** Signed chain heads after `start`, ascending. */
  readonly marks: ReadonlyArray<{ readonly sequence: number; readonly digest: Uint8Array }>
  readonly threads: ScanThreads
  readonly onProgress?: ((checked: number, total: number) => Effect.Effect<void>) | undefined
}

const deps: ScanDeps = { canonicalBytes, createHmac, timingSafeEqual }
const pageRows = 5000

/** What the fast pass found: its first suspect, and how many rows worker threads checked. */
export interface FastScanOutcome {
  readonly suspect: Option.Option<number>
  /** Rows vouched for by worker threads (0: scanned in this thread, a small log or no worker could start). */
  readonly workerRows: number
}

/**
 * The first sequence after `start` the fast pass cannot vouch for (None: every
 * row through `through` links, opens and matches its signed heads). Runs
 * in-thread for small or in-memory logs; otherwise worker threads scan ranges
 * of the chain, each checking links and encrypted fields, with the data keys
 * of the generations the log lists (a row under any other generation is a
 * suspect, which the full walk then judges with the keyring).
 */
export const firstSuspect = (context: AuditContext, options: FastScanOptions) =>
  Effect.gen(function*() {
    const { start, through, threads } = options
    const total = Math.max(0, through - start.sequence)
    const report = yield* progressReporter(total, options.onProgress)
    // Shredded period keys come header-only: their rows are vouched for by the chain MAC alone.
    const openingKeys = context.periodKeys.openingKeys((yield* context.store.keys).map((row) => row.generation))
    const sealedOpens = makeRowSealedCheck(context.logId, aadDomain, makeSealedCheck(openingKeys, { createDecipheriv }), deps)
    const scanSource = context.store.scanSource
    const useWorkers = threads.workers > 0 && total >= threads.minRows && Option.isSome(scanSource)
    if (!useWorkers || Option.isNone(scanSource)) {
      const [whole] = splitRange(options, total)
      return { suspect: Option.fromNullable(yield* scanInThread(context, whole!, sealedOpens, report)), workerRows: 0 }
    }
    const jobs = splitRange(options, threads.chunkRows)
    return yield* Effect.scoped(Effect.gen(function*() {
      const pool = yield* makeScanPool({
        source: scanSource.value,
        // KeyObjects, not bytes: what a worker is handed prints as `SecretKeyObject {}` if anything ever logs it.
        chainKey: createSecretKey(context.chainKey),
        rowDomain,
        columns: eventColumns,
        logId: context.logId,
        aadDomain,
        openingKeys
      }, Math.min(threads.workers, jobs.length)).pipe(Effect.option)
      const outcomes = yield* Effect.forEach(jobs, (job) => {
        const inThread = scanInThread(context, job, sealedOpens, () => Effect.void).pipe(
          Effect.map((suspect) => ({ suspect, checked: job.through - job.after, inWorker: false }))
        )
        const scanned: Effect.Effect<ScanOutcome & { readonly inWorker: boolean }, AuditUnavailable> = Option.isSome(pool)
          ? pool.value.scan(job).pipe(
            Effect.map((outcome) => ({ ...outcome, inWorker: true })),
            Effect.catchTag("ScanWorkerFailed", () => inThread)
          )
          : inThread
        return scanned.pipe(Effect.tap((outcome) => report(outcome.checked)))
      }, { concurrency: Option.match(pool, { onNone: () => 1, onSome: (p) => p.size }) })
      return {
        suspect: Option.fromNullable(lowest(outcomes.map((outcome) => outcome.suspect))),
        workerRows: outcomes.reduce((sum, outcome) => sum + (outcome.inWorker ? outcome.checked : 0), 0)
      }
    }))
  })

const lowest = (suspects: ReadonlyArray<number | null>): number | null =>
  suspects.reduce<number | null>((low, next) => (next !== null && (low === null || next < low) ? next : low), null)

/** (start, through] in ranges of `size` rows; the first links to `start.digest`, the others to their row before. */
const splitRange = (options: FastScanOptions, size: number): ReadonlyArray<ScanJob> => {
  const jobs: Array<ScanJob> = []
  const step = Math.max(1, size)
  for (let after = options.start.sequence; after < options.through || jobs.length === 0; after += step) {
    const through = Math.min(options.through, after + step)
    const marks = options.marks.filter((mark) => mark.sequence > after && mark.sequence <= through)
      .map((mark) => [mark.sequence, mark.digest] as const)
    jobs.push(after === options.start.sequence
      ? { after, through, previous: options.start.digest, marks }
      : { after, through, marks })
  }
  return jobs
}

/** Scans one range on this thread, page by page, with the same scanner and sealed check the workers run. */
const scanInThread = (
  context: AuditContext,
  job: ScanJob,
  sealedOpens: RowSealedCheck,
  onPage: (rows: number) => Effect.Effect<void>
): Effect.Effect<number | null, AuditUnavailable> =>
  Effect.gen(function*() {
    const scanner: ChainScanner = makeChainScanner(job, context.chainKey, rowDomain, deps, sealedOpens)
    // Without a given start value the scanner first reads row `after` for its MAC.
    let cursor = job.previous === undefined ? job.after - 1 : job.after
    // Over a network (PostgreSQL) the next page is asked for before this one is scanned, so the server
    // reads it while this thread checks MACs; an SQLite read is synchronous and gains nothing from it.
    const prefetch = context.store.dialect === "postgresql"
    let next: Fiber.Fiber<ReadonlyArray<ReadonlyArray<unknown>>, AuditUnavailable> | undefined
    while (cursor < job.through) {
      const rows = next === undefined
        ? yield* context.store.valuesPage(cursor, job.through, pageRows)
        : yield* Fiber.join(next)
      next = undefined
      if (rows.length === 0) break
      const last = Number(rows[rows.length - 1]![0])
      if (prefetch && last < job.through) next = yield* Effect.fork(context.store.valuesPage(last, job.through, pageRows))
      for (const raw of rows) {
        const suspect = scanner.feed(raw)
        if (suspect !== undefined) {
          if (next !== undefined) yield* Fiber.interrupt(next)
          return suspect
        }
      }
      cursor = last
      yield* onPage(rows.length)
    }
    return scanner.finish() ?? null
  })

/** Reports rows checked so far, one report at a time, never going backwards. */
const progressReporter = (total: number, onProgress: FastScanOptions["onProgress"]) =>
  Effect.gen(function*() {
    const checked = yield* Ref.make(0)
    const lock = yield* Effect.makeSemaphore(1)
    return (rows: number): Effect.Effect<void> =>
      onProgress === undefined ? Effect.void : lock.withPermits(1)(
        Ref.updateAndGet(checked, (count) => Math.min(total, count + rows)).pipe(
          Effect.flatMap((count) => onProgress(count, total))
        )
      )
  })
