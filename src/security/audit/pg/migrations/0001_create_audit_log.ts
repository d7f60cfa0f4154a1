import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

/**
 * The audit log on PostgreSQL: the SQLite design (sealed personal fields,
 * HMAC chain, signed checkpoints, anchors and shred records, append-only)
 * with one chain per writer. `audit_chains` holds each chain, its own log id
 * (genesis, AADs and signatures are bound to it) and the lease of the writer
 * that extends it; events, checkpoints and anchors are keyed by (chain, sequence).
 * Least privilege does most of the work (the writer role has no UPDATE or
 * DELETE, see roles.ts); the triggers below hold even for a role that was
 * granted too much, short of the owner, which the server refuses to run as.
 */
export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE audit_meta (
    name text PRIMARY KEY,
    value text NOT NULL
  )`
  yield* sql`CREATE TABLE audit_keys (
    generation integer PRIMARY KEY,
    key_id text NOT NULL UNIQUE,
    created_at bigint NOT NULL
  )`
  yield* sql`CREATE TABLE audit_chains (
    chain_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    log_id text NOT NULL UNIQUE,
    writer_id text NOT NULL,
    lease_until bigint NOT NULL,
    created_at bigint NOT NULL,
    exported_from bigint
  )`
  yield* sql`CREATE TABLE audit_events (
    chain_id bigint NOT NULL REFERENCES audit_chains (chain_id),
    sequence bigint NOT NULL CHECK (sequence > 0),
    occurred_at bigint NOT NULL,
    kind text NOT NULL,
    outcome text NOT NULL,
    client_ref text NOT NULL,
    tool text,
    hotel_id text,
    risk_score double precision,
    risk_level text,
    duration_ms double precision,
    error_tag text,
    correlation_id text,
    key_id text NOT NULL,
    sealed bytea NOT NULL,
    mac bytea NOT NULL,
    PRIMARY KEY (chain_id, sequence)
  )`
  yield* sql`CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at)`
  yield* sql`CREATE INDEX audit_events_key_id ON audit_events (key_id)`
  yield* sql`CREATE TABLE audit_checkpoints (
    chain_id bigint NOT NULL REFERENCES audit_chains (chain_id),
    sequence bigint NOT NULL,
    chain_head bytea NOT NULL,
    created_at bigint NOT NULL,
    signer text NOT NULL,
    signature bytea NOT NULL,
    PRIMARY KEY (chain_id, sequence)
  )`
  yield* sql`CREATE TABLE audit_anchors (
    chain_id bigint NOT NULL REFERENCES audit_chains (chain_id),
    sequence bigint NOT NULL,
    mac bytea NOT NULL,
    created_at bigint NOT NULL,
    removed_rows bigint NOT NULL,
    signer text NOT NULL,
    signature bytea NOT NULL,
    PRIMARY KEY (chain_id, sequence)
  )`
  yield* sql`CREATE TABLE audit_period_keys (
    key_id text PRIMARY KEY,
    period_start bigint NOT NULL,
    period_end bigint NOT NULL,
    rotation integer NOT NULL,
    wrapped bytea NOT NULL,
    created_at bigint NOT NULL,
    UNIQUE (period_start, rotation)
  )`
  yield* sql`CREATE TABLE audit_shreds (
    key_id text PRIMARY KEY,
    period_start bigint NOT NULL,
    period_end bigint NOT NULL,
    rows integer NOT NULL,
    shredded_at bigint NOT NULL,
    signer text NOT NULL,
    signature bytea NOT NULL
  )`

  const appendOnly = "audit log is append-only"
  yield* sql.unsafe(`CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '${appendOnly} (% on %)', TG_OP, TG_TABLE_NAME; END $$`)
  // Rows and checkpoints leave only as a prefix of their chain behind a signed anchor (retention).
  yield* sql.unsafe(`CREATE FUNCTION audit_delete_behind_anchor() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.sequence <= coalesce((SELECT max(sequence) FROM audit_anchors WHERE chain_id = OLD.chain_id), 0) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION '${appendOnly}: rows leave only through retention, oldest first, behind a signed anchor';
    END $$`)
  // An anchor only moves forward.
  yield* sql.unsafe(`CREATE FUNCTION audit_anchor_forward() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.sequence > coalesce((SELECT max(sequence) FROM audit_anchors WHERE chain_id = NEW.chain_id), 0) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION '${appendOnly}: an anchor only moves forward';
    END $$`)
  // A data key leaves only by shredding, after its signed shred record.
  yield* sql.unsafe(`CREATE FUNCTION audit_key_shredded() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM audit_shreds WHERE key_id = OLD.key_id) THEN RETURN OLD; END IF;
      RAISE EXCEPTION '${appendOnly}: a data key leaves only by shredding, after its shred record';
    END $$`)
  // Only the lease columns of a chain change; its identity does not.
  yield* sql.unsafe(`CREATE FUNCTION audit_chain_identity() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.chain_id = OLD.chain_id AND NEW.log_id = OLD.log_id AND NEW.created_at = OLD.created_at
        AND (OLD.exported_from IS NULL OR NEW.exported_from = OLD.exported_from) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION '${appendOnly}: a chain keeps its identity';
    END $$`)

  const tables = [
    "audit_meta", "audit_keys", "audit_chains", "audit_events", "audit_checkpoints", "audit_anchors",
    "audit_period_keys", "audit_shreds"
  ]
  for (const table of tables) {
    // TRUNCATE skips row triggers: it is refused outright.
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()`)
    if (table === "audit_chains") continue
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION audit_refuse()`)
  }
  for (const table of ["audit_meta", "audit_keys", "audit_chains", "audit_anchors", "audit_shreds"]) {
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION audit_refuse()`)
  }
  for (const table of ["audit_events", "audit_checkpoints"]) {
    yield* sql.unsafe(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION audit_delete_behind_anchor()`)
  }
  yield* sql.unsafe(`CREATE TRIGGER audit_anchors_forward BEFORE INSERT ON audit_anchors
    FOR EACH ROW EXECUTE FUNCTION audit_anchor_forward()`)
  yield* sql.unsafe(`CREATE TRIGGER audit_period_keys_no_delete BEFORE DELETE ON audit_period_keys
    FOR EACH ROW EXECUTE FUNCTION audit_key_shredded()`)
  yield* sql.unsafe(`CREATE TRIGGER audit_chains_identity BEFORE UPDATE ON audit_chains
    FOR EACH ROW EXECUTE FUNCTION audit_chain_identity()`)
})
