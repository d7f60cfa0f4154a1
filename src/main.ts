import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Effect, Layer } from "effect"
import { colourFor } from "./cli/colour.js"
import { exitStatus } from "./cli/exitCodes.js"
import { reportFailure } from "./cli/exitReport.js"
import { cli } from "./cli/main.js"
import { LoggingLive } from "./Runtime.js"

cli(process.argv).pipe(
  reportFailure,
  colourFor({ stdoutIsTerminal: process.stdout.isTTY === true, stderrIsTerminal: process.stderr.isTTY === true }),
  Effect.provide(Layer.merge(NodeContext.layer, LoggingLive)),
  NodeRuntime.runMain({ disableErrorReporting: true, disablePrettyLogger: true, teardown: exitStatus })
)
