import type { FileSystem } from "@effect/platform"
import { Effect, Option, ParseResult, Schema } from "effect"
import type { FeedPosition } from "../../security/audit/feed.js"
import { FeedFormat } from "./feedLines.js"

/** The feed cannot go on: its cursor or output file is unusable. `message` says what to do. */
export class AuditFeedFailed extends Schema.TaggedError<AuditFeedFailed>()("AuditFeedFailed", {
  message: Schema.String
}) {}

/**
 * The cursor file: how far the feed got (per chain, the last sequence delivered) and, with `--output`, how
 * many bytes of the output file those lines end at. Written after the lines are on disk, atomically.
 */
export const FeedCursor = Schema.Struct({
  version: Schema.Literal(1),
  format: FeedFormat,
  position: Schema.Record({ key: Schema.String, value: Schema.NonNegativeInt }),
  outputBytes: Schema.optional(Schema.NonNegativeInt)
})
export type FeedCursor = typeof FeedCursor.Type

const decodeCursor = Schema.decodeUnknownEither(Schema.parseJson(FeedCursor))

const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/"))) || "."

/** None when there is no cursor file yet (a first run); a file that does not decode is an error, never a restart. */
export const readCursor = (fs: FileSystem.FileSystem, path: string) =>
  Effect.gen(function*() {
    const exists = yield* fs.exists(path).pipe(Effect.orElseSucceed(() => false))
    if (!exists) return Option.none<FeedCursor>()
    const text = yield* fs.readFileString(path).pipe(
      Effect.mapError(() => new AuditFeedFailed({ message: `the cursor file ${path} cannot be read; check its permissions` }))
    )
    const decoded = decodeCursor(text)
    if (decoded._tag === "Left") {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]
      return yield* new AuditFeedFailed({
        message: `the cursor file ${path} is not a feed cursor (${
          issue === undefined ? "unreadable" : `${issue.path.join(".") || "file"}: ${issue.message}`.slice(0, 200)
        }); move it aside to start the feed over from the beginning`
      })
    }
    return Option.some(decoded.right)
  })

/**
 * Replaces the cursor atomically and durably: a temp file beside it, fsync, rename over it, fsync of the
 * directory. A crash leaves the old cursor or the new one, never half of one.
 */
export const writeCursor = (fs: FileSystem.FileSystem, path: string, cursor: FeedCursor) =>
  Effect.scoped(Effect.gen(function*() {
    const temp = `${path}.tmp`
    const bytes = new TextEncoder().encode(`${JSON.stringify(cursor)}\n`)
    yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* fs.open(temp, { flag: "w", mode: 0o600 })
      yield* file.writeAll(bytes)
      yield* file.sync
    }))
    yield* fs.rename(temp, path)
    const directory = yield* fs.open(parentOf(path), { flag: "r" })
    yield* directory.sync
  })).pipe(
    Effect.mapError(() =>
      new AuditFeedFailed({ message: `the cursor file ${path} cannot be written; check the directory's permissions and space` })
    )
  )

/** Advances a position past the lines just delivered (each chain's sequence only goes up). */
export const advance = (
  position: FeedPosition,
  keys: Iterable<{ readonly chain: string; readonly sequence: number }>
): FeedPosition => {
  const next: Record<string, number> = { ...position }
  for (const key of keys) next[key.chain] = Math.max(next[key.chain] ?? 0, key.sequence)
  return next
}

export const describePosition = (position: FeedPosition): string => {
  const chains = Object.entries(position)
  if (chains.length === 0) return "the start of the log"
  return chains.length === 1 ? `sequence ${chains[0]?.[1]}` : chains.map(([chain, seq]) => `${chain}:${seq}`).join(", ")
}
