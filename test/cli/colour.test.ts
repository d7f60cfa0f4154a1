import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Console, Effect } from "effect"
import type { Streams } from "../../src/cli/colour.js"
import { colourFor } from "../../src/cli/colour.js"
import { cli } from "../../src/cli/main.js"

const escape = "\u001b["

/** Runs `serve --help` as the binary does and returns what reached stdout. */
const help = (streams: Streams, env: Record<string, string>) =>
  Effect.gen(function*() {
    const printed: Array<string> = []
    const current = yield* Console.consoleWith(Effect.succeed)
    const capture: Console.Console = {
      ...current,
      log: (...args) => Effect.sync(() => {
        printed.push(args.map(String).join(" "))
      })
    }
    yield* cli(["node", "opera-cloud-mcp", "serve", "--help"]).pipe(
      colourFor(streams),
      Console.withConsole(capture),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.provide(NodeContext.layer)
    )
    return printed.join("\n")
  })

const terminal: Streams = { stdoutIsTerminal: true, stderrIsTerminal: true }

describe("--help colour", () => {
  it.effect("a terminal without NO_COLOR gets colour codes", () =>
    Effect.gen(function*() {
      const text = yield* help(terminal, {})
      expect(text).toContain(escape)
      expect(text).toContain("--sandbox")
    }))

  it.effect("NO_COLOR (any non-empty value) turns them off; an empty NO_COLOR does not", () =>
    Effect.gen(function*() {
      const text = yield* help(terminal, { NO_COLOR: "1" })
      expect(text).not.toContain(escape)
      expect(text).toContain("USAGE")
      expect(text).toContain("--sandbox")
      expect(yield* help(terminal, { NO_COLOR: "" })).toContain(escape)
    }))

  it.effect("stdout that is not a terminal (a pipe, a file) gets plain text", () =>
    Effect.gen(function*() {
      const text = yield* help({ stdoutIsTerminal: false, stderrIsTerminal: true }, {})
      expect(text).not.toContain(escape)
      expect(text).toContain("Run the MCP server on stdio")
    }))
})
