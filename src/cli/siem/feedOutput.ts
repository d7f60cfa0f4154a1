import type { FileSystem } from "@effect/platform"
import { Effect, Option, Ref } from "effect"
import type { FeedCursor } from "./feedCursor.js"
import { AuditFeedFailed } from "./feedCursor.js"
import type { FeedFormat, LineKey } from "./feedLines.js"
import { lineKey } from "./feedLines.js"

/** Where the feed's lines go. */
export interface FeedOutput {
  /** Writes whole lines (each ending in a newline) and, for a file, fsyncs them before returning. */
  readonly write: (text: string) => Effect.Effect<void, AuditFeedFailed>
  /** The output file's length after the last write; undefined for stdout. */
  readonly bytes: Effect.Effect<number | undefined>
  /** Lines found in the file after the cursor's offset: written before a crash, not yet in the cursor. */
  readonly recovered: ReadonlyArray<LineKey>
  /** What the start-up found worth telling the operator (stderr). */
  readonly notes: ReadonlyArray<string>
}

/**
 * stdout: at-least-once, for a shipper that reads the feed's output. A batch counts as delivered once the
 * pipe has taken it (the write's callback), so a crash before the cursor is saved sends it again, and each
 * line carries its chain and sequence to dedupe on. What a pipe holds when its reader dies is lost with the
 * reader: use --output for exactly once. A closed pipe (EPIPE) ends the feed with a typed error.
 */
export const stdoutOutput = Effect.gen(function*() {
  const stdout = process.stdout
  // The stream also reports a failed write as an 'error' event: without a listener that would end the process.
  const ignore = () => undefined
  yield* Effect.acquireRelease(Effect.sync(() => stdout.on("error", ignore)), () => Effect.sync(() => stdout.off("error", ignore)))
  return {
    write: (text) =>
      text.length === 0 ? Effect.void : Effect.async<void, AuditFeedFailed>((resume) => {
        stdout.write(text, (error) =>
          resume(
            error === null || error === undefined ? Effect.void : Effect.fail(
              new AuditFeedFailed({
                message: "stdout was closed by its reader; the feed stops (lines the reader had not read are lost " +
                  "with it: use --output FILE with --cursor for exactly once)"
              })
            )
          ))
      }),
    bytes: Effect.succeed(undefined),
    recovered: [],
    notes: []
  } satisfies FeedOutput
})

const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/"))) || "."

const failed = (path: string, doing: string) => () =>
  new AuditFeedFailed({ message: `the output file ${path} cannot ${doing}; check its permissions and the disk` })

/**
 * An output file (append only, created 0600): exactly once. The cursor records the file's length at the
 * last line it covers; at start-up, whole lines past that length were written before a crash and count as
 * delivered (the cursor moves past them), and a partial last line, which no shipper reads (they wait for
 * the newline), is cut off and written again.
 */
export const fileOutput = (
  fs: FileSystem.FileSystem,
  path: string,
  format: FeedFormat,
  saved: Option.Option<FeedCursor>
) =>
  Effect.gen(function*() {
    const file = yield* fs.open(path, { flag: "a+", mode: 0o600 }).pipe(Effect.mapError(failed(path, "be opened")))
    // A file just created must survive a power loss as the cursor (in its own synced directory) does.
    yield* Effect.scoped(Effect.flatMap(fs.open(parentOf(path), { flag: "r" }), (directory) => directory.sync)).pipe(
      Effect.mapError(failed(path, "be opened"))
    )
    const size = Number((yield* file.stat.pipe(Effect.mapError(failed(path, "be read")))).size)
    const recorded = Option.flatMap(saved, (cursor) => Option.fromNullable(cursor.outputBytes))
    const notes: Array<string> = []
    const recovered: Array<LineKey> = []
    let end = size
    if (Option.isNone(recorded)) {
      if (size > 0) notes.push(`the output file ${path} already holds ${size} bytes; the feed appends after them`)
    } else if (size < recorded.value) {
      notes.push(
        `the output file ${path} is shorter than the cursor says (${size} < ${recorded.value} bytes): rotated or ` +
          "truncated; the feed goes on after the cursor's position"
      )
    } else if (size > recorded.value) {
      yield* file.seek(recorded.value, "start")
      const tail = Option.getOrElse(
        yield* file.readAlloc(size - recorded.value).pipe(Effect.mapError(failed(path, "be read"))),
        () => new Uint8Array()
      )
      const whole = tail.lastIndexOf(10) + 1
      let foreign = 0
      for (const line of Buffer.from(tail.subarray(0, whole)).toString("utf8").split("\n")) {
        if (line.length === 0) continue
        Option.match(lineKey(format, line), { onNone: () => void foreign++, onSome: (key) => void recovered.push(key) })
      }
      if (recovered.length > 0) notes.push(`${recovered.length} lines written before the last stop were not in the cursor: kept, not sent again`)
      if (foreign > 0) notes.push(`${foreign} lines after the cursor's offset in ${path} are not feed lines: left as they are`)
      if (whole < tail.length) {
        yield* file.truncate(recorded.value + whole).pipe(Effect.zipRight(file.sync), Effect.mapError(failed(path, "be cut")))
        notes.push(`a partial last line (${tail.length - whole} bytes, cut by a crash) was removed and is written again`)
      }
      end = recorded.value + whole
    }
    const bytes = yield* Ref.make(end)
    return {
      write: (text) => {
        const encoded = new TextEncoder().encode(text)
        return encoded.length === 0 ? Effect.void : file.writeAll(encoded).pipe(
          Effect.zipRight(file.sync),
          Effect.zipRight(Ref.update(bytes, (length) => length + encoded.length)),
          Effect.mapError(failed(path, "be written"))
        )
      },
      bytes: Ref.get(bytes),
      recovered,
      notes
    } satisfies FeedOutput
  })
