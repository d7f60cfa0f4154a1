import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Console, Effect, Layer, Option, Redacted } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { AuditConfig } from "../security/audit/AuditConfig.js"
import { resolveAuditKeys } from "../security/audit/auditKeys.js"
import { isPostgresUrl, parsePgUrl } from "../security/audit/pg/pgSettings.js"
import { rolesSql } from "../security/audit/pg/roles.js"
import { AuditCommandFailed } from "./auditCommands.js"
import { withEnvironment } from "./environmentHelp.js"

const json = Options.boolean("json").pipe(Options.withDescription("print JSON for machines"))

/** The audit keys and settings for a command that opens a log by URL (never the server's own connection). */
const adminSettings = (display: string) =>
  Effect.gen(function*() {
    const security = yield* SecurityConfig
    const audit = yield* AuditConfig
    const fs = yield* FileSystem.FileSystem
    const keys = yield* resolveAuditKeys({
      encryptionKey: security.auditDbEncryptionKey,
      signingKey: audit.signingKey,
      verifyKey: audit.verifyKey,
      path: display
    })
    return { keys, fs, caFile: audit.dbCaFile } as const
  })

const displayOf = (url: Redacted.Redacted) =>
  Effect.mapError(
    Effect.suspend(() => {
      const parsed = parsePgUrl(url)
      return parsed._tag === "Right" ? Effect.succeed(parsed.right.display) : Effect.fail(parsed.left)
    }),
    (error) => new AuditCommandFailed({ message: error.message })
  )

const initDb = Command.make("init-db", {
  printSql: Options.boolean("print-sql").pipe(
    Options.withDescription("print the roles and grants (writer, maintenance, reader) instead of touching a database")
  ),
  json
}, ({ json, printSql }) =>
  Effect.gen(function*() {
    if (printSql) return yield* Console.log(rolesSql())
    const audit = yield* AuditConfig
    if (Option.isNone(audit.dbUrl)) {
      return yield* new AuditCommandFailed({
        message: "OPERA_SECURITY_AUDIT_DB_URL is not set: set it to the URL of the role that owns the audit tables"
      })
    }
    const settings = yield* adminSettings(yield* displayOf(audit.dbUrl.value))
    const { initPgAuditDb } = yield* Effect.promise(() => import("../security/audit/pg/pgAdmin.js"))
    const result = yield* initPgAuditDb({ url: audit.dbUrl.value, ...settings })
    yield* Console.log(json ? JSON.stringify(result) : [
      `audit schema of ${result.database} is at version ${result.schemaVersion}; log id ${result.logId}`,
      "next: create the roles and grants (`opera-cloud-mcp audit init-db --print-sql | psql …`), give the login",
      "roles passwords, and point the servers at the writer role (OPERA_SECURITY_AUDIT_DB_URL)"
    ].join("\n"))
  })).pipe(Command.withDescription(withEnvironment(
    "audit init-db",
    "PostgreSQL: create or update the audit schema and the log's identity (run as the tables' owner); " +
    "--print-sql prints the least-privilege roles and grants"
  )))

const migrate = Command.make("migrate", {
  from: Options.text("from").pipe(Options.withDescription("the SQLite audit log to move (a path, or file:PATH)")),
  to: Options.redacted("to").pipe(Options.withDescription("postgres:// URL of an empty audit database (its owner)")),
  json
}, ({ from, json, to }) =>
  Effect.gen(function*() {
    const source = from.trim().replace(/^file:(\/\/)?/, "")
    if (isPostgresUrl(source)) {
      return yield* new AuditCommandFailed({
        message: "--from names a PostgreSQL database: migrate moves an SQLite log (a file) into PostgreSQL"
      })
    }
    const display = yield* displayOf(to)
    const settings = yield* adminSettings(display)
    const { migrateSqliteToPg } = yield* Effect.promise(() => import("../security/audit/pg/pgAdmin.js"))
    const result = yield* migrateSqliteToPg({ url: to, from: source, ...settings })
    yield* Console.log(json ? JSON.stringify(result) : [
      `moved ${result.rows} rows of ${source} into ${result.database}`,
      result.verified.ok
        ? `the copy verifies: ${result.verified.rowsChecked} rows, ${result.verified.checkpointsChecked} signed checkpoints`
        : `the copy does NOT verify: ${result.verified.failure?.message}`
    ].join("\n"))
    if (!result.verified.ok) {
      return yield* new AuditCommandFailed({ message: "the migrated log does not verify", verdict: "damaged" })
    }
  })).pipe(Command.withDescription(withEnvironment(
    "audit migrate",
    "move an SQLite audit log into an empty PostgreSQL database (verified before and after)"
  )))

const dependencies = Layer.mergeAll(SecurityConfig.Default, AuditConfig.Default, NodeFileSystem.layer)

/** `audit init-db` and `audit migrate`: they open the database by URL, not through the AuditLog service. */
export const auditDbCommands = [
  initDb.pipe(Command.provide(dependencies)),
  migrate.pipe(Command.provide(dependencies))
] as const
