import { ValidationError } from "@effect/cli"
import { Cause, Chunk, Console, Effect, Option } from "effect"
import { nativeModuleProblem } from "../security/audit/sqliteFailure.js"

const messageOf = (error: unknown): string => {
  if (ValidationError.isValidationError(error)) return ""
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    return error.message
  }
  return "the command failed"
}

/** A defect as one short line: its class and the first line of its message, a URL's user and password masked. */
export const defectSummary = (defect: unknown): string => {
  const kind = defect instanceof Error ? defect.name : typeof defect
  const text = defect instanceof Error ? defect.message : typeof defect === "string" ? defect : ""
  const firstLine = (text.split("\n")[0] ?? "").replace(/\/\/[^/@\s]+@/g, "//***@")
  const line = firstLine === "" ? kind : `${kind}: ${firstLine}`
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}

/**
 * better-sqlite3 that cannot load (built for another Node.js) is an install
 * problem, not a bug: wherever it surfaced (a typed failure or a defect of a
 * layer that opens SQLite), the operator is told how to fix it.
 */
export const installationProblem = <E>(cause: Cause.Cause<E>): Option.Option<string> =>
  Chunk.findFirst(
    Chunk.appendAll(Cause.failures(cause) as Chunk.Chunk<unknown>, Cause.defects(cause)),
    (problem) => nativeModuleProblem(problem, process.version) !== undefined
  ).pipe(Option.flatMap((problem) => Option.fromNullable(nativeModuleProblem(problem, process.version))))

/**
 * The last word of a failed command: the typed error's own message on stderr,
 * never a stack trace or a defect's internals; interruption (Ctrl+C) is quiet.
 */
export const reportFailure = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.tapErrorCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.void
      const installation = installationProblem(cause)
      if (Option.isSome(installation)) return Console.error(`error: ${installation.value}`)
      const failure = Cause.failureOption(cause)
      if (Option.isNone(failure)) {
        // A bug, not the operator's doing: its kind and first line go to the log (credentials in a URL masked,
        // kept short), never its stack; the operator is pointed at that line.
        return Effect.logError("unexpected internal failure", { defect: defectSummary(Cause.squash(cause)) }).pipe(
          Effect.zipRight(Console.error("error: unexpected internal failure; see the JSON log line above"))
        )
      }
      const message = messageOf(failure.value)
      return message === "" || message === "invalid configuration" ? Effect.void : Console.error(`error: ${message}`)
    })
  )
