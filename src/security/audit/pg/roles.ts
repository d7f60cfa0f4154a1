import { Effect } from "effect"
import { AuditUnavailable } from "../errors.js"
import type { PgLogStatements } from "./PgAuditStore.js"

/** The three roles of a PostgreSQL audit log (names an operator can change in the printed SQL). */
export const auditRoles = {
  writer: "opera_audit_writer",
  maintenance: "opera_audit_maintenance",
  reader: "opera_audit_reader"
} as const

const everyTable = [
  "audit_meta", "audit_keys", "audit_chains", "audit_events", "audit_checkpoints", "audit_anchors",
  "audit_period_keys", "audit_shreds", "audit_migrations"
]

/**
 * Least privilege, as the OIPA policy asks of database access:
 * - writer (the servers): INSERT and SELECT on the events and checkpoints, no UPDATE, DELETE or DDL;
 *   it makes the day's data key, and it holds a lease on its own chain (the only UPDATE it has is of
 *   the lease columns of audit_chains).
 * - maintenance (`audit cleanup`, `audit shred`, `audit rotate-key`): the writer's rights, plus removing an
 *   old prefix of a chain behind a signed anchor and shredding data keys behind a signed record.
 * - reader (`audit verify`, `audit report`): SELECT only.
 * The tables' owner (who ran `audit init-db`) is none of them: the server refuses to run as the owner or a
 * superuser in production, since either can disable the append-only triggers.
 */
export const rolesSql = (schema = "public"): string => {
  const { maintenance, reader, writer } = auditRoles
  const on = (tables: ReadonlyArray<string>) => tables.map((table) => `${schema}.${table}`).join(", ")
  return [
    "-- Roles of the opera-cloud-mcp audit log. Run as the owner of the audit tables, after",
    "-- `opera-cloud-mcp audit init-db` created them. Give each login role a password afterwards",
    "-- (\\password opera_audit_writer in psql); this script holds none.",
    `CREATE ROLE ${writer} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;`,
    `CREATE ROLE ${maintenance} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;`,
    `CREATE ROLE ${reader} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;`,
    "",
    "-- Nobody but the owner creates objects or reads the log by default.",
    `REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC;`,
    `REVOKE ALL ON ${on(everyTable)} FROM PUBLIC;`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${writer}, ${maintenance}, ${reader};`,
    "",
    "-- reader: verify and report.",
    `GRANT SELECT ON ${on(everyTable)} TO ${reader};`,
    "",
    "-- writer: appends only. No UPDATE, DELETE or TRUNCATE of any audit row; no DDL.",
    `GRANT SELECT ON ${on(everyTable)} TO ${writer};`,
    `GRANT INSERT ON ${on(["audit_events", "audit_checkpoints", "audit_period_keys", "audit_chains"])} TO ${writer};`,
    `GRANT UPDATE (writer_id, lease_until, exported_from) ON ${schema}.audit_chains TO ${writer};`,
    "",
    "-- maintenance: the writer's rights, plus retention (an old prefix of a chain, behind a signed anchor)",
    "-- and crypto-shredding (a data key, behind a signed shred record). The triggers allow nothing else.",
    `GRANT SELECT ON ${on(everyTable)} TO ${maintenance};`,
    `GRANT INSERT ON ${
      on(["audit_events", "audit_checkpoints", "audit_period_keys", "audit_chains", "audit_anchors", "audit_shreds"])
    } TO ${maintenance};`,
    `GRANT UPDATE (writer_id, lease_until, exported_from) ON ${schema}.audit_chains TO ${maintenance};`,
    `GRANT DELETE ON ${on(["audit_events", "audit_checkpoints", "audit_period_keys"])} TO ${maintenance};`,
    ""
  ].join("\n")
}

/**
 * In production the server refuses a superuser or a member of the tables' owning role (either can
 * disable the append-only triggers or rewrite rows), and a role that can UPDATE the events.
 */
export const refusePowerfulRole = (statements: PgLogStatements, where: string) =>
  Effect.gen(function*() {
    const powers = yield* statements.rolePowers
    const refuse = (what: string) =>
      new AuditUnavailable({
        reason: "read_only",
        message: `audit log ${where}: refusing to run as ${powers.role}, which ${what}. In production the server ` +
          `connects as ${auditRoles.writer} (INSERT and SELECT only); \`opera-cloud-mcp audit init-db --print-sql\` ` +
          "prints the roles and grants"
      })
    if (powers.superuser) return yield* refuse("is a superuser")
    if (powers.owner) return yield* refuse("owns the audit tables")
    if (powers.can_update) return yield* refuse("may UPDATE audit rows")
  })
