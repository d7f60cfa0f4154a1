import type { FileSystem } from "@effect/platform"
import { Effect, Option } from "effect"
import type { VerifyRequest } from "./AuditLogShape.js"
import { readCheckpointLines } from "./checkpoints.js"
import type { AuditChain } from "./connect.js"
import type { ChainVerdict, VerifyFailure, VerifyResult } from "./verify.js"
import { verifyAgainstHistory } from "./verifyHistory.js"

const chainDirPattern = /^chain-(\d+)$/

/**
 * `audit verify` of a log with several chains (PostgreSQL: one per writer): every chain against
 * its own checkpoints (in the db and in its exported history, `<checkpoint dir>/chain-N`), and a
 * `--checkpoint FILE` against the chain whose log id it names. An exported history, or a file,
 * of a chain the db no longer holds means the db was restored from before that chain began: a rollback.
 */
export const verifyEveryChain = (
  chains: ReadonlyArray<AuditChain>,
  fs: FileSystem.FileSystem,
  checkpointDir: Option.Option<string>,
  request: VerifyRequest
) =>
  Effect.gen(function*() {
    const missing: Array<VerifyFailure> = []
    const fileLogIds = request.checkpointFile === undefined
      ? []
      : [...new Set((yield* readCheckpointLines(fs, request.checkpointFile)).map((line) => line.file.logId))]
    for (const logId of fileLogIds) {
      if (!chains.some((chain) => chain.context.logId === logId)) {
        missing.push({
          sequence: 1,
          damage: "rolled_back",
          message: `${request.checkpointFile} holds checkpoints of chain ${logId}, which this database does not ` +
            "have: it was restored from before that chain began, or replaced"
        })
      }
    }
    if (Option.isSome(checkpointDir)) {
      const entries = yield* fs.readDirectory(checkpointDir.value).pipe(Effect.orElseSucceed(() => []))
      for (const entry of entries) {
        const id = chainDirPattern.exec(entry)?.[1]
        if (id === undefined || chains.some((chain) => chain.chainId === Number(id))) continue
        missing.push({
          sequence: 1,
          damage: "rolled_back",
          message: `${checkpointDir.value}/${entry} holds the exported checkpoints of chain ${id}, which this ` +
            "database does not have: it was restored from before that chain began, or the chain was removed"
        })
      }
    }

    const verdicts: Array<
      ChainVerdict & { readonly anchorSequence: number; readonly shreddedRows: number; readonly workerRows: number }
    > = []
    for (const { chainId, context } of chains) {
      const ownFile = request.checkpointFile !== undefined && fileLogIds.includes(context.logId)
      const result: VerifyResult = yield* verifyAgainstHistory(context, fs, context.checkpointDir, {
        ...(ownFile && request.checkpointFile !== undefined ? { checkpointFile: request.checkpointFile } : {}),
        ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress })
      })
      verdicts.push({
        chainId,
        ok: result.ok,
        rowsChecked: result.rowsChecked,
        firstSequence: result.firstSequence,
        lastSequence: result.lastSequence,
        checkpointsChecked: result.checkpointsChecked,
        anchorSequence: result.anchorSequence,
        shreddedRows: result.shreddedRows,
        workerRows: result.workerRows,
        ...(result.failure === undefined
          ? {}
          : { failure: { ...result.failure, message: `chain ${chainId}: ${result.failure.message}` } })
      })
    }
    const failure = missing[0] ?? verdicts.find((verdict) => verdict.failure !== undefined)?.failure
    const sum = (pick: (verdict: typeof verdicts[number]) => number) => verdicts.reduce((total, v) => total + pick(v), 0)
    return {
      ok: failure === undefined,
      rowsChecked: sum((v) => v.rowsChecked),
      firstSequence: verdicts.length === 0 ? 0 : Math.min(...verdicts.map((v) => v.firstSequence)),
      lastSequence: verdicts.length === 0 ? 0 : Math.max(...verdicts.map((v) => v.lastSequence)),
      anchorSequence: 0,
      checkpointsChecked: sum((v) => v.checkpointsChecked),
      shreddedRows: sum((v) => v.shreddedRows),
      workerRows: sum((v) => v.workerRows),
      ...(failure === undefined ? {} : { failure }),
      chains: verdicts.map(({ anchorSequence: _a, shreddedRows: _s, workerRows: _w, ...verdict }) => verdict)
    } satisfies VerifyResult
  })
