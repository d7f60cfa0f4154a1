import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * Personal-data retention by crypto-shredding. Rows are sealed under random
 * data keys, one per UTC day (more after a rotation), stored only wrapped under
 * a key-encryption key derived from the master key. Shredding a period deletes
 * its wrapped key; the rows stay (the chain still verifies), their personal
 * fields can no longer be opened by anyone. A key row can be deleted only once a
 * signed shred record for it exists (written in the same transaction), and shred
 * records are append-only: verify tells a shredded key from a deleted one.
 * Rows sealed before this migration keep their master-derived keys and stay readable.
 */
export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE audit_period_keys (
    key_id TEXT PRIMARY KEY NOT NULL,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    rotation INTEGER NOT NULL,
    wrapped BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (period_start, rotation)
  ) STRICT`
  yield* sql`CREATE TABLE audit_shreds (
    key_id TEXT PRIMARY KEY NOT NULL,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    shredded_at INTEGER NOT NULL,
    signer TEXT NOT NULL,
    signature BLOB NOT NULL
  ) STRICT`
  const appendOnly = "audit log is append-only"
  for (const table of ["audit_period_keys", "audit_shreds"]) {
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      BEGIN SELECT RAISE(ABORT, '${appendOnly}'); END`)
  }
  yield* sql.unsafe(`CREATE TRIGGER audit_period_keys_no_delete BEFORE DELETE ON audit_period_keys
    WHEN NOT EXISTS (SELECT 1 FROM audit_shreds WHERE key_id = OLD.key_id)
    BEGIN SELECT RAISE(ABORT, '${appendOnly}: a data key leaves only by shredding, after its shred record'); END`)
  yield* sql.unsafe(`CREATE TRIGGER audit_shreds_no_delete BEFORE DELETE ON audit_shreds
    BEGIN SELECT RAISE(ABORT, '${appendOnly}'); END`)
})
