import { Command, Options } from "@effect/cli"
import { Clock, Console, DateTime, Effect, Option, Ref, Schema } from "effect"
import { AuditLog } from "../security/AuditLog.js"
import type { SecurityReport } from "../security/audit/model.js"
import type { PersonalDataRetention } from "../security/audit/shredReport.js"
import type { VerifyResult } from "../security/audit/verify.js"
import { auditDbCommands } from "./auditDbCommands.js"
import { runFeed } from "./siem/runFeed.js"
import { withEnvironment } from "./environmentHelp.js"

/** A maintenance command's verdict was negative: the CLI exits non-zero with this message. */
export class AuditCommandFailed extends Schema.TaggedError<AuditCommandFailed>()("AuditCommandFailed", {
  message: Schema.String,
  /** What verify found (sets the exit status); absent for a usage mistake. */
  verdict: Schema.optional(Schema.Literal("damaged", "rollback"))
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
  result.ok && result.chains !== undefined
    ? `audit log OK: ${result.rowsChecked} rows in ${result.chains.length} chains, ` +
      `${result.checkpointsChecked} signed checkpoints matched` +
      (result.shreddedRows > 0 ? `; ${result.shreddedRows} rows shredded (personal fields destroyed by retention)` : "")
    : result.ok
    ? `audit log OK: ${result.rowsChecked} rows (${result.firstSequence}..${result.lastSequence}), ` +
      `${result.checkpointsChecked} signed checkpoints matched` +
      (result.anchorSequence > 0 ? `, retention anchor at ${result.anchorSequence}` : "") +
      (result.shreddedRows > 0 ? `; ${result.shreddedRows} rows shredded (personal fields destroyed by retention)` : "")
    : result.failure?.damage === "rolled_back"
    ? `audit log ROLLED BACK at sequence ${result.failure.sequence}: ${result.failure.message}`
    : `audit log DAMAGED at sequence ${result.failure?.sequence}: ${result.failure?.damage} — ${result.failure?.message}`

const verify = Command.make("verify", {
  // Checked by verify itself, so a missing file is the checkpoint-history failure, not a usage error.
  checkpoint: Options.file("checkpoint", { exists: "either" }).pipe(
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
    if (!result.ok) {
      return yield* new AuditCommandFailed({
        message: describeVerify(result),
        verdict: result.failure?.damage === "rolled_back" ? "rollback" : "damaged"
      })
    }
  })).pipe(Command.withDescription(withEnvironment(
    "audit verify",
    "walk the chain: every MAC, encrypted field, anchor and checkpoint (the db's, --checkpoint's, and the whole " +
    "exported history when OPERA_SECURITY_AUDIT_CHECKPOINT_DIR is set)"
  )))

const acceptRollback = Command.make("accept-rollback", {
  reason: Options.text("reason").pipe(
    Options.withDescription("what the investigation found (recorded, sealed, in the audit log)")
  ),
  json
}, ({ json, reason }) =>
  Effect.gen(function*() {
    if (reason.trim().length < 10) {
      return yield* new AuditCommandFailed({ message: "--reason must say what the investigation found (10+ characters)" })
    }
    const audit = yield* AuditLog
    const accepted = yield* audit.acceptRollback("cli: audit accept-rollback", reason.trim())
    yield* Console.log(json ? JSON.stringify({ accepted: Option.getOrNull(accepted) }) : Option.match(accepted, {
      onNone: () => "no rollback alarm: nothing to accept",
      onSome: (rebase) =>
        `rollback accepted and recorded: the exported history is kept through ${rebase.keptThrough}; ` +
        `its checkpoints after that (up to ${rebase.abandonedSequence}) are abandoned. Restart the server.`
    }))
  })).pipe(Command.withDescription(withEnvironment(
    "audit accept-rollback",
    "after investigating a rollback alarm: record who accepted it and why, and re-base the exported checkpoint " +
    "history on the db as it is"
  )))

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
    ...table(["TAG", "COUNT"], Object.entries(report.errorsByTag)).map((line) => `  ${line}`),
    ...(report.personalData === undefined ? [] : printPersonalData(report.personalData))
  ].join("\n")

const printPersonalData = (data: PersonalDataRetention) => [
  "",
  `Personal-data retention (${data.retentionDays} days): ${data.shreddedPeriods} periods shredded, ` +
  `${data.shreddedRows} rows`,
  ...table(
    ["PERIOD", "ROWS", "SHREDDED AT", "KEY"],
    data.periods.map((row) => [row.period, row.rows, DateTime.formatIso(DateTime.unsafeMake(row.shreddedAt)), row.keyId])
  ).map((line) => `  ${line}`),
  ...(data.legacyRows > 0
    ? [`  ${data.legacyRows} rows written before period keys are sealed under the master key: not shredded`]
    : [])
]

const report = Command.make("report", {
  hours: Options.integer("hours").pipe(Options.withDefault(24), Options.withDescription("window in hours")),
  json
}, ({ hours, json }) =>
  Effect.gen(function*() {
    if (hours <= 0) return yield* new AuditCommandFailed({ message: "--hours must be a positive whole number" })
    const audit = yield* AuditLog
    const result = yield* audit.report(hours)
    yield* Console.log(json ? JSON.stringify(result) : printReport(result))
  })).pipe(Command.withDescription(withEnvironment(
    "audit report",
    "success and failure rates, threat level, high-risk events, clients, tools"
  )))

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
    const shredded = yield* audit.shred({ dryRun, actor: "cli: audit cleanup" })
    const result = yield* audit.cleanup({
      dryRun,
      actor: "cli: audit cleanup",
      ...(Option.isSome(days) ? { days: days.value } : {})
    })
    yield* Console.log(json ? JSON.stringify({ ...result, personalData: shredded }) : [
      `${dryRun ? "would shred" : "shredded"} the personal fields of ${shredded.shredded.length} periods ` +
      `(${shredded.rows} rows) older than ${shredded.days} days` +
      (shredded.shredded.length > 0 ? `: ${shredded.shredded.map((period) => period.period).join(", ")}` : ""),
      `${dryRun ? "would remove" : "removed"} ${result.removedRows} rows ` +
      `(${result.removedByAge} past the window, ${result.removedForSize} over the size cap)`,
      result.anchorSequence === null ? "nothing to anchor" : `signed anchor at sequence ${result.anchorSequence}`
    ].join("\n"))
  })).pipe(Command.withDescription(withEnvironment(
    "audit cleanup",
    "shred personal fields older than OPERA_SECURITY_DATA_RETENTION_POLICY_DAYS; remove rows past the retention window " +
    "or over the size cap, leaving a signed anchor"
  )))

/** `--since`: an ISO date or a look-back such as 24h or 7d. */
const parseSince = (raw: string, now: number): Option.Option<number> => {
  const lookBack = /^(\d+)([hd])$/.exec(raw.trim())
  if (lookBack !== null) return Option.some(now - Number(lookBack[1]) * (lookBack[2] === "h" ? 3_600_000 : 86_400_000))
  return Option.map(DateTime.make(raw.trim()), DateTime.toEpochMillis)
}

const exportCommand = Command.make("export", {
  since: Options.text("since").pipe(Options.withDescription("ISO date or look-back like 24h, 7d"), Options.optional),
  format: Options.choice("format", ["jsonl", "cef"]).pipe(
    Options.withDefault("jsonl" as const),
    Options.withDescription("jsonl: one JSON object per line; cef: ArcSight Common Event Format (SIEM feed)")
  ),
  reveal: Options.boolean("reveal").pipe(
    Options.withDescription("show personal data in clear (recorded in the audit log before anything is shown)")
  ),
  follow: Options.boolean("follow").pipe(
    Options.withDescription("SIEM feed: keep streaming new events as they are committed, until SIGINT or SIGTERM")
  ),
  cursor: Options.file("cursor", { exists: "either" }).pipe(
    Options.withDescription("SIEM feed: a file recording how far the feed got; a restart resumes after it"),
    Options.optional
  ),
  output: Options.file("output", { exists: "either" }).pipe(
    Options.withDescription("SIEM feed: append lines to this file (fsynced, exactly once with --cursor) instead of stdout"),
    Options.optional
  ),
  intervalMs: Options.integer("interval-ms").pipe(
    Options.withDefault(1000),
    Options.withDescription("SIEM feed: how often --follow looks for new events, in milliseconds (50 to 3600000)")
  )
}, ({ cursor, follow, format, intervalMs, output, reveal, since }) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const from = Option.isNone(since) ? Option.some(0) : parseSince(since.value, now)
    if (Option.isNone(from)) {
      return yield* new AuditCommandFailed({ message: "--since must be an ISO date or a look-back like 24h or 7d" })
    }
    if (intervalMs < 50 || intervalMs > 3_600_000) {
      return yield* new AuditCommandFailed({ message: "--interval-ms must be between 50 and 3600000" })
    }
    if (follow || format === "cef" || Option.isSome(cursor) || Option.isSome(output)) {
      yield* runFeed({ format, reveal, follow, intervalMs, cursorPath: cursor, outputPath: output, since: from.value })
      return
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
      (result.shredded > 0 ? `; ${result.shredded} rows shown as shredded (personal fields destroyed by retention)` : "") +
      (result.unreadable > 0 ? `; ${result.unreadable} rows could not be read: run \`audit verify\`` : ""))
  })).pipe(Command.withDescription(withEnvironment(
    "audit export",
    "decrypted JSON lines for an investigator, or with --follow/--cursor/--output/--format cef a SIEM feed for a " +
    "log shipper; personal data masked unless --reveal"
  )))

export const auditCommand = Command.make("audit").pipe(
  Command.withDescription("verify, report on, clean up and export the audit log"),
  Command.withSubcommands([
    verify.pipe(Command.provide(AuditCliLive)),
    report.pipe(Command.provide(AuditCliLive)),
    cleanup.pipe(Command.provide(AuditCliLive)),
    exportCommand.pipe(Command.provide(AuditCliLive)),
    acceptRollback.pipe(Command.provide(AuditCliLive)),
    ...auditDbCommands
  ])
)
