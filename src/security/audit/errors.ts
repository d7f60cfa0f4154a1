import { Schema } from "effect"

/**
 * The audit log cannot take or serve records right now (not open, disk full,
 * busy, read-only, wrong key). `message` is safe to show to the user; it never
 * holds a key, a row's content or an SQL statement.
 */
export class AuditUnavailable extends Schema.TaggedError<AuditUnavailable>()("AuditUnavailable", {
  reason: Schema.Literal(
    "disabled", "not_open", "busy", "full", "read_only", "corrupt", "wrong_key", "io",
    // The db is behind or off the chain of the exported checkpoint history, or that history is missing or damaged.
    "rollback",
    // better-sqlite3's native module was built for another Node.js version, or not at all (`npm rebuild better-sqlite3`).
    "native_module"
  ),
  message: Schema.String
}) {}

/** A checkpoint file given to verify or written by export could not be read or written. */
export class CheckpointFileError extends Schema.TaggedError<CheckpointFileError>()("CheckpointFileError", {
  message: Schema.String
}) {}

/** An audit setting that stops start-up; names the setting, never its value. */
export class AuditMisconfigured extends Schema.TaggedError<AuditMisconfigured>()("AuditMisconfigured", {
  setting: Schema.String,
  message: Schema.String
}) {}

/**
 * The audit db is behind the exported checkpoint history, or off its chain
 * (an older copy put back, the newest rows removed, another log in its place),
 * or that history itself went back. Stays until an operator accepts it.
 */
export class RollbackDetected extends Schema.TaggedError<RollbackDetected>()("RollbackDetected", {
  /** The first sequence the exported history vouches for that the db does not hold as signed. */
  sequence: Schema.Number,
  message: Schema.String
}) {}

/** An exported checkpoint whose signature does not hold: reported by verify as bad_signature damage. */
export class UnsignedCheckpoint extends Schema.TaggedError<UnsignedCheckpoint>()("UnsignedCheckpoint", {
  sequence: Schema.Number,
  message: Schema.String
}) {}

/** `AuditLog.append` was handed an event that does not fit the model (an unknown kind or outcome): nothing is written. */
export class AuditEventInvalid extends Schema.TaggedError<AuditEventInvalid>()("AuditEventInvalid", {
  reason: Schema.Literal("invalid_event"),
  message: Schema.String
}) {}
