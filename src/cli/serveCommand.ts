import { Command, Options } from "@effect/cli"
import { Effect } from "effect"
import { serveStdio } from "../mcp/stdio.js"
import { AppLayer } from "../Runtime.js"
import { reportStartupErrors } from "./startupErrors.js"

const sandbox = Options.boolean("sandbox").pipe(
  Options.withDescription("Serve against the embedded OPERA Cloud sandbox instead of a real property")
)

export const serveCommand = Command.make("serve", { sandbox }, ({ sandbox }) =>
  serveStdio.pipe(
    Effect.provide(AppLayer(sandbox ? { _tag: "Sandbox" } : { _tag: "Property" })),
    reportStartupErrors
  )).pipe(Command.withDescription("Run the MCP server on stdio (the main job)"))
