import { FileSystem } from "@effect/platform"
import { Console, Duration, Effect, Exit, Option, Ref, Schedule } from "effect"
import { userInfo } from "node:os"
import { AuditLog } from "../../security/AuditLog.js"
import type { FeedEntry, FeedPosition } from "../../security/audit/feed.js"
import { entrySequence } from "../../security/audit/feed.js"
import type { FeedCursor } from "./feedCursor.js"
import { advance, AuditFeedFailed, describePosition, readCursor, writeCursor } from "./feedCursor.js"
import type { FeedFormat } from "./feedLines.js"
import { feedLine } from "./feedLines.js"
import type { FeedOutput } from "./feedOutput.js"
import { fileOutput, stdoutOutput } from "./feedOutput.js"

export interface FeedRequest {
  readonly format: FeedFormat
  readonly reveal: boolean
  /** Keep reading new rows until SIGINT or SIGTERM; without it, stop once caught up. */
  readonly follow: boolean
  readonly intervalMs: number
  readonly cursorPath: Option.Option<string>
  readonly outputPath: Option.Option<string>
  /** Epoch ms: older rows are passed over (the cursor still moves past them). */
  readonly since: number
}

export interface FeedSummary {
  readonly lines: number
  readonly position: FeedPosition
}

/** Rows read per page: the most one write (and one fsync) carries. */
export const feedPageSize = 2000

const occurredAt = (entry: FeedEntry): number | null =>
  entry._tag === "Opened" ? entry.record.occurredAt : entry._tag === "Shredded" ? entry.columns.occurredAt : entry.occurredAt

const operator = Effect.try(() => userInfo().username).pipe(Effect.orElseSucceed(() => "unknown"))

/**
 * The SIEM feed: audit rows as JSON lines or CEF, oldest first, to stdout or an output file, resuming
 * from a cursor file. Each batch is written (and fsynced) before the cursor moves past it, and the two
 * together are never cut by SIGINT/SIGTERM; a reveal of personal data is on the record before the first line.
 */
export const runFeed = (request: FeedRequest) =>
  Effect.scoped(Effect.gen(function*() {
    const audit = yield* AuditLog
    const fs = yield* FileSystem.FileSystem
    const saved = Option.isSome(request.cursorPath) ? yield* readCursor(fs, request.cursorPath.value) : Option.none()
    if (Option.isSome(saved) && saved.value.format !== request.format) {
      return yield* new AuditFeedFailed({
        message: `the cursor file was written by a --format ${saved.value.format} feed: use that format, or another cursor file`
      })
    }
    const output: FeedOutput = Option.isSome(request.outputPath)
      ? yield* fileOutput(fs, request.outputPath.value, request.format, saved)
      : yield* stdoutOutput
    yield* Effect.forEach(output.notes, (note) => Console.error(`audit feed: ${note}`), { discard: true })
    const position = yield* Ref.make(
      advance(Option.match(saved, { onNone: () => ({}), onSome: (cursor) => cursor.position }), output.recovered)
    )
    const save = Effect.gen(function*() {
      if (Option.isNone(request.cursorPath)) return
      const bytes = yield* output.bytes
      const cursor: FeedCursor = {
        version: 1,
        format: request.format,
        position: yield* Ref.get(position),
        ...(bytes === undefined ? {} : { outputBytes: bytes })
      }
      yield* writeCursor(fs, request.cursorPath.value, cursor)
    })
    // Before the first line: the cursor then always records an output length at or behind what the file
    // holds, so lines a crash leaves past it are found, however early the crash comes.
    yield* save

    const started = yield* Ref.get(position)
    const status = yield* audit.status
    const chains = Object.entries(started)
    if (chains.length === 1 && status.mode !== "disabled" && (chains[0]?.[1] ?? 0) > status.lastSequence) {
      yield* Console.error(
        `audit feed: the cursor is at sequence ${chains[0]?.[1]} but the log ends at ${status.lastSequence}: ` +
          "the log was rolled back or replaced; the feed waits for new rows after the cursor (run audit verify)"
      )
    }

    const actor = `cli: audit export (os user ${yield* operator})`
    const mode = `${request.format}${request.follow ? ", --follow" : ""}${Option.isSome(request.cursorPath) ? ", --cursor" : ""}`
    const fields = request.reveal ? "personal data revealed" : "personal data masked"
    const recordStart = audit.append({
      kind: "admin",
      clientId: actor,
      tool: request.reveal ? "audit_feed_reveal" : "audit_feed",
      outcome: "success",
      sensitive: { details: `SIEM feed (${mode}) started after ${describePosition(started)}, ${fields}` }
    })
    // The reveal is on the chain before any personal field leaves the log: no record, no feed. A masked
    // feed goes on under a rollback alarm (the log takes no rows then), when the SIEM needs it most.
    yield* request.reveal ? recordStart : recordStart.pipe(
      Effect.catchTag("AuditUnavailable", (error) =>
        error.reason === "rollback"
          ? Console.error(`audit feed: its start is not recorded (${error.message}); the masked feed goes on`)
          : Effect.fail(error))
    )

    const lines = yield* Ref.make(0)
    const toLine = feedLine(request.format, request.reveal)
    const deliverPage = Effect.gen(function*() {
      const after = yield* Ref.get(position)
      const page = yield* audit.feed(after, feedPageSize)
      const foreign = Object.keys(after).filter((chain) => !page.chains.includes(chain))
      if (foreign.length > 0) {
        return yield* new AuditFeedFailed({
          message: `the cursor names chain ${foreign[0]}, which this audit log does not hold: it belongs to another ` +
            "log; use another cursor file (and output file) for this one"
        })
      }
      if (page.entries.length === 0) return 0
      const first = new Map<string, number>()
      for (const entry of page.entries) if (!first.has(entry.chain)) first.set(entry.chain, entrySequence(entry))
      for (const [chain, sequence] of first) {
        const last = after[chain] ?? 0
        if (last > 0 && sequence > last + 1) {
          yield* Console.error(
            `audit feed: rows ${last + 1}..${sequence - 1} were removed (retention) before the feed read them`
          )
        }
      }
      const shown = page.entries.filter((entry) => (occurredAt(entry) ?? request.since) >= request.since)
      const text = shown.map((entry) => `${toLine(entry)}\n`).join("")
      const next = advance(after, page.entries.map((entry) => ({ chain: entry.chain, sequence: entrySequence(entry) })))
      // Lines first (on disk for a file), then the cursor: a signal waits until both are done.
      yield* Effect.uninterruptible(
        output.write(text).pipe(
          Effect.zipRight(Ref.set(position, next)),
          Effect.zipRight(save),
          Effect.zipRight(Ref.update(lines, (count) => count + shown.length))
        )
      )
      return page.entries.length
    })
    const catchUp = deliverPage.pipe(Effect.repeat({ while: (read) => read === feedPageSize }))

    const stopped = Effect.gen(function*() {
      const summary: FeedSummary = { lines: yield* Ref.get(lines), position: yield* Ref.get(position) }
      yield* Console.error(`audit feed: ${summary.lines} lines delivered (${fields}); now at ${describePosition(summary.position)}`)
      yield* audit.append({
        kind: "admin",
        clientId: actor,
        tool: request.reveal ? "audit_feed_reveal" : "audit_feed",
        outcome: "success",
        sensitive: { details: `SIEM feed (${mode}) stopped after ${summary.lines} lines, at ${describePosition(summary.position)}` }
      }).pipe(Effect.catchAll((error) => Console.error(`audit feed: its stop was not recorded: ${error.message}`)))
      return summary
    })

    return yield* (request.follow
      ? catchUp.pipe(Effect.repeat(Schedule.spaced(Duration.millis(request.intervalMs))), Effect.zipRight(stopped))
      : catchUp.pipe(Effect.zipRight(stopped))).pipe(
        Effect.onExit((exit) => Exit.isInterrupted(exit) ? Effect.asVoid(stopped) : Effect.void)
      )
  }))
