import { SqliteMigrator } from "@effect/sql-sqlite-node"
import createAuditLog from "./0001_create_audit_log.js"

/** Forward-only schema history, bundled (fromRecord survives bundling; fromFileSystem does not). */
export const auditMigrations = SqliteMigrator.fromRecord({
  "0001_create_audit_log": createAuditLog
})

export const auditMigrationsTable = "audit_migrations"
