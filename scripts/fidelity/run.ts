import path from "node:path"
import { fileURLToPath } from "node:url"
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer, Logger, LogLevel } from "effect"
import { StderrJsonLogger } from "../../src/Runtime.js"
import { defaultSpecsDir } from "./ohip/specs.js"
import { renderTable } from "./audit.js"
import { runFidelity } from "./session.js"

/**
 * `npm run fidelity`: prints the table on stdout and exits 1 on any failure
 * (or when a spec file is missing or unparsable). The specs are read from
 * ../shared/ohip-specs beside the repository, never from a copy.
 */
const here = path.dirname(fileURLToPath(import.meta.url))
// Compiled to dist/scripts/fidelity/run.js; the repository root is three levels up (two from the source).
const repoRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../../.." : "../..")

const program = runFidelity(defaultSpecsDir(repoRoot)).pipe(
  Effect.flatMap((report) =>
    Console.log(renderTable(report)).pipe(
      Effect.zipRight(report.failures.length === 0 ? Effect.void : Effect.sync(() => { process.exitCode = 1 }))
    )
  ),
  Effect.catchTag("OhipSpecUnreadable", (error) =>
    Console.error(`fidelity: ${error.message}`).pipe(Effect.zipRight(Effect.sync(() => { process.exitCode = 1 })))
  ),
  Effect.provide(Layer.merge(StderrJsonLogger, Logger.minimumLogLevel(LogLevel.Warning)))
)

NodeRuntime.runMain(program, { disablePrettyLogger: true })
