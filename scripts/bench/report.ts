/** The figures against their targets (issue 8), as a table and as JSON. */
import type { AuditResult } from "./audit.js"
import type { AuditPgResult } from "./auditPg.js"
import type { RatioResult, RssResult } from "./pipeline.js"
import type { RateLimiterResult } from "./rateLimiter.js"
import type { RatioStoresResult } from "./ratioStores.js"
import type { SharedStateResult } from "./sharedState.js"
import type { SpawnResult } from "./spawn.js"
import type { StepsResult } from "./steps.js"
import type { TelemetryResult } from "./telemetry.js"
import type { TokenResult } from "./tokens.js"

export interface BenchResults {
  readonly ratio?: RatioResult
  readonly ratioStores?: RatioStoresResult
  readonly audit?: AuditResult
  readonly auditPg?: AuditPgResult
  readonly rateLimiter?: RateLimiterResult
  readonly tokens?: TokenResult
  readonly spawn?: SpawnResult
  readonly rss?: RssResult
  readonly rssHeapCapped?: RssResult
  readonly steps?: StepsResult
  readonly sharedState?: SharedStateResult
  readonly telemetry?: TelemetryResult
}

export interface Row {
  readonly figure: string
  readonly measured: string
  readonly target: string
  readonly met: boolean
}

const n = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 3 })

// Flat: the second half of the run adds less than this much RSS.
export const flatToleranceMb = 10

// Issue 19's targets, measured side by side with the bare SDK server in one run.
export const ratioTargets = { p50: 1.6, p99: 1.3, cpu: 2.0 } as const

const ratioRows = (ratio: RatioResult, stores: string): ReadonlyArray<Row> => {
  const detail = (which: "p50Ms" | "p99Ms") => `(${n(ratio.pipeline[which])} ms vs ${n(ratio.bare[which])} ms)`
  const cpu = ratio.pipelineCpuUsPerCall !== undefined && ratio.bareCpuUsPerCall !== undefined
    ? [{
      figure: `server CPU per call, pipeline / bare (user + system; ${stores})`,
      measured: `${n(round2(ratio.pipelineCpuUsPerCall / ratio.bareCpuUsPerCall))} (${n(ratio.pipelineCpuUsPerCall)} µs / ${
        n(ratio.bareCpuUsPerCall)
      } µs)`,
      target: `≤ ${ratioTargets.cpu.toFixed(1)}`,
      met: ratio.pipelineCpuUsPerCall <= ratioTargets.cpu * ratio.bareCpuUsPerCall
    }]
    : []
  return [{
    figure: `pipeline / bare SDK server, p50 (${n(ratio.calls)} calls × ${ratio.runs} runs; ${stores})`,
    measured: `${n(ratio.ratioP50)} ${detail("p50Ms")}`,
    target: `≤ ${ratioTargets.p50}`,
    met: ratio.ratioP50 <= ratioTargets.p50
  }, {
    figure: `pipeline / bare SDK server, p99 (${stores})`,
    measured: `${n(ratio.ratioP99)} ${detail("p99Ms")}`,
    target: `≤ ${ratioTargets.p99.toFixed(2)}`,
    met: ratio.ratioP99 <= ratioTargets.p99
  }, ...cpu]
}

const round2 = (value: number) => Math.round(value * 100) / 100

export const rows = (results: BenchResults): ReadonlyArray<Row> => {
  const out: Array<Row> = []
  const { ratio, ratioStores, audit, auditPg, rateLimiter, tokens, spawn, rss, rssHeapCapped, telemetry } = results
  if (telemetry !== undefined) {
    const cpu = telemetry.offCpuUsPerCall !== undefined && telemetry.onCpuUsPerCall !== undefined
      ? `; CPU ${n(telemetry.offCpuUsPerCall)} µs / ${n(telemetry.onCpuUsPerCall)} µs per call`
      : ""
    out.push({
      figure: `OpenTelemetry off / on (OTLP to loopback), p50 (${n(telemetry.calls)} calls × ${telemetry.runs} runs)`,
      measured: `${n(telemetry.offP50Ms)} ms / ${n(telemetry.onP50Ms)} ms${cpu}`,
      target: "(off is the default and builds no spans)",
      met: true
    })
  }
  if (ratio !== undefined) out.push(...ratioRows(ratio, "in-process state, SQLite audit"))
  if (ratioStores !== undefined) {
    out.push(...("skipped" in ratioStores
      ? [{ figure: "pipeline / bare SDK server on Redis + PostgreSQL", measured: ratioStores.skipped, target: "(skipped)", met: true }]
      : ratioRows(ratioStores, "Redis state, PostgreSQL audit")))
  }
  if (audit !== undefined) {
    out.push({
      figure: "audit append latency, median (p99), after 2,000 warm-up appends",
      measured: `${n(audit.appendP50Ms)} ms (${n(audit.appendP99Ms)} ms); cold: ${n(audit.appendColdP50Ms)} ms`,
      target: "< 0.2 ms",
      met: audit.appendP50Ms < 0.2
    }, {
      figure: "audit append throughput (one at a time / 64 in flight)",
      measured: `${n(audit.appendRowsPerSecond)} / ${n(audit.appendRowsPerSecondConcurrent)} rows/s`,
      target: "≥ 20,000 rows/s",
      met: Math.max(audit.appendRowsPerSecond, audit.appendRowsPerSecondConcurrent) >= 20_000
    }, {
      figure: `audit verify (${n(audit.verifyRows)} rows)`,
      measured: `${n(audit.verifyRowsPerSecond)} rows/s (${n(audit.verifyCpuMicrosPerRow)} µs CPU a row)`,
      target: "≥ 100,000 rows/s",
      met: audit.verifyRowsPerSecond >= 100_000
    })
  }
  if (auditPg !== undefined) {
    // Beside the SQLite figures above; the latency of a network round trip per group commit is not SQLite's.
    out.push({
      figure: "audit on PostgreSQL: append latency, median (p99), loopback",
      measured: `${n(auditPg.appendP50Ms)} ms (${n(auditPg.appendP99Ms)} ms)`,
      target: "(figure; SQLite above)",
      met: true
    }, {
      figure: "audit on PostgreSQL: append throughput (1 / 64 in flight / three writers × 64)",
      measured: `${n(auditPg.appendRowsPerSecond)} / ${n(auditPg.appendRowsPerSecondConcurrent)} / ` +
        `${n(auditPg.threeWritersRowsPerSecond)} rows/s`,
      target: "(figure; SQLite above)",
      met: true
    }, {
      figure: `audit on PostgreSQL: verify (${n(auditPg.verifyRows)} rows)`,
      measured: `${n(auditPg.verifyRowsPerSecond)} rows/s (${n(auditPg.verifyCpuMicrosPerRow)} µs CPU a row, ` +
        "the server's not counted)",
      target: "≥ 100,000 rows/s",
      met: auditPg.verifyRowsPerSecond >= 100_000
    })
  }
  if (rateLimiter !== undefined) {
    out.push({
      figure: "rate limiter decisions (many keys / one hot key)",
      measured: `${n(rateLimiter.spreadPerSecond)} / ${n(rateLimiter.hotKeyPerSecond)} per s ` +
        `(the decision alone: ${n(rateLimiter.coreAdmitPerSecond)} per s)`,
      target: "≥ 1,000,000 per s",
      met: Math.min(rateLimiter.spreadPerSecond, rateLimiter.hotKeyPerSecond) >= 1_000_000
    })
  }
  if (tokens !== undefined) {
    out.push({
      figure: `token requests for ${n(tokens.concurrentCalls)} concurrent cold calls (${tokens.runs} runs)`,
      measured: `${tokens.tokenRequests.join(", ")}${tokens.failedCalls > 0 ? `; ${tokens.failedCalls} calls failed` : ""}`,
      target: "exactly 1",
      met: tokens.tokenRequests.every((count) => count === 1) && tokens.failedCalls === 0
    })
  }
  if (spawn !== undefined) {
    out.push({
      figure: `spawn → initialize answered (median of ${spawn.runs})`,
      measured: `${n(spawn.medianMs)} ms`,
      target: "< 500 ms",
      met: spawn.medianMs < 500
    })
  }
  for (const run of [rss, rssHeapCapped]) {
    if (run === undefined) continue
    const capped = run.nodeOptions === undefined ? "" : `, with NODE_OPTIONS="${run.nodeOptions}" (leak check)`
    out.push({
      figure: `server RSS after ${n(run.calls)} calls${capped}; growth over the last half`,
      measured: `${n(run.finalMb)} MB (idle ${n(run.samples[0]?.[1] ?? Number.NaN)} MB); ` +
        `${run.lastHalfGrowthMb >= 0 ? "+" : ""}${n(run.lastHalfGrowthMb)} MB`,
      target: `< 150 MB and flat (< ${flatToleranceMb} MB)`,
      met: run.finalMb < 150 && run.lastHalfGrowthMb < flatToleranceMb
    })
  }
  const { sharedState } = results
  if (sharedState !== undefined && "skipped" in sharedState) {
    out.push({ figure: "shared state (Redis)", measured: sharedState.skipped, target: "—", met: true })
  } else if (sharedState !== undefined) {
    const detail = (which: "p50Ms" | "p99Ms") => `(${n(sharedState.redis[which])} ms vs ${n(sharedState.inProcess[which])} ms)`
    const trips = sharedState.roundTrips
    out.push({
      figure: `added latency per call, Redis store vs in-process, p50 (${n(sharedState.calls)} calls × ${sharedState.runs} runs, ` +
        `load ${n(sharedState.loadAverage)})`,
      measured: `${n(sharedState.addedP50Ms)} ms ${detail("p50Ms")}`,
      target: "≤ 0.5 ms",
      met: sharedState.addedP50Ms <= 0.5
    }, {
      figure: "added latency per call, Redis store vs in-process, p99",
      measured: `${n(sharedState.addedP99Ms)} ms ${detail("p99Ms")}`,
      target: "(reported)",
      met: true
    }, {
      figure: "the store's admission step alone, p50 (p99): Redis / in-process",
      measured: `${n(sharedState.admitRedis.p50Ms)} ms (${n(sharedState.admitRedis.p99Ms)} ms) / ` +
        `${n(sharedState.admitInProcess.p50Ms)} ms (${n(sharedState.admitInProcess.p99Ms)} ms)`,
      target: "(where the added latency goes)",
      met: true
    }, {
      figure: "Redis round trips per tool call, security state (read / write / token round / token-confirmed write)",
      measured: `${n(trips.read.state)} / ${n(trips.write.state)} / ${n(trips.confirmationRound.state)} / ${n(trips.confirmedWrite.state)}`,
      target: "≤ 2",
      met: Math.max(trips.read.state, trips.write.state, trips.confirmationRound.state, trips.confirmedWrite.state) <= 2
    }, {
      figure: "… and the OPERA throttle's slots per tool call of their own (a read's first OPERA request takes its slot in the admission)",
      measured: `${n(trips.read.throttle)} / ${n(trips.write.throttle)} / ${n(trips.confirmationRound.throttle)} / ` +
        `${n(trips.confirmedWrite.throttle)}`,
      target: "(reported)",
      met: true
    })
  }
  return out
}

export const table = (results: ReadonlyArray<Row>): string => {
  const header = ["figure", "measured", "target", "met"]
  const lines = results.map((row) => [row.figure, row.measured, row.target, row.met ? "yes" : "**MISSED**"])
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)))
  const format = (cells: ReadonlyArray<string>) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`
  return [format(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.map(format)].join("\n")
}
