import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { OperaConnection } from "../config/OperaConnection.js"
import { enforceProductionChecklist } from "../config/productionChecklist.js"
import { serveStdio } from "../mcp/stdio.js"
import { AppLayer } from "../Runtime.js"
import { AccessPolicy } from "../security/AccessPolicy.js"
import { reportStartupErrors } from "./startupErrors.js"

const sandbox = Options.boolean("sandbox").pipe(
  Options.withDescription("Serve against the embedded OPERA Cloud sandbox instead of a real property")
)

/** Refuses to start on an OPERA URL that would carry credentials in clear text. */
const checkConnection = Effect.gen(function*() {
  const access = yield* AccessPolicy
  const connection = yield* OperaConnection
  yield* access.checkOperaBaseUrl(connection.baseUrl)
})

export const serveCommand = Command.make("serve", { sandbox }, ({ sandbox }) =>
  // With NODE_ENV=production the production checklist must pass before anything starts.
  (sandbox ? Effect.void : enforceProductionChecklist).pipe(
    Effect.zipRight(
      checkConnection.pipe(
        Effect.zipRight(serveStdio),
        Effect.provide(AppLayer(sandbox ? { _tag: "Sandbox" } : { _tag: "Property" }))
      )
    ),
    reportStartupErrors
  )).pipe(Command.withDescription("Run the MCP server on stdio (the main job)"))
