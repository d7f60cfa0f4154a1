import { Effect, Either, Option } from "effect"
import { macEqual } from "../../crypto/mac.js"
import type { AuditContext } from "./AuditContext.js"
import type { SignedRow } from "./AuditStore.js"
import type { StoredRow } from "./chain.js"
import { genesisMac, rowMac } from "./chain.js"
import type { CheckpointFile } from "./checkpoints.js"
import { fileSignatureHolds, fromCheckpointFile, signatureHolds } from "./checkpoints.js"
import type { AuditUnavailable } from "./errors.js"
import type { ScanThreads } from "./fastScan.js"
import { defaultScanThreads, firstSuspect } from "./fastScan.js"
import { authenticateRow, toStoredRow } from "./rows.js"

export type Damage =
  | "changed"
  | "deleted"
  | "reordered"
  | "truncated"
  | "wrong_key"
  | "bad_signature"
  | "rolled_back"
  | "missing_key"

export interface VerifyFailure {
  /** The first sequence number that does not verify. */
  readonly sequence: number
  readonly damage: Damage
  readonly message: string
}

export interface VerifyResult {
  readonly ok: boolean
  readonly rowsChecked: number
  /** First and last sequence walked; 0 when the log holds no rows. */
  readonly firstSequence: number
  readonly lastSequence: number
  readonly anchorSequence: number
  readonly checkpointsChecked: number
  /** Rows whose personal fields were shredded by personal-data retention (signed shred record; chain verified). */
  readonly shreddedRows: number
  /**
   * Rows whose links and encrypted fields worker threads checked (the fast pass); 0 when this thread
   * scanned them all: a log under 50,000 rows, or no worker could start (then verify is slower, not weaker).
   */
  readonly workerRows: number
  readonly failure?: VerifyFailure
  /** PostgreSQL: the verdict of each chain (the figures above are their sums, the failure the first chain's). */
  readonly chains?: ReadonlyArray<ChainVerdict>
}

export interface ChainVerdict {
  readonly chainId: number
  readonly ok: boolean
  readonly rowsChecked: number
  readonly firstSequence: number
  readonly lastSequence: number
  readonly checkpointsChecked: number
  readonly failure?: VerifyFailure
}

export interface VerifyOptions {
  /** Checkpoints kept outside the db (`--checkpoint FILE`); they catch a truncated tail. */
  readonly checkpoints?: ReadonlyArray<CheckpointFile>
  /** Stop at this sequence (retention checks only the rows it is about to remove). */
  readonly through?: number
  readonly onProgress?: (checked: number, total: number) => Effect.Effect<void>
  /** Worker threads for the fast pass (links and encrypted fields); default: one per core, for logs of 50,000+ rows. */
  readonly threads?: ScanThreads
}

const pageSize = 2000
const reorderLookahead = 100_000

interface Expected {
  readonly sequence: number
  readonly digest: Uint8Array
  readonly source: string
}

/**
 * Walks the chain page by page (memory stays flat however long the log):
 * every MAC, every encrypted field, the retention anchor and every signed
 * checkpoint, from the db and from files. Stops at the first bad sequence and
 * names the damage.
 */
export const verifyChain = (
  context: AuditContext,
  options: VerifyOptions = {},
  attempt = 0
): Effect.Effect<VerifyResult, AuditUnavailable> =>
  verifyOnce(context, options).pipe(
    Effect.flatMap((result) =>
      // Retention in another process may remove rows while we walk: if a newer anchor
      // now covers the gap, walk again from it.
      result.failure?.damage === "deleted" && attempt < 2
        ? context.store.lastAnchor.pipe(
          Effect.flatMap((anchor) =>
            Option.isSome(anchor) && anchor.value.sequence !== result.anchorSequence
              ? verifyChain(context, options, attempt + 1)
              : Effect.succeed(result)
          )
        )
        : Effect.succeed(result)
    )
  )

const verifyOnce = (context: AuditContext, options: VerifyOptions) =>
  Effect.gen(function*() {
    const { store } = context
    const fail = (sequence: number, damage: Damage, message: string) =>
      Effect.fail<VerifyFailure>({ sequence, damage, message })

    yield* context.periodKeys.reload
    const anchor = yield* store.lastAnchor
    const start = Option.match(anchor, {
      onNone: () => ({ sequence: 0, digest: genesisMac(context.chainKey, context.logId) as Uint8Array }),
      onSome: (row) => ({ sequence: row.sequence, digest: row.digest })
    })
    const last = Option.match(yield* store.lastEvent, { onNone: () => start.sequence, onSome: (row) => row.sequence })
    const through = Math.min(options.through ?? last, last)
    // Set by the fast pass below; reported beside the verdict, whichever it is.
    let workerRows = 0

    const walk = Effect.gen(function*() {
      if (Option.isSome(anchor) && !signatureHolds("anchor", context.trusted, context.logId, anchor.value)) {
        const message = `the retention anchor at ${start.sequence} is not signed by the trusted key`
        return yield* fail(start.sequence + 1, "bad_signature", message)
      }
      const foreign = (options.checkpoints ?? []).find((file) => file.logId !== context.logId)
      if (foreign !== undefined) {
        return yield* fail(foreign.sequence, "bad_signature", `checkpoint file is for another audit log (${foreign.logId})`)
      }
      const signed: Array<Expected> = []
      const check = (row: SignedRow, source: string) =>
        signatureHolds("checkpoint", context.trusted, context.logId, row)
          ? Effect.sync(() => signed.push({ sequence: row.sequence, digest: row.digest, source }))
          : fail(row.sequence, "bad_signature", `${source} at ${row.sequence} is not signed by the trusted key`)
      for (const row of yield* store.checkpoints(start.sequence)) yield* check(row, "checkpoint")
      for (const file of options.checkpoints ?? []) {
        if (file.sequence < start.sequence) continue
        if (!fileSignatureHolds(context.trusted, file)) {
          const message = `exported checkpoint at ${file.sequence} is not signed by the trusted key`
          return yield* fail(file.sequence, "bad_signature", message)
        }
        signed.push({ sequence: file.sequence, digest: fromCheckpointFile(file).digest, source: "exported checkpoint" })
      }
      signed.sort((a, b) => a.sequence - b.sequence)

      let expected = start.sequence + 1
      let previous: Uint8Array = start.digest
      let pending = 0
      const total = Math.max(0, through - start.sequence)
      // Synchronous per row: an Effect per row would cost more than the MAC itself.
      const signedMismatch = (sequence: number, digest: Uint8Array): VerifyFailure | undefined => {
        while (pending < signed.length && signed[pending]!.sequence <= sequence) {
          const mark = signed[pending]!
          pending++
          if (mark.sequence === sequence && !macEqual(mark.digest, digest)) {
            const message = `the chain head at ${sequence} differs from the signed ${mark.source}`
            return { sequence, damage: "changed", message }
          }
        }
        return undefined
      }
      const startMismatch = signedMismatch(start.sequence, start.digest)
      if (startMismatch !== undefined) return yield* Effect.fail(startMismatch)

      // The fast pass vouches for every row before its suspect (links, encrypted fields, signed heads);
      // the full walk below resumes at the suspect to name the damage exactly as it would from the start.
      const { suspect, ...scanned } = yield* firstSuspect(context, {
        start,
        through,
        marks: signed.filter((mark) => mark.sequence > start.sequence),
        threads: options.threads ?? defaultScanThreads(),
        onProgress: options.onProgress
      })
      workerRows = scanned.workerRows
      const resumeAt = Option.getOrElse(suspect, () => through + 1)
      const before = resumeAt - 1 > start.sequence ? yield* macOf(context, resumeAt - 1) : Option.some(start.digest)
      if (Option.isSome(before)) {
        expected = resumeAt
        previous = before.value
        while (pending < signed.length && signed[pending]!.sequence < resumeAt) pending++
      }

      while (expected <= through) {
        const rows = yield* store.page(expected - 1, through, pageSize)
        if (rows.length === 0) break
        for (const paged of rows) {
          if (paged.sequence !== expected) {
            return yield* fail(expected, "deleted", `row ${expected} is missing (next row is ${paged.sequence})`)
          }
          if (Either.isLeft(paged.row)) return yield* fail(expected, "changed", `row ${expected}: ${paged.row.left}`)
          const row = toStoredRow(paged.row.right)
          const mac = rowMac(context.chainKey, previous, row)
          if (!macEqual(mac, row.mac)) {
            const moved = yield* findMovedRow(context, previous, expected, through)
            return yield* Option.isSome(moved)
              ? fail(expected, "reordered", `row ${expected} was moved (its content is at ${moved.value})`)
              : fail(expected, "changed", `row ${expected} was changed or does not belong to this log`)
          }
          // A key made by another process since this walk began is read before a row under it is judged.
          if (context.periodKeys.unknown(row.keyId)) yield* context.periodKeys.reload
          const opened = authenticateRow(context.periodKeys.open, context.logId, row)
          if (Either.isLeft(opened) && opened.left._tag === "SealedOpenFailed") {
            return yield* fail(
              expected,
              opened.left.reason === "wrong_key"
                ? "wrong_key"
                : opened.left.reason === "key_missing"
                ? "missing_key"
                : "changed",
              `row ${expected}: ${opened.left.message}`
            )
          }
          const mismatch = signedMismatch(expected, mac)
          if (mismatch !== undefined) return yield* Effect.fail(mismatch)
          previous = mac
          expected++
        }
        if (options.onProgress) yield* options.onProgress(expected - 1 - start.sequence, total)
      }
      const walked = expected - 1
      if (walked < through) return yield* fail(walked + 1, "deleted", `rows ${walked + 1}..${through} are missing`)
      const beyond = signed.find((mark) => mark.sequence > walked)
      if (options.through === undefined && beyond !== undefined) {
        return yield* fail(
          walked + 1,
          "truncated",
          `the log ends at ${walked} but a signed ${beyond.source} covers ${beyond.sequence}: rows were cut from the tail`
        )
      }
      return { walked, checkpoints: signed.length }
    })

    const shreddedRows = yield* countShredded(context, start.sequence, through)
    const base = { firstSequence: start.sequence + 1, anchorSequence: start.sequence, shreddedRows }
    return yield* walk.pipe(
      Effect.map(({ checkpoints, walked }): VerifyResult => ({
        ...base,
        ok: true,
        rowsChecked: walked - start.sequence,
        lastSequence: walked,
        checkpointsChecked: checkpoints,
        workerRows
      })),
      Effect.catchIf(
        (error): error is VerifyFailure => !("_tag" in error),
        (failure) =>
          Effect.succeed<VerifyResult>({
            ...base,
            ok: false,
            rowsChecked: Math.max(0, failure.sequence - 1 - start.sequence),
            lastSequence: last,
            checkpointsChecked: 0,
            workerRows,
            failure
          })
      )
    )
  })

/** Rows in (after, through] sealed under a shredded key (their header matched it, and their MAC held). */
const countShredded = (context: AuditContext, after: number, through: number) => {
  const keyIds = context.periodKeys.shreddedKeyIds()
  return keyIds.length === 0 ? Effect.succeed(0) : context.store.countUnderKeys(after, through, keyIds)
}

/** The stored MAC of one row (None if it is gone or unreadable: the walk then starts over from the anchor). */
const macOf = (context: AuditContext, sequence: number) =>
  context.store.page(sequence - 1, sequence, 1).pipe(
    Effect.map((rows) =>
      Option.fromNullable(rows[0]).pipe(
        Option.filter((paged) => paged.sequence === sequence),
        Option.flatMap((paged) => Option.getRight(paged.row)),
        Option.map((row): Uint8Array => row.mac)
      )
    )
  )

/** Looks ahead for the row that belongs at `sequence` (a swap or move keeps its MAC). */
const findMovedRow = (context: AuditContext, previous: Uint8Array, sequence: number, through: number) =>
  Effect.gen(function*() {
    let after = sequence
    const limit = Math.min(through, sequence + reorderLookahead)
    while (after < limit) {
      const rows = yield* context.store.page(after, limit, pageSize)
      if (rows.length === 0) break
      for (const paged of rows) {
        if (Either.isRight(paged.row)) {
          const candidate: StoredRow = { ...toStoredRow(paged.row.right), sequence }
          if (macEqual(rowMac(context.chainKey, previous, candidate), candidate.mac)) {
            return Option.some(paged.sequence)
          }
        }
        after = paged.sequence
      }
    }
    return Option.none<number>()
  })
