import { Schema } from "effect"

/**
 * What can go wrong reading OIPA's database. Every message is written for the
 * operator or the model: it names what to check and never carries the
 * driver's own text (an ORA- message can echo SQL, object names or values).
 */
export class OipaAuthenticationFailed
  extends Schema.TaggedError<OipaAuthenticationFailed>()("OipaAuthenticationFailed", { message: Schema.String })
{}

export class OipaUnreachable extends Schema.TaggedError<OipaUnreachable>()("OipaUnreachable", {
  message: Schema.String
}) {}

export class OipaTimeout extends Schema.TaggedError<OipaTimeout>()("OipaTimeout", { message: Schema.String }) {}

export class OipaMissingObject extends Schema.TaggedError<OipaMissingObject>()("OipaMissingObject", {
  message: Schema.String
}) {}

/** The database refused a query for a reason the user cannot fix from a tool call. */
export class OipaQueryFailed extends Schema.TaggedError<OipaQueryFailed>()("OipaQueryFailed", {
  /** The driver's error code (ORA-00904, SQLITE_ERROR …) for the operator's logs; never its text. */
  code: Schema.String,
  message: Schema.String
}) {}

/** The connector's database user can change data: the connector does not start. */
export class OipaWritePrivileges extends Schema.TaggedError<OipaWritePrivileges>()("OipaWritePrivileges", {
  privileges: Schema.Array(Schema.String),
  message: Schema.String
}) {}

/** A row did not have the shape the connector reads (a schema change in OIPA). */
export class OipaBadRow extends Schema.TaggedError<OipaBadRow>()("OipaBadRow", {
  table: Schema.String,
  message: Schema.String
}) {}

/** A policy or client the caller named does not exist. */
export class OipaNotFound extends Schema.TaggedError<OipaNotFound>()("OipaNotFound", { message: Schema.String }) {}

export type OipaError =
  | OipaAuthenticationFailed
  | OipaUnreachable
  | OipaTimeout
  | OipaMissingObject
  | OipaQueryFailed
  | OipaWritePrivileges
  | OipaBadRow
  | OipaNotFound
  | OipaInsecureConnection

/** The connection settings would send credentials or policy data without TLS. */
export class OipaInsecureConnection extends Schema.TaggedError<OipaInsecureConnection>()("OipaInsecureConnection", {
  message: Schema.String
}) {}
