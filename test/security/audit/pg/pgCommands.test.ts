import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Console, Effect, Either, Exit, Redacted } from "effect"
import { join } from "node:path"
import { auditCommand } from "../../../../src/cli/auditCommands.js"
import { AuditLog } from "../../../../src/security/AuditLog.js"
import { parsePgUrl, productionTlsProblem, tlsOptions } from "../../../../src/security/audit/pg/pgSettings.js"
import { postgresMissing, startPostgres } from "../../../support/postgresServer.js"
import type { PostgresServer } from "../../../support/postgresServer.js"
import { auditSettings, freshKey, tempDir, toolCall, withAuditLog } from "../fixtures.js"
import { freshDatabase } from "./pgFixtures.js"

const cli = Command.run(Command.make("opera-cloud-mcp").pipe(Command.withSubcommands([auditCommand])), {
  name: "opera-cloud-mcp",
  version: "test"
})
const run = (args: ReadonlyArray<string>, settings: Record<string, string>) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const base = yield* Effect.console
    const capture: Console.Console = {
      ...base,
      log: (...parts) => Effect.sync(() => void stdout.push(parts.join(" "))),
      error: () => Effect.void
    }
    const exit = yield* cli(["node", "opera-cloud-mcp", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(auditSettings(settings)),
      Effect.withConsole(capture),
      Effect.exit
    )
    return { exit, stdout: stdout.join("\n") }
  })

describe("OPERA_SECURITY_AUDIT_DB_URL is decoded at the boundary", () => {
  const secret = "s3cr3t-pa55"
  const parse = (url: string) => parsePgUrl(Redacted.make(url))
  it("reads host, port, database, user; keeps the password Redacted and out of every message", () => {
    const target = Either.getOrThrow(parse(`postgres://writer:${secret}@db.hotel.example:6543/audit?sslmode=verify-full`))
    expect(target).toMatchObject({ host: "db.hotel.example", port: 6543, database: "audit", username: "writer", sslMode: "verify-full" })
    expect(target.display).toBe("postgres://writer@db.hotel.example:6543/audit")
    expect(String(target.password)).not.toContain(secret)
    expect(Redacted.value(target.password!)).toBe(secret)
    expect(tlsOptions(target, "PEM")).toMatchObject({ rejectUnauthorized: true, ca: "PEM", servername: "db.hotel.example" })
    expect(productionTlsProblem(target)).toBeUndefined()
  })
  it("defaults to verified TLS off loopback, plain on loopback; production refuses weaker TLS across a network", () => {
    expect(Either.getOrThrow(parse("postgres://w@db.example/audit")).sslMode).toBe("verify-full")
    expect(Either.getOrThrow(parse("postgres://w@127.0.0.1/audit")).sslMode).toBe("disable")
    const weak = Either.getOrThrow(parse("postgres://w@db.example/audit?sslmode=require"))
    expect(productionTlsProblem(weak)).toMatch(/sslmode=require for db\.example: in production .*sslmode=verify-full/)
  })
  it("refuses what it cannot use, with a message that never echoes the value", () => {
    const messages = [
      `mysql://writer:${secret}@db/audit`,
      `postgres://writer:${secret}@db.example/`,
      `postgres://:${secret}@db.example/audit`,
      `postgres://writer:${secret}@db.example/audit?sslmode=allow`,
      `postgres://writer:${secret}@db.example/audit?options=-c%20x`,
      `postgres://writer:${secret}@[bad/audit`
    ].map((url) => Either.match(parse(url), { onLeft: (error) => error.message, onRight: () => "accepted" }))
    expect(messages).toEqual([
      expect.stringContaining("must start with postgres://"),
      expect.stringContaining("must name one database"),
      expect.stringContaining("has no user name"),
      expect.stringContaining("use one of disable, require, verify-ca, verify-full"),
      expect.stringContaining("parameters this server does not read (options)"),
      expect.stringContaining("is not a valid URL")
    ])
    for (const message of messages) expect(message).not.toContain(secret)
  })
})

let server: PostgresServer
describe.skipIf(postgresMissing !== undefined)("audit init-db and audit migrate", () => {
  beforeAll(async () => {
    server = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    await server?.stop()
  })

  it.live("init-db --print-sql prints the three roles and their grants, and no password", () =>
    Effect.gen(function*() {
      const printed = yield* run(["audit", "init-db", "--print-sql"], {})
      expect(Exit.isSuccess(printed.exit)).toBe(true)
      expect(printed.stdout).toContain("CREATE ROLE opera_audit_writer LOGIN NOSUPERUSER")
      expect(printed.stdout).toContain("GRANT INSERT ON public.audit_events, public.audit_checkpoints")
      expect(printed.stdout).toMatch(/GRANT DELETE ON public\.audit_events, .* TO opera_audit_maintenance;/)
      // The writer's only UPDATE is of the lease columns of its chain row; it has no DELETE at all.
      const writerGrants = printed.stdout.split("\n").filter((line) => /^GRANT (UPDATE|DELETE).*TO opera_audit_writer;$/.test(line))
      expect(writerGrants).toEqual(["GRANT UPDATE (writer_id, lease_until, exported_from) ON public.audit_chains TO opera_audit_writer;"])
      expect(printed.stdout).not.toMatch(/PASSWORD/)
    }))

  it.live("migrate moves an SQLite log through the CLI and the copy verifies; a bad source is refused", () =>
    Effect.gen(function*() {
      const db = freshDatabase(server)
      const key = freshKey()
      const file = join(tempDir("sqlite-cli-"), "audit.db")
      yield* Effect.flatMap(AuditLog, (audit) => Effect.repeatN(audit.append(toolCall()), 11)).pipe(
        withAuditLog({ OPERA_SECURITY_AUDIT_DB_PATH: file, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key }),
        Effect.scoped
      )
      const moved = yield* run(["audit", "migrate", "--from", file, "--to", db.ownerUrl], {
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key
      })
      expect(Exit.isSuccess(moved.exit)).toBe(true)
      expect(moved.stdout).toMatch(/moved 12 rows of .* into postgres:\/\/owner_\w+@127\.0\.0\.1:\d+\/audit_\w+/)
      expect(moved.stdout).toContain("the copy verifies: 12 rows")
      expect(moved.stdout).not.toContain(new URL(db.ownerUrl).password)
      const verified = yield* run(["audit", "verify", "--json"], {
        OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl,
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key
      })
      expect(Exit.isSuccess(verified.exit)).toBe(true)
      expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, rowsChecked: 12 })
      const missing = yield* run(["audit", "migrate", "--from", join(tempDir(), "none.db"), "--to", db.ownerUrl], {
        OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: key
      })
      expect(Exit.isFailure(missing.exit)).toBe(true)
    }), 60_000)
})
