import { Config, Console, Effect, Option } from "effect"

// SGR sequences (colour, bold) as @effect/cli writes them in help and error docs.
const colourCode = /\u001b\[[0-9;]*m/g

const plain = (args: ReadonlyArray<unknown>): ReadonlyArray<unknown> =>
  args.map((arg) => (typeof arg === "string" ? arg.replace(colourCode, "") : arg))

/** Where the output goes: a stream that is not a terminal (a pipe, a file, a log collector) gets no colour. */
export interface Streams {
  readonly stdoutIsTerminal: boolean
  readonly stderrIsTerminal: boolean
}

/**
 * `--help` and usage errors without colour codes when NO_COLOR is set (to anything but "", as
 * no-color.org says) or the stream they go to is not a terminal.
 */
export const colourFor = (streams: Streams) => <A, E, R>(program: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const noColor = Option.exists(yield* Config.option(Config.string("NO_COLOR")).pipe(Effect.orElseSucceed(Option.none)), (value) => value !== "")
    const colourOut = streams.stdoutIsTerminal && !noColor
    const colourErr = streams.stderrIsTerminal && !noColor
    if (colourOut && colourErr) return yield* program
    const current = yield* Console.consoleWith(Effect.succeed)
    const out = (write: (...args: ReadonlyArray<unknown>) => Effect.Effect<void>) => (...args: ReadonlyArray<unknown>) =>
      colourOut ? write(...args) : write(...plain(args))
    const err = (write: (...args: ReadonlyArray<unknown>) => Effect.Effect<void>) => (...args: ReadonlyArray<unknown>) =>
      colourErr ? write(...args) : write(...plain(args))
    const console: Console.Console = {
      ...current,
      log: out(current.log),
      info: out(current.info),
      debug: out(current.debug),
      error: err(current.error),
      warn: err(current.warn)
    }
    return yield* Console.withConsole(program, console)
  })
