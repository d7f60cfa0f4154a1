import { Effect, Either, Option, Ref } from "effect"
import { createHmac, timingSafeEqual } from "node:crypto"
import { availableParallelism } from "node:os"
import type { AuditContext } from "./AuditContext.js"
import { canonicalBytes } from "./canonical.js"
import { rowDomain } from "./chain.js"
import type { ChainScanner, ScanDeps, ScanJob } from "./chainScan.js"
import { makeChainScanner } from "./chainScan.js"
import type { ScanOutcome } from "./chainWorkers.js"
import { makeScanPool } from "./chainWorkers.js"
import type { AuditUnavailable } from "./errors.js"
import { authenticateRow, eventColumns } from "./rows.js"

/** When verify spreads the chain check over worker threads. */
export interface ScanThreads {
  /** Worker threads; 0 scans in-thread. */
  readonly workers: number
  /** Logs with fewer rows are scanned in-thread (starting workers costs more than it saves). */
  readonly minRows: number
  /** Rows per range handed to a worker. */
  readonly chunkRows: number
}

// One core keeps opening the encrypted fields (the keyring's keys stay in this thread); the others take the chain.
export const defaultScanThreads = (): ScanThreads => ({
  workers: Math.max(1, Math.min(availableParallelism() - 1, 7)),
  minRows: 50_000,
  chunkRows: 50_000
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

/**
 * The first sequence after `start` the fast pass cannot vouch for (None: every
 * row through `through` links, opens and matches its signed heads). Runs
 * in-thread for small or in-memory logs; otherwise worker threads check
 * ranges of the chain while this thread opens every encrypted field.
 */
export const firstSuspect = (context: AuditContext, options: FastScanOptions) =>
  Effect.gen(function*() {
    const { start, through, threads } = options
    const total = Math.max(0, through - start.sequence)
    const report = yield* progressReporter(total, options.onProgress)
    const useWorkers = threads.workers > 0 && total >= threads.minRows && context.store.path !== ":memory:"
    if (!useWorkers) {
      const [whole] = splitRange(options, total)
      const suspect = yield* scanInThread(context, whole!, true, (rows) => report("chain", rows).pipe(
        Effect.zipRight(report("sealed", rows))
      ))
      return Option.fromNullable(suspect)
    }
    const jobs = splitRange(options, threads.chunkRows)
    const chain = Effect.scoped(Effect.gen(function*() {
      const pool = yield* makeScanPool({
        dbPath: context.store.path,
        chainKey: context.chainKey,
        rowDomain,
        columns: eventColumns
      }, Math.min(threads.workers, jobs.length)).pipe(Effect.option)
      const suspects = yield* Effect.forEach(jobs, (job) => {
        const inThread = scanInThread(context, job, false, () => Effect.void)
        const scanned: Effect.Effect<ScanOutcome, AuditUnavailable> = Option.isSome(pool)
          ? pool.value.scan(job).pipe(
            Effect.catchTag("ScanWorkerFailed", () =>
              inThread.pipe(Effect.map((suspect) => ({ suspect, checked: job.through - job.after })))
            )
          )
          : inThread.pipe(Effect.map((suspect) => ({ suspect, checked: job.through - job.after })))
        return scanned.pipe(Effect.tap((outcome) => report("chain", outcome.checked)))
      }, { concurrency: Option.match(pool, { onNone: () => 1, onSome: (p) => p.size }) })
      return lowest(suspects.map((outcome) => outcome.suspect))
    }))
    const sealed = openEverySealed(context, start.sequence, through, (rows) => report("sealed", rows))
    const [chainSuspect, sealedSuspect] = yield* Effect.all([chain, sealed], { concurrency: 2 })
    return Option.fromNullable(lowest([chainSuspect, sealedSuspect]))
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

/** Scans one range on this thread, page by page; with `openSealed`, also opens each row's encrypted field. */
const scanInThread = (
  context: AuditContext,
  job: ScanJob,
  openSealed: boolean,
  onPage: (rows: number) => Effect.Effect<void>
): Effect.Effect<number | null, AuditUnavailable> =>
  Effect.gen(function*() {
    const scanner: ChainScanner = makeChainScanner(job, context.chainKey, rowDomain, deps)
    // Without a given start value the scanner first reads row `after` for its MAC.
    let cursor = job.previous === undefined ? job.after - 1 : job.after
    while (cursor < job.through) {
      const rows = yield* context.store.valuesPage(cursor, job.through, pageRows)
      if (rows.length === 0) break
      for (const raw of rows) {
        const suspect = scanner.feed(raw)
        if (suspect !== undefined) return suspect
        if (openSealed && raw[0] !== job.after && !sealedOpens(context, raw[0], raw[13])) return raw[0] as number
      }
      cursor = Number(rows[rows.length - 1]![0])
      yield* onPage(rows.length)
    }
    return scanner.finish() ?? null
  })

const sealedOpens = (context: AuditContext, sequence: unknown, sealed: unknown) =>
  typeof sequence === "number" && sealed instanceof Uint8Array &&
  Either.isRight(authenticateRow(context.keyring, context.logId, { sequence, sealed }))

/** Opens every encrypted field in (after, through]; the lowest sequence that does not open. */
const openEverySealed = (
  context: AuditContext,
  after: number,
  through: number,
  onPage: (rows: number) => Effect.Effect<void>
): Effect.Effect<number | null, AuditUnavailable> =>
  Effect.gen(function*() {
    let cursor = after
    while (cursor < through) {
      const rows = yield* context.store.sealedPage(cursor, through, pageRows)
      if (rows.length === 0) return null
      for (const [sequence, sealed] of rows) {
        // A row without a number or bytes here fails the chain scan; this pass only opens fields.
        if (typeof sequence === "number" && !sealedOpens(context, sequence, sealed)) return sequence
      }
      const next = Number(rows[rows.length - 1]![0])
      if (!(next > cursor)) return null
      cursor = next
      yield* onPage(rows.length)
    }
    return null
  })

/** Reports min(chain rows, sealed rows) checked, never going backwards, one report at a time. */
const progressReporter = (total: number, onProgress: FastScanOptions["onProgress"]) =>
  Effect.gen(function*() {
    const counts = yield* Ref.make({ chain: 0, sealed: 0, shown: -1 })
    const lock = yield* Effect.makeSemaphore(1)
    return (side: "chain" | "sealed", rows: number): Effect.Effect<void> =>
      onProgress === undefined ? Effect.void : lock.withPermits(1)(Effect.gen(function*() {
        const next = yield* Ref.updateAndGet(counts, (c) => ({ ...c, [side]: c[side] + rows }))
        const checked = Math.min(total, next.chain, next.sealed)
        if (checked <= next.shown) return
        yield* Ref.update(counts, (c) => ({ ...c, shown: checked }))
        yield* onProgress(checked, total)
      }))
  })
