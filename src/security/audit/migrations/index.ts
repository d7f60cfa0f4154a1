import { SqliteMigrator } from "@effect/sql-sqlite-node"
import createAuditLog from "./0001_create_audit_log.js"
import retentionGateNamesAnchor from "./0002_retention_gate_names_anchor.js"
import periodDataKeys from "./0003_period_data_keys.js"
import upstreamRequestIds from "./0004_upstream_request_ids.js"

/** Forward-only schema history, bundled (fromRecord survives bundling; fromFileSystem does not). */
export const auditMigrations = SqliteMigrator.fromRecord({
  "0001_create_audit_log": createAuditLog,
  "0002_retention_gate_names_anchor": retentionGateNamesAnchor,
  "0003_period_data_keys": periodDataKeys,
  "0004_upstream_request_ids": upstreamRequestIds
})

export const auditMigrationsTable = "audit_migrations"
