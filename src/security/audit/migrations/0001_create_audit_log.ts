import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The audit log. Columns in clear are the ones a report groups on and that
 * identify no person; everything else (client id, object ids, guest data)
 * is in `sealed` (AES-256-GCM). `mac` chains each row to the one before it.
 * Triggers make the tables append-only; rows and checkpoints can only be
 * deleted while the retention gate is open, inside the cleanup transaction.
 */
export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE audit_meta (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
  ) STRICT, WITHOUT ROWID`
  yield* sql`CREATE TABLE audit_keys (
    generation INTEGER PRIMARY KEY NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  ) STRICT`
  yield* sql`CREATE TABLE audit_events (
    sequence INTEGER PRIMARY KEY NOT NULL,
    occurred_at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    client_ref TEXT NOT NULL,
    tool TEXT,
    hotel_id TEXT,
    risk_score REAL,
    risk_level TEXT,
    duration_ms REAL,
    error_tag TEXT,
    correlation_id TEXT,
    key_id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    mac BLOB NOT NULL
  ) STRICT`
  yield* sql`CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at)`
  yield* sql`CREATE TABLE audit_checkpoints (
    sequence INTEGER PRIMARY KEY NOT NULL,
    chain_head BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    signer TEXT NOT NULL,
    signature BLOB NOT NULL
  ) STRICT`
  yield* sql`CREATE TABLE audit_anchors (
    sequence INTEGER PRIMARY KEY NOT NULL,
    mac BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    removed_rows INTEGER NOT NULL,
    signer TEXT NOT NULL,
    signature BLOB NOT NULL
  ) STRICT`
  yield* sql`CREATE TABLE audit_retention_gate (opened INTEGER NOT NULL) STRICT`

  const appendOnly = "audit log is append-only"
  for (const table of ["audit_events", "audit_checkpoints", "audit_anchors", "audit_meta", "audit_keys"]) {
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${appendOnly}'); END`)
  }
  for (const table of ["audit_events", "audit_checkpoints"]) {
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      WHEN NOT EXISTS (SELECT 1 FROM audit_retention_gate)
      BEGIN SELECT RAISE(ABORT, '${appendOnly}: rows leave only through retention'); END`)
  }
  for (const table of ["audit_anchors", "audit_meta", "audit_keys"]) {
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${appendOnly}'); END`)
  }
})
