import { ValidationError } from "@effect/cli"
import { Cause, Console, Effect, Option } from "effect"

const messageOf = (error: unknown): string => {
  if (ValidationError.isValidationError(error)) return ""
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    return error.message
  }
  return "the command failed"
}

/**
 * The last word of a failed command: the typed error's own message on stderr,
 * never a stack trace or a defect's internals; interruption (Ctrl+C) is quiet.
 */
export const reportFailure = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.tapErrorCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.void
      const message = Option.match(Cause.failureOption(cause), {
        onNone: () => "unexpected internal failure; see the JSON log lines above",
        onSome: messageOf
      })
      return message === "" || message === "invalid configuration" ? Effect.void : Console.error(`error: ${message}`)
    })
  )
