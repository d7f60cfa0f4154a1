import type { FileSystem } from "@effect/platform"
import { Effect, Option } from "effect"
import type { AuditContext } from "./AuditContext.js"
import type { VerifyRequest } from "./AuditLogShape.js"
import type { ExportedHistory } from "./checkpointHistory.js"
import { checkHistory, compareWithDb, exportedMetaName, readExportedHistory } from "./checkpointHistory.js"
import { readCheckpointLines } from "./checkpoints.js"
import type { RollbackDetected, UnsignedCheckpoint } from "./errors.js"
import { CheckpointFileError } from "./errors.js"
import type { Damage, VerifyResult } from "./verify.js"
import { verifyChain } from "./verify.js"

/**
 * `audit verify`: the chain against every checkpoint that still vouches for
 * it, from the db, from `--checkpoint FILE` and, when a checkpoint directory
 * is configured, from its whole exported history. A file or directory that
 * should be there and is not is an error, never a silent skip.
 */
export const verifyAgainstHistory = (
  context: AuditContext,
  fs: FileSystem.FileSystem,
  checkpointDir: Option.Option<string>,
  request: VerifyRequest
) =>
  Effect.gen(function*() {
    const sources: Array<ExportedHistory> = []
    if (request.checkpointFile !== undefined) {
      const lines = yield* readCheckpointLines(fs, request.checkpointFile)
      sources.push(yield* checkHistory(request.checkpointFile, lines, context.trusted))
    }
    if (Option.isSome(checkpointDir)) {
      const dir = checkpointDir.value
      const history = yield* readExportedHistory(fs, dir, context.trusted)
      if (Option.isSome(history)) sources.push(history.value)
      else {
        const exportedFrom = (yield* context.store.meta).get(exportedMetaName)
        if (exportedFrom !== undefined) {
          return yield* new CheckpointFileError({
            message: `${dir} holds no checkpoint history, but this log exported checkpoints to it from sequence ` +
              `${exportedFrom}: it was deleted or the wrong directory is configured`
          })
        }
      }
    }
    for (const source of sources) {
      const newest = source.live.at(-1)
      const found = newest === undefined ? Option.none() : yield* compareWithDb(context, newest)
      if (Option.isSome(found)) return yield* notVerified(context, "rolled_back", found.value)
    }
    return yield* verifyChain(context, {
      checkpoints: sources.flatMap((source) => source.live),
      ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress })
    })
  }).pipe(
    Effect.catchTags({
      RollbackDetected: (found) => notVerified(context, "rolled_back", found),
      UnsignedCheckpoint: (found) => notVerified(context, "bad_signature", found)
    })
  )

const notVerified = (context: AuditContext, damage: Damage, found: RollbackDetected | UnsignedCheckpoint) =>
  Effect.gen(function*() {
    const anchor = yield* context.store.lastAnchor
    const anchorSequence = Option.match(anchor, { onNone: () => 0, onSome: (row) => row.sequence })
    const last = Option.match(yield* context.store.lastEvent, {
      onNone: () => anchorSequence,
      onSome: (row) => row.sequence
    })
    return {
      ok: false,
      rowsChecked: 0,
      firstSequence: anchorSequence + 1,
      lastSequence: last,
      anchorSequence,
      checkpointsChecked: 0,
      shreddedRows: 0,
      workerRows: 0,
      failure: { sequence: found.sequence, damage, message: found.message }
    } satisfies VerifyResult
  })
