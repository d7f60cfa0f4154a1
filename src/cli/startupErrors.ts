import { ConfigError, Console, Effect, Schema } from "effect"
import { describeConfigError } from "../config/settings.js"

/** A start-up failure the operator must fix; its lines were printed on stderr already. */
export class StartupFailed extends Schema.TaggedError<StartupFailed>()("StartupFailed", {
  message: Schema.String
}) {}

const isConfigError = <E>(error: E): error is E & ConfigError.ConfigError => ConfigError.isConfigError(error)

/**
 * Turns configuration errors into one line per problem (variable and what is
 * wrong, never the value) and a non-zero exit.
 */
export const reportStartupErrors = <A, E, R>(program: Effect.Effect<A, E, R>) =>
  program.pipe(
    Effect.catchIf(isConfigError, (error) =>
      Effect.forEach(describeConfigError(error), (line) => Console.error(`configuration error: ${line}`)).pipe(
        Effect.zipRight(Effect.fail(new StartupFailed({ message: "invalid configuration" })))
      ))
  )
