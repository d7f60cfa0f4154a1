/**
 * The security pipeline against a bare SDK server calling the same sandbox
 * route, through the same client; and the server's RSS over many calls.
 */
import type { BenchSandbox, BenchSession } from "./processes.js"
import { bareBinary, connect, expectSuccess, serverBinary } from "./processes.js"
import type { LatencySummary } from "./stats.js"
import { median, round, runConcurrent, summarize, timeSequential } from "./stats.js"

export interface RatioResult {
  readonly calls: number
  readonly runs: number
  readonly pipeline: LatencySummary
  readonly bare: LatencySummary
  readonly ratioP50: number
  readonly ratioP99: number
  /** CPU the server process spent per call (user + system, µs): where the latency goes. */
  readonly pipelineCpuUsPerCall?: number
  readonly bareCpuUsPerCall?: number
}

const warmup = 200

const readOnce = (session: BenchSession, reservationId: string) => async () => {
  const result = await session.call("get_reservation", { reservationId })
  expectSuccess(result, "get_reservation")
}

const medianSummary = (runs: ReadonlyArray<LatencySummary>): LatencySummary => ({
  calls: runs.reduce((total, run) => total + run.calls, 0),
  p50Ms: round(median(runs.map((run) => run.p50Ms))),
  p99Ms: round(median(runs.map((run) => run.p99Ms))),
  meanMs: round(median(runs.map((run) => run.meanMs)))
})

/**
 * Alternates runs of `calls` sequential get_reservation calls between the two
 * servers (so drift on a shared machine hits both), after a warm-up.
 */
export const pipelineRatio = async (
  sandbox: BenchSandbox,
  options: {
    readonly calls: number
    readonly runs: number
    readonly profileDir?: string
    /** Settings of the pipeline server on top of the sandbox's (another state store, another audit store). */
    readonly env?: Record<string, string>
  }
): Promise<RatioResult> => {
  const profile = options.profileDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", options.profileDir]
  const pipeline = await connect(serverBinary, ["serve"], { ...sandbox.env, ...options.env }, profile)
  const bare = await connect(bareBinary, [], sandbox.env)
  try {
    const pipelineCall = readOnce(pipeline, sandbox.reservationId)
    const bareCall = readOnce(bare, sandbox.reservationId)
    await timeSequential(warmup, pipelineCall)
    await timeSequential(warmup, bareCall)
    const pipelineRuns: Array<LatencySummary> = []
    const bareRuns: Array<LatencySummary> = []
    const cpu = { pipeline: 0, bare: 0, known: true }
    const timedWithCpu = async (session: BenchSession, call: () => Promise<void>, into: "pipeline" | "bare") => {
      const before = session.cpuMs()
      const samples = await timeSequential(options.calls, call)
      const after = session.cpuMs()
      if (before === undefined || after === undefined) cpu.known = false
      else cpu[into] += after - before
      return summarize(samples)
    }
    for (let run = 0; run < options.runs; run++) {
      pipelineRuns.push(await timedWithCpu(pipeline, pipelineCall, "pipeline"))
      bareRuns.push(await timedWithCpu(bare, bareCall, "bare"))
    }
    const perCall = (ms: number) => round(ms * 1000 / (options.calls * options.runs), 0)
    const withPipeline = medianSummary(pipelineRuns)
    const withoutPipeline = medianSummary(bareRuns)
    return {
      calls: options.calls,
      runs: options.runs,
      pipeline: withPipeline,
      bare: withoutPipeline,
      ratioP50: round(median(pipelineRuns.map((run, i) => run.p50Ms / bareRuns[i]!.p50Ms))),
      ratioP99: round(median(pipelineRuns.map((run, i) => run.p99Ms / bareRuns[i]!.p99Ms))),
      ...(cpu.known ? { pipelineCpuUsPerCall: perCall(cpu.pipeline), bareCpuUsPerCall: perCall(cpu.bare) } : {})
    }
  } finally {
    await pipeline.close()
    await bare.close()
  }
}

export interface RssResult {
  readonly calls: number
  /** V8 flags given to the server (as an operator would in NODE_OPTIONS), if any. */
  readonly nodeOptions?: string
  readonly concurrency: number
  /** [calls done, RSS in MB] every 5 % of the run. */
  readonly samples: ReadonlyArray<readonly [number, number]>
  readonly finalMb: number
  readonly halfwayMb: number
  /** RSS growth over the second half of the run. */
  readonly lastHalfGrowthMb: number
}

const mb = (bytes: number | undefined) => round((bytes ?? Number.NaN) / 1_048_576, 1)

/**
 * A fresh server answers `calls` reads, 8 in flight; its RSS is sampled as it
 * goes. With a capped heap (`nodeOptions`) V8 must collect instead of growing its heap, so what
 * still grows is retained: the leak check.
 */
export const rssOverCalls = async (
  sandbox: BenchSandbox,
  calls: number,
  nodeOptions: ReadonlyArray<string> = []
): Promise<RssResult> => {
  const concurrency = 8
  const session = await connect(serverBinary, ["serve"], sandbox.env, nodeOptions)
  try {
    const every = Math.max(1, Math.floor(calls / 20))
    const samples: Array<readonly [number, number]> = [[0, mb(session.rss())]]
    await runConcurrent(calls, concurrency, readOnce(session, sandbox.reservationId), (done) => {
      if (done % every === 0) samples.push([done, mb(session.rss())])
    })
    const finalMb = mb(session.rss())
    const halfway = samples.find(([done]) => done >= calls / 2) ?? [0, Number.NaN]
    return {
      calls,
      ...(nodeOptions.length > 0 ? { nodeOptions: nodeOptions.join(" ") } : {}),
      concurrency,
      samples,
      finalMb,
      halfwayMb: halfway[1],
      lastHalfGrowthMb: round(finalMb - halfway[1], 1)
    }
  } finally {
    await session.close()
  }
}
