import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The retention gate used to open for any DELETE while it held a row, so a
 * row written to it let middle rows go. Now the gate names the sequence
 * retention removes through, and rows leave only as a prefix up to it while
 * the newest anchor is for exactly that sequence and that row's MAC; an
 * anchor can only be added by the same gate. (SQL cannot check the anchor's
 * Ed25519 signature; verify does.) A condition that comes out NULL (no gate,
 * no anchor) refuses, hence the coalesce.
 */
export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const appendOnly = "audit log is append-only"
  yield* sql.unsafe("DROP TRIGGER IF EXISTS audit_events_no_delete")
  yield* sql.unsafe("DROP TRIGGER IF EXISTS audit_checkpoints_no_delete")
  yield* sql.unsafe("DROP TABLE audit_retention_gate")
  yield* sql.unsafe("CREATE TABLE audit_retention_gate (through INTEGER NOT NULL) STRICT")
  const gate = "(SELECT through FROM audit_retention_gate)"
  const oneGate = "(SELECT count(*) FROM audit_retention_gate) = 1"
  const newestAnchorIsGate = `(SELECT max(sequence) FROM audit_anchors) = ${gate}`
  yield* sql.unsafe(`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    WHEN coalesce(NOT (${oneGate} AND OLD.sequence <= ${gate}
      AND OLD.sequence = (SELECT min(sequence) FROM audit_events)
      AND ${newestAnchorIsGate}
      AND (SELECT mac FROM audit_anchors WHERE sequence = ${gate})
        = (SELECT mac FROM audit_events WHERE sequence = ${gate})), 1)
    BEGIN SELECT RAISE(ABORT, '${appendOnly}: rows leave only through retention, oldest first, behind a signed anchor'); END`)
  yield* sql.unsafe(`CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
    WHEN coalesce(NOT (${oneGate} AND OLD.sequence <= ${gate} AND ${newestAnchorIsGate}), 1)
    BEGIN SELECT RAISE(ABORT, '${appendOnly}: checkpoints leave only through retention'); END`)
  yield* sql.unsafe(`CREATE TRIGGER audit_anchors_only_by_retention BEFORE INSERT ON audit_anchors
    WHEN coalesce(NOT (${oneGate} AND NEW.sequence = ${gate}
      AND NEW.sequence > coalesce((SELECT max(sequence) FROM audit_anchors), 0)
      AND NEW.mac = (SELECT mac FROM audit_events WHERE sequence = NEW.sequence)), 1)
    BEGIN SELECT RAISE(ABORT, '${appendOnly}: anchors are written only by retention'); END`)
})
