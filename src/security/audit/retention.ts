import { Clock, Effect, Option } from "effect"
import type { AuditContext } from "./AuditContext.js"
import { signRow } from "./checkpoints.js"
import { AuditUnavailable } from "./errors.js"
import { verifyChain } from "./verify.js"

export interface CleanupOptions {
  /** Keep this many days; defaults to OPERA_SECURITY_SECURITY_EVENT_RETENTION_DAYS. */
  readonly days: number
  /** Size cap in MB; rows are removed oldest first until the log uses under 90% of it. */
  readonly maxSizeMb: number
  readonly dryRun: boolean
}

export interface CleanupResult {
  readonly dryRun: boolean
  readonly removedRows: number
  readonly removedByAge: number
  readonly removedForSize: number
  /** Last removed sequence: the signed anchor the rest now chains to. */
  readonly anchorSequence: number | null
  readonly cutoff: number
  readonly usedBytes: number
}

/**
 * Removes the oldest rows (always a prefix, so the chain stays whole) that are
 * past the retention window or over the size cap. The prefix is verified
 * first, so retention never launders a tampered row, and the MAC of the last
 * removed row is kept as a signed anchor that the first remaining row chains to.
 */
export const cleanup = (context: AuditContext, options: CleanupOptions) =>
  Effect.gen(function*() {
    const { store } = context
    const now = yield* Clock.currentTimeMillis
    const cutoff = now - options.days * 86_400_000

    const byAge = yield* store.lastSequenceBefore(cutoff)
    const usedBytes = yield* store.usedBytes
    const capBytes = options.maxSizeMb * 1024 * 1024
    let bySize = 0
    if (usedBytes > capBytes) {
      const rows = yield* store.rowCount
      const excess = rows === 0 ? 0 : Math.min(rows, Math.ceil((usedBytes - capBytes * 0.9) / (usedBytes / rows)))
      if (excess > 0) {
        bySize = yield* store.sequenceAtOffset(excess - 1)
      }
    }
    const upTo = Math.max(byAge, bySize)
    const countThrough = store.countThrough
    const removedByAge = byAge === 0 ? 0 : yield* countThrough(byAge)
    const removedRows = upTo === 0 ? 0 : yield* countThrough(upTo)
    const result: CleanupResult = {
      dryRun: options.dryRun,
      removedRows,
      removedByAge,
      removedForSize: removedRows - removedByAge,
      anchorSequence: upTo === 0 ? null : upTo,
      cutoff,
      usedBytes
    }
    if (upTo === 0 || options.dryRun) return result

    const verified = yield* verifyChain(context, { through: upTo })
    if (!verified.ok && verified.failure !== undefined) {
      return yield* new AuditUnavailable({
        reason: "corrupt",
        message: `retention refused: row ${verified.failure.sequence} does not verify (${verified.failure.damage}); ` +
          "run `opera-cloud-mcp audit verify` and keep the file for investigation"
      })
    }
    const last = yield* store.headAt(upTo)
    if (Option.isNone(last)) return { ...result, removedRows: 0, removedByAge: 0, removedForSize: 0, anchorSequence: null }
    const anchor = signRow("anchor", context.signer, context.logId, {
      sequence: upTo,
      digest: last.value.mac,
      created_at: now,
      removed_rows: removedRows
    })
    yield* store.removeThrough(anchor)
    return result
  }).pipe(
    Effect.mapError((error) =>
      error._tag === "AuditUnavailable" ? error : context.store.unavailable("remove old rows")(error)
    )
  )
