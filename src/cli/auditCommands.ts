import { Command, Options } from "@effect/cli"
import { Clock, Console, DateTime, Effect, Option, Ref, Schema } from "effect"
import { AuditLog } from "../security/AuditLog.js"
import type { SecurityReport } from "../security/audit/model.js"
import type { VerifyResult } from "../security/audit/verify.js"

/** A maintenance command's verdict was negative: the CLI exits non-zero with this message. */
export class AuditCommandFailed extends Schema.TaggedError<AuditCommandFailed>()("AuditCommandFailed", {
  message: Schema.String
}) {}

/** The layer the audit commands run on (they provide it themselves; exported for the composition root). */
export const AuditCliLive = AuditLog.Maintenance

const json = Options.boolean("json").pipe(Options.withDescription("print JSON for machines"))
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>) => {
  const cells = [header, ...rows.map((row) => row.map(String))]
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)))
  return cells.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd())
}

/** Progress on stderr, one line per 10% step, only for logs big enough to wait for. */
const progressBar = Effect.gen(function*() {
  const shown = yield* Ref.make(-1)
  return (checked: number, total: number) =>
    total < 50_000 ? Effect.void : Effect.gen(function*() {
      const tenth = Math.floor((checked / total) * 10)
      if (tenth === (yield* Ref.getAndSet(shown, tenth))) return
      yield* Console.error(`verify [${"#".repeat(tenth)}${".".repeat(10 - tenth)}] ${checked}/${total} rows`)
    })
})

const describeVerify = (result: VerifyResult) =>
  result.ok
    ? `audit log OK: ${result.rowsChecked} rows (${result.firstSequence}..${result.lastSequence}), ` +
      `${result.checkpointsChecked} signed checkpoints matched` +
      (result.anchorSequence > 0 ? `, retention anchor at ${result.anchorSequence}` : "")
    : `audit log DAMAGED at sequence ${result.failure?.sequence}: ${result.failure?.damage} — ${result.failure?.message}`

const verify = Command.make("verify", {
  checkpoint: Options.file("checkpoint", { exists: "yes" }).pipe(
    Options.withDescription("an exported checkpoint file (JSON or JSON lines) to check the tail against"),
    Options.optional
  ),
  json
}, ({ checkpoint, json }) =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    const onProgress = yield* progressBar
    const result = yield* audit.verify({
      onProgress,
      ...(Option.isSome(checkpoint) ? { checkpointFile: checkpoint.value } : {})
    })
    yield* Console.log(json ? JSON.stringify(result) : describeVerify(result))
    if (!result.ok) return yield* new AuditCommandFailed({ message: describeVerify(result) })
  })).pipe(Command.withDescription("walk the chain: every MAC, encrypted field, checkpoint and anchor"))

const printReport = (report: SecurityReport) =>
  [
    `Security report, last ${report.hours} h`,
    ...table(["", ""], [
      ["threat level", report.threatLevel],
      ["events", report.totals.events],
      ["tool calls", report.totals.toolCalls],
      ["success rate", percent(report.successRate)],
      ["failure rate", percent(report.failureRate)],
      ["refused", report.totals.refused],
      ["pending intents", report.totals.pending],
      ["cancelled", report.totals.cancelled],
      ["unknown outcome", report.totals.unknownOutcome],
      ["unresolved intents", report.totals.unresolvedIntents],
      ["high-risk events", report.highRiskEvents],
      ["unique clients", report.uniqueClients],
      ["auth events", report.totals.authEvents],
      ["security events", report.totals.securityEvents]
    ]).map((line) => `  ${line}`),
    "",
    "Top tools",
    ...table(["TOOL", "CALLS", "FAILURES"], report.topTools.map((row) => [row.tool, row.calls, row.failures]))
      .map((line) => `  ${line}`),
    "",
    "Errors by tag",
    ...table(["TAG", "COUNT"], Object.entries(report.errorsByTag)).map((line) => `  ${line}`)
  ].join("\n")

const report = Command.make("report", {
  hours: Options.integer("hours").pipe(Options.withDefault(24), Options.withDescription("window in hours")),
  json
}, ({ hours, json }) =>
  Effect.gen(function*() {
    if (hours <= 0) return yield* new AuditCommandFailed({ message: "--hours must be a positive whole number" })
    const audit = yield* AuditLog
    const result = yield* audit.report(hours)
    yield* Console.log(json ? JSON.stringify(result) : printReport(result))
  })).pipe(Command.withDescription("success and failure rates, threat level, high-risk events, clients, tools"))

const cleanup = Command.make("cleanup", {
  days: Options.integer("days").pipe(
    Options.withDescription("days to keep (default OPERA_SECURITY_SECURITY_EVENT_RETENTION_DAYS)"),
    Options.optional
  ),
  dryRun: Options.boolean("dry-run").pipe(Options.withDescription("only say what would be removed")),
  json
}, ({ days, dryRun, json }) =>
  Effect.gen(function*() {
    if (Option.isSome(days) && days.value < 1) {
      return yield* new AuditCommandFailed({ message: "--days must be at least 1" })
    }
    const audit = yield* AuditLog
    const result = yield* audit.cleanup({
      dryRun,
      actor: "cli: audit cleanup",
      ...(Option.isSome(days) ? { days: days.value } : {})
    })
    yield* Console.log(json ? JSON.stringify(result) : [
      `${dryRun ? "would remove" : "removed"} ${result.removedRows} rows ` +
      `(${result.removedByAge} past the window, ${result.removedForSize} over the size cap)`,
      result.anchorSequence === null ? "nothing to anchor" : `signed anchor at sequence ${result.anchorSequence}`
    ].join("\n"))
  })).pipe(Command.withDescription("remove rows past the retention window or over the size cap, leaving a signed anchor"))

/** `--since`: an ISO date or a look-back such as 24h or 7d. */
const parseSince = (raw: string, now: number): Option.Option<number> => {
  const lookBack = /^(\d+)([hd])$/.exec(raw.trim())
  if (lookBack !== null) return Option.some(now - Number(lookBack[1]) * (lookBack[2] === "h" ? 3_600_000 : 86_400_000))
  return Option.map(DateTime.make(raw.trim()), DateTime.toEpochMillis)
}

const exportCommand = Command.make("export", {
  since: Options.text("since").pipe(Options.withDescription("ISO date or look-back like 24h, 7d"), Options.optional),
  format: Options.choice("format", ["jsonl"]).pipe(Options.withDefault("jsonl" as const)),
  reveal: Options.boolean("reveal").pipe(Options.withDescription("show personal data in clear (the export is audited)"))
}, ({ reveal, since }) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const from = Option.isNone(since) ? Option.some(0) : parseSince(since.value, now)
    if (Option.isNone(from)) {
      return yield* new AuditCommandFailed({ message: "--since must be an ISO date or a look-back like 24h or 7d" })
    }
    const audit = yield* AuditLog
    const result = yield* audit.exportTrail({
      since: from.value,
      reveal,
      actor: "cli: audit export",
      write: (lines) => lines.length === 0 ? Effect.void : Console.log(lines.join("\n"))
    })
    const how = reveal ? " with personal data revealed" : " (personal data masked)"
    yield* Console.error(`exported ${result.rows} rows${how}` +
      (result.unreadable > 0 ? `; ${result.unreadable} rows could not be read: run \`audit verify\`` : ""))
  })).pipe(Command.withDescription("decrypted JSON lines for an investigator; personal data masked unless --reveal"))

export const auditCommand = Command.make("audit").pipe(
  Command.withDescription("verify, report on, clean up and export the audit log"),
  Command.withSubcommands([
    verify.pipe(Command.provide(AuditCliLive)),
    report.pipe(Command.provide(AuditCliLive)),
    cleanup.pipe(Command.provide(AuditCliLive)),
    exportCommand.pipe(Command.provide(AuditCliLive))
  ])
)
