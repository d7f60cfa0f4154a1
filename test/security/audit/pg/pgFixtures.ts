import { randomBytes } from "node:crypto"
import { rolesSql } from "../../../../src/security/audit/pg/roles.js"
import type { PostgresServer } from "../../../support/postgresServer.js"

/** A fresh database on the test server, its schema made by a first start as its owner, and the three roles. */
export const freshDatabase = (server: PostgresServer) => {
  const name = `audit_${randomBytes(4).toString("hex")}`
  const owner = `owner_${name}`
  const ownerPassword = randomBytes(12).toString("hex")
  server.psql(`CREATE ROLE ${owner} LOGIN PASSWORD '${ownerPassword}'`)
  server.psql(`CREATE DATABASE ${name} OWNER ${owner}`)
  server.psql(`ALTER SCHEMA public OWNER TO ${owner}`, name)
  return {
    name,
    ownerUrl: server.urlFor(owner, ownerPassword, name),
    /** The roles and grants of `audit init-db --print-sql`, each login role with a fresh password. */
    grantRoles: () => {
      const passwords = { writer: randomBytes(12).toString("hex"), maintenance: randomBytes(12).toString("hex"), reader: randomBytes(12).toString("hex") }
      const suffix = name.slice("audit_".length)
      // Roles are cluster-wide: each database gets its own names.
      const sql = rolesSql()
        .replaceAll("opera_audit_writer", `writer_${suffix}`)
        .replaceAll("opera_audit_maintenance", `maint_${suffix}`)
        .replaceAll("opera_audit_reader", `reader_${suffix}`)
      for (const [role, password] of [["writer", passwords.writer], ["maint", passwords.maintenance], ["reader", passwords.reader]] as const) {
        server.psql(`CREATE ROLE ${role}_${suffix} LOGIN PASSWORD '${password}' NOSUPERUSER NOINHERIT`)
      }
      server.psql(sql.replace(/^CREATE ROLE .*$/gm, ""), name)
      return {
        writerUrl: server.urlFor(`writer_${suffix}`, passwords.writer, name),
        maintenanceUrl: server.urlFor(`maint_${suffix}`, passwords.maintenance, name),
        readerUrl: server.urlFor(`reader_${suffix}`, passwords.reader, name),
        writer: `writer_${suffix}`
      }
    }
  }
}
