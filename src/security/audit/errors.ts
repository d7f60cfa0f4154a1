import { Schema } from "effect"

/**
 * The audit log cannot take or serve records right now (not open, disk full,
 * busy, read-only, wrong key). `message` is safe to show to the user; it never
 * holds a key, a row's content or an SQL statement.
 */
export class AuditUnavailable extends Schema.TaggedError<AuditUnavailable>()("AuditUnavailable", {
  reason: Schema.Literal("disabled", "not_open", "busy", "full", "read_only", "corrupt", "wrong_key", "io"),
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

/** `AuditLog.append` was handed an event that does not fit the model (an unknown kind or outcome): nothing is written. */
export class AuditEventInvalid extends Schema.TaggedError<AuditEventInvalid>()("AuditEventInvalid", {
  reason: Schema.Literal("invalid_event"),
  message: Schema.String
}) {}
