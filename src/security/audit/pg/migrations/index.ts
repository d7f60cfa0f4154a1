import { PgMigrator } from "@effect/sql-pg"
import createAuditLog from "./0001_create_audit_log.js"
import upstreamRequestIds from "./0002_upstream_request_ids.js"

/** Forward-only schema history of the PostgreSQL audit log, bundled (fromRecord survives bundling). */
export const pgAuditMigrations = PgMigrator.fromRecord({
  "0001_create_audit_log": createAuditLog,
  "0002_upstream_request_ids": upstreamRequestIds
})

export const pgAuditMigrationsTable = "audit_migrations"

/** The newest migration id: a server whose database is behind it asks for `audit init-db`. */
export const pgAuditSchemaVersion = 2
