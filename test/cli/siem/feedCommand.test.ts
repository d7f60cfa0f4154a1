import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Console, Effect, Exit, Fiber, Option } from "effect"
import { appendFileSync, copyFileSync, existsSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { auditCommand } from "../../../src/cli/auditCommands.js"
import { exitCodeOfError, exitCodes } from "../../../src/cli/exitCodes.js"
import { AuditLog } from "../../../src/security/AuditLog.js"
import { auditSettings, freshKey, guest, tempDir, toolCall, withAuditLog } from "../../security/audit/fixtures.js"

const root = Command.make("opera-cloud-mcp").pipe(Command.withSubcommands([auditCommand]))
const cli = Command.run(root, { name: "opera-cloud-mcp", version: "test" })

const linesOf = (file: string) =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((line) => line.length > 0) : []

/**
 * Runs `opera-cloud-mcp ...args` in this process, writing the feed to an output file (the one in args, or a
 * fresh one): `stdout()` is what this run appended to it, stderr lines land in the array as they are written.
 */
const start = (args: ReadonlyArray<string>, settings: Record<string, string>) =>
  Effect.gen(function*() {
    const outputAt = args.indexOf("--output")
    const output = outputAt >= 0 ? args[outputAt + 1] ?? "" : join(tempDir("audit-feed-out-"), "feed.out")
    const skip = linesOf(output).length
    const stderr: Array<string> = []
    const base = yield* Effect.console
    const capture: Console.Console = {
      ...base,
      error: (...parts) => Effect.sync(() => void stderr.push(parts.join(" ")))
    }
    const fiber = yield* cli(["node", "opera-cloud-mcp", ...args, ...(outputAt >= 0 ? [] : ["--output", output])]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(auditSettings(settings)),
      Effect.withConsole(capture),
      Effect.exit,
      Effect.fork
    )
    return { fiber, stdout: () => linesOf(output).slice(skip), stderr }
  })

const run = (args: ReadonlyArray<string>, settings: Record<string, string>) =>
  Effect.gen(function*() {
    const started = yield* start(args, settings)
    const exit = yield* Fiber.join(started.fiber)
    return { exit, stdout: started.stdout(), stderr: started.stderr.join("\n") }
  })

interface Line {
  readonly chain: string
  readonly sequence: number
  readonly time: string
  readonly kind: string
  readonly tool?: string
  readonly clientId?: string
  readonly personalFields?: string
}
const parse = (lines: ReadonlyArray<string>) => lines.filter((line) => line.length > 0).map((line) => JSON.parse(line) as Line)

const fixture = () => {
  const dir = tempDir("audit-feed-")
  const settings = { OPERA_SECURITY_AUDIT_DB_PATH: join(dir, "audit.db"), OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: freshKey() }
  const append = (count: number, tag: string) =>
    Effect.flatMap(AuditLog, (audit) =>
      Effect.forEach(Array.from({ length: count }, (_, index) => index), (index) =>
        audit.append(toolCall({ correlationId: `${tag}-${index}` })))).pipe(withAuditLog(settings))
  return { dir, settings, append, cursor: join(dir, "feed.cursor"), output: join(dir, "feed.log") }
}

const expectEveryRowOnce = (lines: ReadonlyArray<Line>) => {
  const sequences = lines.map((line) => line.sequence)
  expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, index) => index + 1))
}

describe("audit export as a SIEM feed", () => {
  it.effect("a cursor resumes after the last row delivered: every row once across runs, ISO 8601 times", () => {
    const { append, cursor, settings } = fixture()
    return Effect.gen(function*() {
      yield* append(3, "first")
      const first = yield* run(["audit", "export", "--cursor", cursor], settings)
      expect(Exit.isSuccess(first.exit), first.stderr).toBe(true)
      // The three rows and the feed's own start row, appended before it read anything.
      const firstLines = parse(first.stdout)
      expect(firstLines.map((line) => line.kind)).toEqual(["tool_call", "tool_call", "tool_call", "admin"])
      expect(firstLines[3]).toMatchObject({ tool: "audit_feed", personalFields: "masked" })
      expect(firstLines[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(first.stderr).toContain("4 lines delivered (personal data masked); now at sequence 4")
      const saved = JSON.parse(readFileSync(cursor, "utf8")) as { position: Record<string, number> }
      expect(Object.values(saved.position)).toEqual([4])

      yield* append(2, "second")
      const second = yield* run(["audit", "export", "--cursor", cursor], settings)
      const secondLines = parse(second.stdout)
      // The first run's stop row, the two new rows, this run's start row.
      expect(secondLines.map((line) => line.kind)).toEqual(["admin", "tool_call", "tool_call", "admin"])
      expectEveryRowOnce([...firstLines, ...secondLines])
      const nothingNew = yield* run(["audit", "export", "--cursor", cursor], settings)
      expect(parse(nothingNew.stdout).map((line) => line.sequence)).toEqual([9, 10])
    })
  })

  it.effect("personal fields are masked unless --reveal, and the reveal is recorded with the operator", () => {
    const { append, settings } = fixture()
    return Effect.gen(function*() {
      yield* append(2, "guest")
      const masked = yield* run(["audit", "export", "--format", "cef"], settings)
      const text = masked.stdout.join("\n")
      for (const needle of [guest.name, guest.email, guest.phone, guest.ip, "frontdesk-anna"]) {
        expect(text).not.toContain(needle)
      }
      expect(text).toContain("operaMcpPersonalFields=masked")
      const revealed = yield* run(["audit", "export", "--reveal", "--cursor", join(tempDir(), "c")], settings)
      const lines = parse(revealed.stdout)
      expect(revealed.stdout.join("\n")).toContain(guest.email)
      const reveal = lines.find((line) => line.tool === "audit_feed_reveal")
      expect(reveal?.clientId).toMatch(/^cli: audit export \(os user .+\)$/)
      expect(reveal?.personalFields).toBe("revealed")
      expect(revealed.stderr).toContain("personal data revealed")
    })
  })

  it.effect("CEF: the header names vendor, product, version, a signature id per kind and a severity", () => {
    const { append, settings } = fixture()
    return Effect.gen(function*() {
      yield* append(1, "cef")
      yield* Effect.flatMap(AuditLog, (audit) =>
        audit.append(toolCall({ kind: "security", tool: "threat|monitor", outcome: "refused", riskLevel: "high" }))
      ).pipe(withAuditLog(settings))
      const { stdout } = yield* run(["audit", "export", "--format", "cef"], settings)
      expect(stdout).toHaveLength(3)
      expect(stdout[0]).toMatch(/^CEF:0\|opera-cloud-mcp\|audit\|\d+\.\d+\.\d+\|100\|tool call search_reservations success\|2\|/)
      expect(stdout[1]).toMatch(/\|300\|security event threat\\\|monitor refused\|8\|/)
      expect(stdout[2]).toMatch(/\|400\|audit administration audit_feed success\|3\|/)
      expect(stdout[0]).toMatch(/ operaMcpTime=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /)
      expect(stdout[0]).toMatch(/ externalId=1 /)
    })
  })

  it.effect("an output file: lines written before a crash but not in the cursor are kept, a cut line is written again", () => {
    const { append, cursor, output, settings } = fixture()
    return Effect.gen(function*() {
      yield* append(2, "a")
      const args = ["audit", "export", "--cursor", cursor, "--output", output]
      expect(Exit.isSuccess((yield* run(args, settings)).exit)).toBe(true)
      copyFileSync(cursor, `${cursor}.before`)
      yield* append(2, "b")
      expect(Exit.isSuccess((yield* run(args, settings)).exit)).toBe(true)
      // A crash after the lines were flushed and before the cursor was replaced, in the middle of the next write.
      copyFileSync(`${cursor}.before`, cursor)
      appendFileSync(output, "{\"time\":\"2026-01-01T00:00:00.000Z\",\"chain\":\"cut")
      yield* append(1, "c")
      const third = yield* run(args, settings)
      expect(Exit.isSuccess(third.exit), third.stderr).toBe(true)
      expect(third.stderr).toContain("4 lines written before the last stop were not in the cursor")
      expect(third.stderr).toContain("a partial last line")
      const lines = parse(readFileSync(output, "utf8").split("\n"))
      expectEveryRowOnce(lines)
      expect(lines.map((line) => line.kind).slice(-3)).toEqual(["admin", "tool_call", "admin"])
    })
  })

  it.live("--follow streams rows as they are committed and stops cleanly when interrupted", () => {
    const { append, cursor, settings } = fixture()
    return Effect.gen(function*() {
      yield* append(1, "before")
      const feed = yield* start(["audit", "export", "--follow", "--interval-ms", "50", "--cursor", cursor], settings)
      const waitFor = (count: number) =>
        Effect.gen(function*() {
          for (let tries = 0; tries < 200 && feed.stdout().length < count; tries++) yield* Effect.sleep("25 millis")
          return feed.stdout().length
        })
      expect(yield* waitFor(2)).toBe(2)
      yield* append(3, "during")
      expect(yield* waitFor(5)).toBe(5)
      yield* Fiber.interrupt(feed.fiber)
      expect(feed.stderr.join("\n")).toContain("5 lines delivered")
      const after = yield* run(["audit", "export", "--cursor", cursor], settings)
      const lines = parse(after.stdout)
      // The stop row the interrupted feed recorded, then this run's start row: nothing delivered twice.
      expect(lines.map((line) => [line.sequence, line.tool])).toEqual([[6, "audit_feed"], [7, "audit_feed"]])
      expectEveryRowOnce([...parse(feed.stdout()), ...lines])
    })
  })

  it.effect("under a rollback alarm a masked feed goes on; a reveal, which cannot be recorded, shows nothing", () => {
    const { dir, settings } = fixture()
    const withHistory = { ...settings, OPERA_SECURITY_AUDIT_CHECKPOINT_DIR: join(dir, "exported") }
    const db = settings.OPERA_SECURITY_AUDIT_DB_PATH
    return Effect.gen(function*() {
      const session = (tag: string) =>
        Effect.flatMap(AuditLog, (audit) => audit.append(toolCall({ correlationId: tag }))).pipe(withAuditLog(withHistory))
      yield* session("one")
      copyFileSync(db, `${db}.copy`)
      yield* session("two")
      const cursor = join(dir, "feed.cursor")
      expect(parse((yield* run(["audit", "export", "--cursor", cursor], withHistory)).stdout)).toHaveLength(3)
      copyFileSync(`${db}.copy`, db)
      rmSync(`${db}-wal`, { force: true })
      rmSync(`${db}-shm`, { force: true })
      const behind = yield* run(["audit", "export", "--cursor", cursor], withHistory)
      expect(behind.stdout).toEqual([])
      expect(behind.stderr).toContain("the cursor is at sequence 3 but the log ends at 1: the log was rolled back or replaced")
      const masked = yield* run(["audit", "export", "--format", "cef"], withHistory)
      expect(Exit.isSuccess(masked.exit), masked.stderr).toBe(true)
      expect(masked.stderr).toMatch(/its start is not recorded \(.*rollback/)
      expect(masked.stdout).toHaveLength(1)
      const revealed = yield* run(["audit", "export", "--reveal", "--format", "cef"], withHistory)
      expect(revealed.stdout).toEqual([])
      const failure = Exit.isFailure(revealed.exit) ? Cause.failureOption(revealed.exit.cause) : Option.none()
      expect(Option.map(failure, exitCodeOfError)).toEqual(Option.some(exitCodes.rollback))
    })
  })

  it.effect("a cursor of another log, a cursor that is not one and a bad interval are refused with a reason", () => {
    const one = fixture()
    const other = fixture()
    return Effect.gen(function*() {
      yield* one.append(1, "one")
      yield* other.append(1, "other")
      yield* run(["audit", "export", "--cursor", one.cursor], one.settings)
      const foreign = yield* run(["audit", "export", "--cursor", one.cursor], other.settings)
      const failure = Exit.isFailure(foreign.exit) ? Cause.failureOption(foreign.exit.cause) : Option.none()
      expect(Option.map(failure, exitCodeOfError)).toEqual(Option.some(exitCodes.configuration))
      expect(Option.getOrThrow(failure)).toMatchObject({ message: expect.stringMatching(/belongs to another log/) })
      appendFileSync(other.cursor, "not a cursor")
      const garbled = yield* run(["audit", "export", "--cursor", other.cursor], other.settings)
      expect(Exit.isFailure(garbled.exit)).toBe(true)
      expect(String(Exit.isFailure(garbled.exit) ? Cause.squash(garbled.exit.cause) : "")).toContain("is not a feed cursor")
      const slow = yield* run(["audit", "export", "--follow", "--interval-ms", "10"], one.settings)
      expect(Exit.isFailure(slow.exit)).toBe(true)
    })
  })
})
