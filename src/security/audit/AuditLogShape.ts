import { Effect, Option } from "effect"
import type { AuditEventInvalid, CheckpointFileError } from "./errors.js"
import { AuditUnavailable } from "./errors.js"
import type { AuditEventInput, AuditKind, AuditReceipt, AuditRecord, AuditStatus, SecurityReport } from "./model.js"
import type { Rebase } from "./checkpoints.js"
import type { CleanupResult } from "./retention.js"
import type { ExportResult } from "./exportTrail.js"
import type { FeedPage, FeedPosition } from "./feed.js"
import type { ShredResult } from "./shred.js"
import type { VerifyResult } from "./verify.js"

export interface VerifyRequest {
  /** An exported checkpoint file (JSON or JSON lines) to check the tail against. */
  readonly checkpointFile?: string
  readonly onProgress?: (checked: number, total: number) => Effect.Effect<void>
}

export interface CleanupRequest {
  /** Days to keep; defaults to OPERA_SECURITY_SECURITY_EVENT_RETENTION_DAYS. */
  readonly days?: number
  readonly dryRun?: boolean
  /** Who asked (recorded in the admin row). */
  readonly actor?: string
}

export interface ShredRequest {
  readonly dryRun?: boolean
  /** Who asked (recorded in the admin row). */
  readonly actor?: string
}

export interface ExportRequest {
  /** Epoch ms; defaults to everything. */
  readonly since?: number
  readonly reveal: boolean
  readonly actor: string
  readonly write: (lines: ReadonlyArray<string>) => Effect.Effect<void>
}

export interface AuditLogShape {
  /** Appends one event to the chain. Disabled: a no-op success with sequence 0. */
  readonly append: (event: AuditEventInput) => Effect.Effect<AuditReceipt, AuditUnavailable | AuditEventInvalid>
  /** Security report of the last `hours`; with `clientId`, of that client's own events only. */
  readonly report: (hours: number, clientId?: string) => Effect.Effect<SecurityReport, AuditUnavailable>
  /** Decrypted rows of the last `hours` (newest `limit`, default 1000), optionally of some kinds only. */
  readonly trail: (
    hours: number,
    kinds?: ReadonlyArray<AuditKind>,
    limit?: number
  ) => Effect.Effect<ReadonlyArray<AuditRecord>, AuditUnavailable>
  /**
   * Why the configured store could not be opened, while it has not been open since start-up
   * (`serve` against a real property refuses to start on it). None once open, or when disabled.
   */
  readonly openFailure: Effect.Effect<Option.Option<AuditUnavailable>>
  /** For the health check: mode, chain position, key id; never fails. */
  readonly status: Effect.Effect<AuditStatus>
  /** Write intents with no outcome row, over the whole log (for /metrics): calls in flight or not yet resolved. */
  readonly pendingIntents: Effect.Effect<number, AuditUnavailable>
  readonly verify: (request?: VerifyRequest) => Effect.Effect<VerifyResult, AuditUnavailable | CheckpointFileError>
  /**
   * After a rollback alarm and an investigation: records who accepted it and why, and re-bases the
   * exported history on the db's head. None when there was no alarm to accept.
   */
  readonly acceptRollback: (
    actor: string,
    reason: string
  ) => Effect.Effect<Option.Option<Rebase>, AuditUnavailable>
  readonly cleanup: (request?: CleanupRequest) => Effect.Effect<CleanupResult, AuditUnavailable>
  readonly exportTrail: (request: ExportRequest) => Effect.Effect<ExportResult, AuditUnavailable>
  /**
   * For the SIEM feed: up to `limit` rows committed after `position` (per chain, in commit order),
   * decrypted and unmasked; the caller masks them and audits a reveal. Reads only, writes nothing.
   */
  readonly feed: (position: FeedPosition, limit: number) => Effect.Effect<FeedPage, AuditUnavailable>
  /** Personal-data retention: destroys the data keys of days older than OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS. */
  readonly shred: (request?: ShredRequest) => Effect.Effect<ShredResult, AuditUnavailable>
  /** Adds a data key generation; returns its key id. Old rows stay readable by their key id. */
  readonly rotateKey: (
    actor: string
  ) => Effect.Effect<{ readonly keyId: string; readonly generation: number }, AuditUnavailable>
  /** Signs the current chain head now; None when nothing was added since the last checkpoint. */
  readonly checkpoint: Effect.Effect<Option.Option<number>, AuditUnavailable>
}

/** OPERA_SECURITY_ENABLE_AUDIT_LOGGING=false: appends succeed without a trace, reads say why they cannot. */
export const disabledAuditLog = (strictMode: boolean): AuditLogShape => {
  const off = new AuditUnavailable({
    reason: "disabled",
    message: "audit logging is disabled (OPERA_SECURITY_ENABLE_AUDIT_LOGGING=false)"
  })
  return {
    append: () => Effect.succeed({ sequence: 0 }),
    report: () => Effect.fail(off),
    pendingIntents: Effect.fail(off),
    trail: () => Effect.fail(off),
    openFailure: Effect.succeed(Option.none()),
    status: Effect.succeed({
      mode: "disabled",
      chainHead: "",
      lastSequence: 0,
      lastCheckpointAt: null,
      lastCheckpointSequence: 0,
      keyId: "",
      strictMode
    }),
    verify: () => Effect.fail(off),
    acceptRollback: () => Effect.fail(off),
    cleanup: () => Effect.fail(off),
    exportTrail: () => Effect.fail(off),
    feed: () => Effect.fail(off),
    shred: () => Effect.fail(off),
    rotateKey: () => Effect.fail(off),
    checkpoint: Effect.fail(off)
  }
}
