import { Command, Options } from "@effect/cli"
import { Console, Effect, Option, Schema } from "effect"
import { validateConfiguration } from "./productionChecklist.js"
import type { ChecklistResult } from "./productionChecklist.js"
import { list } from "../config/settings.js"
import { everyToolName } from "../connectors/toolNames.js"
import { unknownToolNames } from "../tools/toolNames.js"
import { connectionCheckVerdict, formatConnectionCheck, runConnectionCheck } from "./connectionCheck.js"
import { withEnvironment } from "./environmentHelp.js"

/** The configuration has errors; the findings were printed already. */
export class ConfigurationInvalid extends Schema.TaggedError<ConfigurationInvalid>()("ConfigurationInvalid", {
  errors: Schema.Number,
  message: Schema.String
}) {}

/** Human-readable report: one line per finding, the variable first, never a value. */
export const formatChecklist = (result: ChecklistResult): string => {
  const heading = `Configuration check${result.production ? " (production)" : ""}: ` +
    `${result.errors.length} error(s), ${result.warnings.length} warning(s)`
  return [
    heading,
    ...result.errors.map((error) => `  error    ${error.message}`),
    ...result.warnings.map((warning) => `  warning  ${warning.message}`),
    ...(result.ok ? ["  ok"] : [])
  ].join("\n")
}

const production = Options.boolean("production").pipe(
  Options.withDescription("also run the production checklist (keys, HTTPS, rate limits, audit, incidents, rotation)")
)
const json = Options.boolean("json").pipe(Options.withDescription("print the result as JSON"))
const checkConnectionOption = Options.boolean("check-connection").pipe(
  Options.withDescription(
    "also fetch an OPERA token, make one read (the reservation ping) and open the audit store; " +
      "exits 9 naming the cause class (dns, refused, tls, timeout, unauthorized, throttled, server, …) when one fails"
  )
)

const connectorOption = Options.choice("connector", ["opera", "oipa"] as const).pipe(
  Options.withDefault("opera" as const),
  Options.withDescription("the connector whose connection settings are checked: opera (OPERA_*) or oipa (OIPA_DB_*)")
)

const validateCommand = Command.make(
  "validate",
  { production, json, checkConnection: checkConnectionOption, connector: connectorOption },
  (options) =>
  Effect.gen(function*() {
    if (options.checkConnection && options.connector === "oipa") {
      // The OIPA database is checked by `serve --connector oipa` itself: TLS, the pool, the read-only privileges.
      return yield* new ConfigurationInvalid({
        errors: 1,
        message: "--check-connection checks an OPERA connection; an OIPA server checks its database when it starts " +
          "(TLS, the login and that the user cannot write), so run `serve --connector oipa` to check one"
      })
    }
    const checked = yield* validateConfiguration({ production: options.production, connector: options.connector })
    // The tool catalogue lives above config/, so the allow-list's names are checked here.
    const tools = yield* Effect.orElseSucceed(list("OPERA_MCP_TOOLS"), () => [])
    const toolErrors = unknownToolNames(tools, everyToolName).map((problem) => ({
      variable: "OPERA_MCP_TOOLS",
      message: `OPERA_MCP_TOOLS: ${problem}`
    }))
    const result: ChecklistResult = {
      ...checked,
      ok: checked.ok && toolErrors.length === 0,
      errors: [...checked.errors, ...toolErrors]
    }
    // The connection is checked only on a configuration without errors (one JSON document either way).
    const connection = result.ok && options.checkConnection ? Option.some(yield* runConnectionCheck) : Option.none()
    yield* Console.log(
      options.json
        ? JSON.stringify(Option.match(connection, { onNone: () => result, onSome: (check) => ({ ...result, connection: check }) }), null, 2)
        : [formatChecklist(result), ...Option.toArray(Option.map(connection, formatConnectionCheck))].join("\n")
    )
    if (!result.ok) {
      return yield* new ConfigurationInvalid({
        errors: result.errors.length,
        message: `the configuration has ${result.errors.length} error(s)`
      })
    }
    if (Option.isSome(connection)) yield* connectionCheckVerdict(connection.value)
  })).pipe(
    Command.withDescription(withEnvironment(
      "config validate",
      "check the settings; exits non-zero when there is an error"
    ))
  )

/** `opera-cloud-mcp config validate [--production] [--json]` */
export const configCommand = Command.make("config").pipe(
  Command.withDescription("inspect and check the server configuration"),
  Command.withSubcommands([validateCommand])
)
