import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Console, Effect, Exit, Schema } from "effect"
import { join } from "node:path"
import { auditCommand } from "../../src/cli/auditCommands.js"
import { GeneratedKeys, keysCommand } from "../../src/cli/keysCommands.js"
import { keyringFromSetting } from "../../src/crypto/Keyring.js"
import { signingKeyFromSeed } from "../../src/crypto/signing.js"
import { AuditLog } from "../../src/security/AuditLog.js"
import { auditSettings, freshKey, guest, rawDb, tempDir, toolCall, withAuditLog } from "../security/audit/fixtures.js"

const root = Command.make("opera-cloud-mcp").pipe(Command.withSubcommands([auditCommand, keysCommand]))
const cli = Command.run(root, { name: "opera-cloud-mcp", version: "test" })

/** Runs the CLI as `opera-cloud-mcp ...args` with these settings; captures stdout and stderr. */
const run = (args: ReadonlyArray<string>, settings: Record<string, string>) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const capture: Console.Console = {
      ...base,
      log: (...parts) => Effect.sync(() => void stdout.push(parts.join(" "))),
      error: (...parts) => Effect.sync(() => void stderr.push(parts.join(" ")))
    }
    const exit = yield* cli(["node", "opera-cloud-mcp", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(auditSettings(settings)),
      Effect.withConsole(capture),
      Effect.exit
    )
    return { exit, stdout: stdout.join("\n"), stderr: stderr.join("\n") }
  })

const seeded = () => {
  const path = join(tempDir(), "audit.db")
  const settings = { OPERA_SECURITY_AUDIT_DB_PATH: path, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }
  const seed = Effect.flatMap(AuditLog, (audit) =>
    Effect.forEach([
      toolCall(),
      toolCall({ outcome: "failure", errorTag: "OperaNotFound" }),
      toolCall({ kind: "auth", tool: "oauth_token" })
    ], (event) => audit.append(event))).pipe(withAuditLog(settings))
  return { path, settings, seed }
}

describe("opera-cloud-mcp keys", () => {
  it.effect("generate prints a working audit key and signing key pair as env lines, and nothing else on stdout", () =>
    Effect.gen(function*() {
      const { exit, stderr, stdout } = yield* run(["keys", "generate"], {})
      expect(Exit.isSuccess(exit)).toBe(true)
      const lines = stdout.split("\n")
      expect(lines.map((line) => line.split("=")[0])).toEqual([
        "OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY",
        "OPERA_SECURITY_AUDIT_SIGNING_KEY",
        "OPERA_SECURITY_AUDIT_VERIFY_KEY"
      ])
      const value = (index: number) => lines[index]!.slice(lines[index]!.indexOf("=") + 1)
      expect(Buffer.from(value(0), "base64")).toHaveLength(32)
      expect(signingKeyFromSeed(Buffer.from(value(1), "base64")).publicKeyBase64).toBe(value(2))
      expect(stderr).toContain("Keep the first two secret")
      const again = yield* run(["keys", "generate", "--json"], {})
      const keys = Schema.decodeUnknownSync(Schema.parseJson(GeneratedKeys))(again.stdout)
      expect(keys.OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY).not.toBe(value(0))
    }))

  it.effect("the generated settings run an audit log, and rotate adds a key the log keeps reading", () =>
    Effect.gen(function*() {
      const generated = yield* run(["keys", "generate", "--json"], {})
      const keys = Schema.decodeUnknownSync(Schema.parseJson(GeneratedKeys))(generated.stdout)
      const path = join(tempDir(), "audit.db")
      const settings = { ...keys, OPERA_SECURITY_AUDIT_DB_PATH: path }
      yield* Effect.flatMap(AuditLog, (audit) => audit.append(toolCall())).pipe(withAuditLog(settings))
      const rotated = yield* run(["keys", "rotate"], settings)
      expect(Exit.isSuccess(rotated.exit)).toBe(true)
      const fingerprint = keyringFromSetting(
        Schema.decodeUnknownSync(Schema.Redacted(Schema.String))(keys.OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY)
      ).pipe((either) => (either._tag === "Right" ? either.right.fingerprint : ""))
      // The day's second data key (rotation 1): a new random key for the current UTC day.
      expect(rotated.stdout).toContain(`new audit data key ${fingerprint}.d1970-01-01.1 (generation 2)`)
      const verified = yield* run(["audit", "verify"], settings)
      expect(verified.stdout).toContain("audit log OK: 2 rows")
    }))
})

describe("opera-cloud-mcp audit", () => {
  it.effect("verify, report and cleanup speak to people and, with --json, to machines", () => {
    const { seed, settings } = seeded()
    return Effect.gen(function*() {
      yield* seed
      const verified = yield* run(["audit", "verify"], settings)
      expect(Exit.isSuccess(verified.exit)).toBe(true)
      expect(verified.stdout).toMatch(/^audit log OK: 3 rows \(1\.\.3\), 1 signed checkpoints matched$/)
      const verifiedJson = JSON.parse((yield* run(["audit", "verify", "--json"], settings)).stdout)
      expect(verifiedJson).toMatchObject({ ok: true, rowsChecked: 3 })

      const report = yield* run(["audit", "report", "--hours", "24"], settings)
      expect(report.stdout).toContain("threat level")
      expect(report.stdout).toMatch(/search_reservations\s+2\s+1/)
      const reportJson = JSON.parse((yield* run(["audit", "report", "--json"], settings)).stdout)
      expect(reportJson).toMatchObject({ hours: 24, uniqueClients: 1, errorsByTag: { OperaNotFound: 1 } })
      expect(Exit.isFailure((yield* run(["audit", "report", "--hours", "0"], settings)).exit)).toBe(true)

      const dry = yield* run(["audit", "cleanup", "--days", "1", "--dry-run"], settings)
      expect(dry.stdout).toContain("would remove 0 rows")
      const cleaned = JSON.parse((yield* run(["audit", "cleanup", "--json"], settings)).stdout)
      expect(cleaned).toMatchObject({ dryRun: false, removedRows: 0 })
    })
  })

  it.effect("export masks personal data unless --reveal, and is itself audited", () => {
    const { seed, settings } = seeded()
    return Effect.gen(function*() {
      yield* seed
      const masked = yield* run(["audit", "export"], settings)
      expect(Exit.isSuccess(masked.exit)).toBe(true)
      const rows = masked.stdout.split("\n").map((line) => JSON.parse(line))
      expect(rows).toHaveLength(3)
      expect(rows[0].sensitive.emails).toEqual(["m***@example-guest.test"])
      expect(rows[0].sensitive.guestNames).toEqual(["M*** Q***"])
      expect(rows[0].sensitive.phones).toEqual(["***34"])
      expect(masked.stdout).not.toContain(guest.email)
      expect(masked.stdout).not.toContain(guest.name)
      expect(masked.stderr).toContain("exported 3 rows (personal data masked)")

      const revealed = yield* run(["audit", "export", "--reveal", "--since", "24h"], settings)
      expect(revealed.stdout).toContain(guest.email)
      const lines = revealed.stdout.split("\n").map((line) => JSON.parse(line))
      // The first export left an admin row behind; the reveal was recorded before its own lines were read.
      expect(lines.at(-2)).toMatchObject({ kind: "admin", tool: "audit_export", clientId: "cli: audit export" })
      expect(lines.at(-1)).toMatchObject({ kind: "admin", tool: "audit_export_reveal", clientId: "cli: audit export" })
      expect((yield* run(["audit", "verify"], settings)).stdout).toContain("audit log OK: 5 rows")
      expect(Exit.isFailure((yield* run(["audit", "export", "--since", "last tuesday"], settings)).exit)).toBe(true)
    })
  })

  it.effect("verify exits non-zero and names the first bad sequence after tampering", () => {
    const { path, seed, settings } = seeded()
    return Effect.gen(function*() {
      yield* seed
      yield* Effect.scoped(Effect.gen(function*() {
        const db = yield* rawDb(path)
        yield* db.unsafe("DROP TRIGGER audit_events_no_update")
        yield* db`UPDATE audit_events SET outcome = 'success' WHERE sequence = 2`
      }))
      const result = yield* run(["audit", "verify"], settings)
      expect(Exit.isFailure(result.exit)).toBe(true)
      expect(result.stdout).toContain("audit log DAMAGED at sequence 2: changed")
    })
  })

  it.effect("read-only commands leave the log as they found it (no checkpoint is signed by verify or report)", () => {
    const { path, seed, settings } = seeded()
    const checkpoints = Effect.scoped(Effect.flatMap(rawDb(path), (db) =>
      db<{ readonly n: number }>`SELECT count(*) AS n FROM audit_checkpoints`)).pipe(Effect.map((rows) => rows[0]?.n))
    return Effect.gen(function*() {
      yield* seed
      yield* Effect.scoped(Effect.gen(function*() {
        const db = yield* rawDb(path)
        yield* db.unsafe("DROP TRIGGER audit_checkpoints_no_delete")
        yield* db`DELETE FROM audit_checkpoints`
      }))
      expect(yield* checkpoints).toBe(0)
      expect(Exit.isSuccess((yield* run(["audit", "verify"], settings)).exit)).toBe(true)
      expect(Exit.isSuccess((yield* run(["audit", "report"], settings)).exit)).toBe(true)
      expect(yield* checkpoints).toBe(0)
    })
  })

  it.effect("verify with the wrong key says so clearly, and a missing log is not created", () => {
    const { seed, settings } = seeded()
    return Effect.gen(function*() {
      yield* seed
      const wrong = yield* run(["audit", "verify"], { ...settings, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() })
      expect(Exit.isFailure(wrong.exit)).toBe(true)
      expect(JSON.stringify(Exit.isFailure(wrong.exit) ? wrong.exit.cause : "")).toContain("does not match this audit log")
      const missing = yield* run(["audit", "report"], { ...settings, OPERA_SECURITY_AUDIT_DB_PATH: join(tempDir(), "none.db") })
      expect(JSON.stringify(Exit.isFailure(missing.exit) ? missing.exit.cause : "")).toContain("there is no audit log at")
    })
  })
})
