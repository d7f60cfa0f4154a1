import type { FileSystem } from "@effect/platform"
import { Effect, Option } from "effect"
import type { AuditContext } from "./AuditContext.js"
import type { CheckpointFile, CheckpointLine, Rebase, TrustedKey } from "./checkpoints.js"
import {
  decodeCheckpointText,
  fileSignatureHolds,
  historyFileName,
  latestFileName,
  lineDigest,
  readCheckpointLines
} from "./checkpoints.js"
import { AuditUnavailable, CheckpointFileError, RollbackDetected, UnsignedCheckpoint } from "./errors.js"
import { macEqual } from "../../crypto/mac.js"

/** The meta row that says this log has exported checkpoints (from which sequence): a missing history is then an alarm. */
export const exportedMetaName = "checkpoints_exported_from"

const tailBytes = 16_384

/** The last line of a file, read from its end (the history grows by one line per checkpoint). */
const lastLineOf = (fs: FileSystem.FileSystem, path: string) =>
  Effect.scoped(Effect.gen(function*() {
    const file = yield* fs.open(path, { flag: "r" })
    const size = Number((yield* file.stat).size)
    const from = Math.max(0, size - tailBytes)
    yield* file.seek(from, "start")
    const bytes = yield* file.readAlloc(size - from)
    const text = Option.match(bytes, { onNone: () => "", onSome: (read) => Buffer.from(read).toString("utf8") })
    const lines = text.split("\n").filter((line) => line.trim().length > 0)
    return lines.at(-1) ?? ""
  })).pipe(
    Effect.mapError(() => new CheckpointFileError({ message: `could not read the checkpoint history ${path}` })),
    Effect.flatMap((line) => decodeCheckpointText(path, line)),
    Effect.map((lines) => lines.at(-1)!)
  )

const missing = (dir: string, name: string) =>
  new CheckpointFileError({
    message: `${dir}/${name} is missing or unreadable: the exported checkpoint history cannot vouch for the log ` +
      "(if nobody moved it, treat it as tampering)"
  })

/**
 * The newest exported checkpoint: the history's last line, which is the
 * latest file or, after a crash between the two writes, the line after it.
 * None when nothing was exported to `dir` yet.
 */
export const readExportedHead = (fs: FileSystem.FileSystem, dir: string) =>
  Effect.gen(function*() {
    const exists = (name: string) => fs.exists(`${dir}/${name}`).pipe(Effect.orElseSucceed(() => false))
    const hasLatest = yield* exists(latestFileName)
    const hasHistory = yield* exists(historyFileName)
    if (!hasLatest && !hasHistory) return Option.none<CheckpointLine>()
    if (!hasLatest) return yield* missing(dir, latestFileName)
    if (!hasHistory) return yield* missing(dir, historyFileName)
    const latest = (yield* readCheckpointLines(fs, `${dir}/${latestFileName}`)).at(-1)!
    const last = yield* lastLineOf(fs, `${dir}/${historyFileName}`)
    return Option.some(yield* headOf(dir, latest, last))
  })

const followsLatest = (latest: CheckpointLine, last: CheckpointLine) =>
  last.file.format === "opera-audit-checkpoint/v2" && last.file.previous === lineDigest(latest.text)

const headOf = (dir: string, latest: CheckpointLine, last: CheckpointLine) =>
  last.text === latest.text || followsLatest(latest, last)
    ? Effect.succeed(last)
    : Effect.fail(
      new CheckpointFileError({
        message: `${dir}/${latestFileName} (checkpoint at ${latest.file.sequence}) is not the last line of ` +
          `${historyFileName} (checkpoint at ${last.file.sequence}): the exported history was changed`
      })
    )

export interface ExportedHistory {
  readonly lines: ReadonlyArray<CheckpointLine>
  /** The entries that still vouch for the db: those not abandoned by an accepted rollback. */
  readonly live: ReadonlyArray<CheckpointFile>
}

/**
 * Checks an exported history as a chain of its own: every signature, every
 * link to the line before, and that it never goes back (an entry at or below
 * the one before it, or of another log, unless an operator's rebase says so).
 */
export const checkHistory = (path: string, lines: ReadonlyArray<CheckpointLine>, trusted: TrustedKey) =>
  Effect.gen(function*() {
    let live: Array<CheckpointFile> = []
    let linked = false
    for (const [index, { file }] of lines.entries()) {
      const at = `${path} line ${index + 1} (checkpoint at ${file.sequence})`
      if (!fileSignatureHolds(trusted, file)) {
        return yield* new UnsignedCheckpoint({ sequence: file.sequence, message: `${at} is not signed by the trusted key` })
      }
      if (file.format === "opera-audit-checkpoint/v2") {
        // The first line's link is not checked: a history may start anywhere (a latest file alone, old lines archived).
        if (index > 0 && file.previous !== lineDigest(lines[index - 1]!.text)) {
          return yield* new CheckpointFileError({
            message: `${at} does not follow the line before it: a line was removed, changed or reordered`
          })
        }
        linked = true
      } else if (linked) {
        return yield* new CheckpointFileError({ message: `${at} is unlinked after linked lines: it was inserted` })
      }
      const { rebase } = file.format === "opera-audit-checkpoint/v2" ? file : { rebase: undefined }
      if (rebase !== undefined) {
        live = live.filter((entry) => entry.logId === file.logId && entry.sequence <= rebase.keptThrough)
      } else {
        const before = live.at(-1)
        if (before !== undefined && (before.logId !== file.logId || file.sequence <= before.sequence)) {
          return yield* new RollbackDetected({
            sequence: file.sequence,
            message: `the exported checkpoint history goes back at ${at}: after ${before.sequence} ` +
              (before.logId === file.logId ? "" : `of audit log ${before.logId} `) +
              "a lower or foreign checkpoint was exported, so the db was rolled back then"
          })
        }
      }
      live.push(file)
    }
    return { lines, live } satisfies ExportedHistory
  })

/** The whole history of a configured checkpoint directory, checked; both files must be there and agree. */
export const readExportedHistory = (fs: FileSystem.FileSystem, dir: string, trusted: TrustedKey) =>
  Effect.gen(function*() {
    const head = yield* readExportedHead(fs, dir)
    if (Option.isNone(head)) return Option.none<ExportedHistory>()
    const lines = yield* readCheckpointLines(fs, `${dir}/${historyFileName}`)
    return Option.some(yield* checkHistory(`${dir}/${historyFileName}`, lines, trusted))
  })

/**
 * Does the db hold the chain that `head` vouches for? A db that ends before
 * it, whose row at its sequence has another MAC, or that is another log, is a
 * rollback. Rows retention already removed cannot be compared: an anchor past
 * the checkpoint means the db went on beyond it.
 */
export const compareWithDb = (context: AuditContext, head: CheckpointFile) =>
  Effect.gen(function*() {
    const { store } = context
    const rollback = (message: string, sequence = head.sequence) =>
      Option.some(new RollbackDetected({ sequence, message }))
    if (head.logId !== context.logId) {
      return rollback(`the exported checkpoints are of audit log ${head.logId}, but ${store.path} is log ` +
        `${context.logId}: the db was replaced`, 1)
    }
    const anchor = yield* store.lastAnchor
    const last = yield* store.lastEvent
    const anchorSequence = Option.match(anchor, { onNone: () => 0, onSome: (row) => row.sequence })
    const end = Option.match(last, { onNone: () => anchorSequence, onSome: (row) => row.sequence })
    if (end < head.sequence) {
      return rollback(`the audit db ends at ${end} but a checkpoint at ${head.sequence} was exported: ` +
        "the db was restored from an older copy or its newest rows were removed", end + 1)
    }
    if (anchorSequence > head.sequence) return Option.none()
    const digest = anchorSequence === head.sequence && Option.isSome(anchor)
      ? Option.some(anchor.value.digest)
      : Option.flatMap(
        Option.fromNullable((yield* store.page(head.sequence - 1, head.sequence, 1))[0]),
        (paged) => Option.map(Option.getRight(paged.row), (row): Uint8Array => row.mac)
      )
    if (Option.isNone(digest) || !macEqual(digest.value, Buffer.from(head.chainHead, "hex"))) {
      return rollback(`the audit db's chain at ${head.sequence} is not the one the exported checkpoint signed: ` +
        "the db was restored from an older copy and written to since, or replaced")
    }
    return Option.none()
  })

const alarm = (message: string) =>
  new AuditUnavailable({
    reason: "rollback",
    message: `audit log rollback alarm: ${message}. Writes are refused until an operator investigates and runs ` +
      "`opera-cloud-mcp audit accept-rollback --reason TEXT`"
  })

/**
 * Start-up (and every export): the db against the newest exported checkpoint.
 * Some(alarm) when the db is behind it or off its chain, or when the history
 * is damaged, or missing although this log has exported to it before.
 */
export const checkAgainstExported = (context: AuditContext) =>
  Effect.gen(function*() {
    if (Option.isNone(context.checkpointDir)) return Option.none<AuditUnavailable>()
    const dir = context.checkpointDir.value
    const head = yield* Effect.either(readExportedHead(context.fs, dir))
    if (head._tag === "Left") return Option.some(alarm(head.left.message))
    if (Option.isNone(head.right)) {
      const exportedFrom = (yield* context.store.meta).get(exportedMetaName)
      return exportedFrom === undefined
        ? Option.none()
        : Option.some(alarm(`no checkpoint history in ${dir}, but this log exported checkpoints to it from ` +
          `sequence ${exportedFrom}: it was deleted or the wrong directory is configured`))
    }
    const file = head.right.value.file
    if (!fileSignatureHolds(context.trusted, file)) {
      return Option.some(alarm(`the newest exported checkpoint in ${dir} is not signed by the trusted key`))
    }
    return Option.map(yield* compareWithDb(context, file), (found) => alarm(found.message))
  })

/**
 * How far an exported history still matches the db: the last live entry of
 * this log, in order, whose chain head the db holds (entries under the
 * retention anchor can no longer be compared and count as kept).
 */
export const keptThrough = (context: AuditContext, live: ReadonlyArray<CheckpointFile>) =>
  Effect.gen(function*() {
    const newest = live.at(-1)
    let kept = 0
    const anchor = yield* context.store.lastAnchor
    const anchorSequence = Option.match(anchor, { onNone: () => 0, onSome: (row) => row.sequence })
    for (const entry of live) {
      if (entry.logId !== context.logId) break
      if (entry.sequence < anchorSequence) {
        kept = entry.sequence
        continue
      }
      if (Option.isSome(yield* compareWithDb(context, entry))) break
      kept = entry.sequence
    }
    return {
      keptThrough: kept,
      abandonedSequence: newest?.sequence ?? 0,
      abandonedLogId: newest?.logId ?? context.logId
    } satisfies Rebase
  })
