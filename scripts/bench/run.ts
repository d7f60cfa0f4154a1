/**
 * `npm run bench`: speed, memory and token figures of the security layer
 * against the targets of issue 8. Prints a table and writes .bench/results.json.
 *
 *   --calls N          calls per pipeline/bare run (default 2000; the issue's figure is 10000)
 *   --runs N           runs per figure, the median is reported (default 3)
 *   --verify-rows N    rows in the audit log verify walks (default 100000; full figure 1000000; on PostgreSQL
 *                      the rows beyond the timed appends' are put in first by a fast fill of sealed, chained rows)
 *   --rss-calls N      calls before RSS is read (default 10000; full figure 100000)
 *   --decisions N      rate limiter decisions per run (default 200000)
 *   --step-runs N      operations per pipeline step in the steps breakdown (default 2000)
 *   --only a,b         some of: ratio, ratiostores, audit, auditpg, ratelimiter, tokens, spawn, rss, steps, state
 *                      (ratiostores: the ratio table with the Redis state store and the PostgreSQL audit log)
 *                      (auditpg: the audit log on a PostgreSQL 15 started for the run; skipped when not installed)
 *   --state-calls N    calls per run of the shared-state latency figure (default 2000)
 *   --profile          run the pipeline server with --cpu-prof into .bench/profiles
 *   --out FILE         JSON output (default .bench/results.json)
 */
import { mkdirSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { parseArgs } from "node:util"
import { auditBench } from "./audit.js"
import { auditPgBench } from "./auditPg.js"
import { pipelineRatio, rssOverCalls } from "./pipeline.js"
import { ratioWithSharedStores } from "./ratioStores.js"
import { startBenchSandbox } from "./processes.js"
import { rateLimiterBench } from "./rateLimiter.js"
import type { BenchResults } from "./report.js"
import { rows, table } from "./report.js"
import { redisMissingMessage, sharedStateBench } from "./sharedState.js"
import { spawnBench } from "./spawn.js"
import { stepsBench, stepsTable } from "./steps.js"
import { telemetryBench } from "./telemetry.js"
import { tokenBench } from "./tokens.js"

/** The V8 settings an operator can give the server in NODE_OPTIONS to keep its heap small. */
const rssCappedOptions = ["--max-old-space-size=128", "--max-semi-space-size=4"]

const sections = ["ratio", "ratiostores", "audit", "auditpg", "ratelimiter", "tokens", "spawn", "rss", "steps", "state", "telemetry"] as const
type Section = typeof sections[number]

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "2000" },
    runs: { type: "string", default: "3" },
    "verify-rows": { type: "string", default: "100000" },
    "rss-calls": { type: "string", default: "10000" },
    decisions: { type: "string", default: "200000" },
    "step-runs": { type: "string", default: "2000" },
    "state-calls": { type: "string", default: "2000" },
    only: { type: "string", default: sections.join(",") },
    profile: { type: "boolean", default: false },
    out: { type: "string", default: ".bench/results.json" }
  }
})

const count = (name: string, text: string | undefined): number => {
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got "${text}"`)
  return value
}

const log = (line: string) => process.stdout.write(`${line}\n`)

const main = async () => {
  const runs = count("runs", values.runs)
  const only = new Set((values.only ?? "").split(",").map((name) => name.trim().toLowerCase()))
  const unknown = [...only].filter((name) => !sections.includes(name as Section))
  if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(", ")} (known: ${sections.join(", ")})`)
  const wanted = (section: Section) => only.has(section)
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1_073_741_824),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version
  }
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}, Node ${machine.node}`)
  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = {}
  const profileDir = values.profile ? path.resolve(".bench/profiles") : undefined
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true })

  if (wanted("state")) {
    const sandbox = await startBenchSandbox()
    try {
      log(`shared state: Redis store vs in-process, ${values["state-calls"]} calls × ${runs} runs, and Redis round trips …`)
      results.sharedState = await sharedStateBench(sandbox, { calls: count("state-calls", values["state-calls"]), runs })
      if ("skipped" in results.sharedState) log(redisMissingMessage)
    } finally {
      await sandbox.stop()
    }
  }
  if (wanted("ratio") || wanted("rss")) {
    const sandbox = await startBenchSandbox()
    try {
      if (wanted("ratio")) {
        log(`pipeline vs bare SDK server: ${values.calls} calls × ${runs} runs …`)
        results.ratio = await pipelineRatio(sandbox, {
          calls: count("calls", values.calls),
          runs,
          ...(profileDir !== undefined ? { profileDir } : {})
        })
      }
      if (wanted("rss")) {
        log(`RSS over ${values["rss-calls"]} calls …`)
        results.rss = await rssOverCalls(sandbox, count("rss-calls", values["rss-calls"]))
        log(`RSS over ${values["rss-calls"]} calls with the server's heap capped …`)
        results.rssHeapCapped = await rssOverCalls(sandbox, count("rss-calls", values["rss-calls"]), rssCappedOptions)
      }
    } finally {
      await sandbox.stop()
    }
  }
  if (wanted("ratiostores")) {
    const sandbox = await startBenchSandbox()
    try {
      log(`pipeline on Redis + PostgreSQL vs bare SDK server: ${values.calls} calls × ${runs} runs …`)
      results.ratioStores = await ratioWithSharedStores(sandbox, { calls: count("calls", values.calls), runs })
      if ("skipped" in results.ratioStores) log(results.ratioStores.skipped)
    } finally {
      await sandbox.stop()
    }
  }
  if (wanted("audit")) {
    log(`audit append and verify (${values["verify-rows"]} rows) …`)
    results.audit = await auditBench({ runs, verifyRows: count("verify-rows", values["verify-rows"]) })
  }
  if (wanted("auditpg")) {
    log(`audit on PostgreSQL: append, three writers, verify (${values["verify-rows"]} rows) …`)
    const measured = await auditPgBench({ runs, verifyRows: count("verify-rows", values["verify-rows"]) })
    if (measured !== undefined) results.auditPg = measured
  }
  if (wanted("ratelimiter")) {
    log("rate limiter decisions …")
    results.rateLimiter = await rateLimiterBench({ runs, decisions: count("decisions", values.decisions) })
  }
  if (wanted("tokens")) {
    log("1,000 concurrent cold calls …")
    results.tokens = await tokenBench({ runs, calls: 1000 })
  }
  if (wanted("spawn")) {
    log("spawn → initialize …")
    results.spawn = await spawnBench(Math.max(5, runs))
  }

  if (wanted("telemetry")) {
    const sandbox = await startBenchSandbox()
    try {
      log(`OpenTelemetry off vs on: ${values.calls} calls × ${runs} runs …`)
      results.telemetry = await telemetryBench(sandbox, { calls: count("calls", values.calls), runs })
    } finally {
      await sandbox.stop()
    }
  }
  if (wanted("steps")) {
    log("pipeline steps in process …")
    results.steps = await stepsBench(count("step-runs", values["step-runs"]))
  }

  const figures = rows(results)
  log("")
  log(table(figures))
  if (results.steps !== undefined) {
    log("")
    log(stepsTable(results.steps))
  }
  const missed = figures.filter((row) => !row.met)
  log("")
  log(missed.length === 0 ? "every target met" : `${missed.length} target(s) missed: ${missed.map((row) => row.figure).join("; ")}`)
  const out = path.resolve(values.out ?? ".bench/results.json")
  mkdirSync(path.dirname(out), { recursive: true })
  const command = `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim()
  writeFileSync(out, `${JSON.stringify({ machine, command, results, figures }, null, 2)}\n`)
  log(`wrote ${out}`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
