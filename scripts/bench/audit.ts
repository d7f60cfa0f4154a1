/**
 * The audit log on a temp file, as the server runs it (WAL, AES-256-GCM
 * fields, HMAC chain, signed checkpoints): append latency, sustained append
 * throughput, and verify speed.
 */
import { ConfigProvider, Effect } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { AuditLog } from "../../src/security/AuditLog.js"
import type { AuditEventInput } from "../../src/security/audit/model.js"
import { median, round } from "./stats.js"

export interface AuditResult {
  readonly appendP50Ms: number
  /** Median of appends 200..2,000 after opening, before the JIT has warmed up. */
  readonly appendColdP50Ms: number
  readonly appendP99Ms: number
  readonly appendRowsPerSecond: number
  readonly appendRowsPerSecondConcurrent: number
  readonly verifyRows: number
  readonly verifyRowsPerSecond: number
  /** CPU time of this process (its worker threads included) per verified row. */
  readonly verifyCpuMicrosPerRow: number
}

// A tool-call row as the pipeline writes it: every encrypted field filled.
export const event = (index: number): AuditEventInput => ({
  kind: "tool_call",
  clientId: "bench-client#0001",
  tool: "get_reservation",
  hotelId: "HOTEL1",
  objectIds: [`RSV-${index}`],
  outcome: "success",
  riskScore: 0.1,
  riskLevel: "low",
  durationMs: 3,
  correlationId: `corr-${index}`,
  sensitive: {
    details: `{"reservationId":"RSV-${index}"}`,
    ipAddress: "203.0.113.7",
    userAgent: "bench/1.0"
  }
})

const warmUpAppends = 2000

const appendAll = (audit: AuditLog, from: number, count: number, concurrency: number) =>
  Effect.forEach(
    Array.from({ length: count }, (_, i) => from + i),
    (index) => audit.append(event(index)),
    { concurrency, discard: true }
  )

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.suspend(() => {
    const started = performance.now()
    return Effect.map(effect, (value) => ({ value, ms: performance.now() - started }))
  })

const program = (options: { readonly runs: number; readonly verifyRows: number }) =>
  Effect.gen(function*() {
    const audit = yield* AuditLog
    let written = 0

    // Latency: one append at a time, each timed, after `warmUpAppends` untimed ones (JIT warm-up: a
    // server that has been up a few seconds). The median of the cold ones is reported too.
    const latencies: Array<number> = []
    for (let index = 0; index < warmUpAppends + 2000 * options.runs; index++) {
      const started = performance.now()
      yield* audit.append(event(written++))
      latencies.push(performance.now() - started)
    }
    const sortedCold = latencies.slice(200, warmUpAppends).sort((a, b) => a - b)
    const sortedTail = latencies.slice(warmUpAppends).sort((a, b) => a - b)

    // Throughput: the verify rows written in `runs` timed chunks, sequential and 64 in flight.
    const chunk = Math.max(1000, Math.floor((options.verifyRows - written) / (2 * options.runs)))
    const sequential: Array<number> = []
    const concurrent: Array<number> = []
    for (let run = 0; run < options.runs; run++) {
      const one = yield* timed(appendAll(audit, written, chunk, 1))
      written += chunk
      sequential.push(chunk / (one.ms / 1000))
      const many = yield* timed(appendAll(audit, written, chunk, 64))
      written += chunk
      concurrent.push(chunk / (many.ms / 1000))
    }
    if (written < options.verifyRows) yield* appendAll(audit, written, options.verifyRows - written, 64)

    const verifies: Array<number> = []
    const cpu: Array<number> = []
    let rows = 0
    for (let run = 0; run < options.runs; run++) {
      const cpuBefore = process.cpuUsage()
      const checked = yield* timed(audit.verify())
      const cpuUsed = process.cpuUsage(cpuBefore)
      if (!checked.value.ok) return yield* Effect.dieMessage(`audit verify failed: ${checked.value.failure?.message}`)
      rows = checked.value.rowsChecked
      verifies.push(rows / (checked.ms / 1000))
      cpu.push((cpuUsed.user + cpuUsed.system) / rows)
    }
    return {
      appendP50Ms: round(sortedTail[Math.floor(sortedTail.length / 2)]!),
      appendColdP50Ms: round(sortedCold[Math.floor(sortedCold.length / 2)]!),
      appendP99Ms: round(sortedTail[Math.floor(sortedTail.length * 0.99)]!),
      appendRowsPerSecond: Math.round(median(sequential)),
      appendRowsPerSecondConcurrent: Math.round(median(concurrent)),
      verifyRows: rows,
      verifyRowsPerSecond: Math.round(median(verifies)),
      verifyCpuMicrosPerRow: round(median(cpu))
    } satisfies AuditResult
  })

export const auditBench = async (options: { readonly runs: number; readonly verifyRows: number }) => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-bench-audit-"))
  const settings = ConfigProvider.fromMap(new Map([
    ["OPERA_SECURITY_AUDIT_DB_PATH", path.join(dir, "audit.db")],
    ["OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", randomBytes(32).toString("base64")],
    ["HOME", dir]
  ]))
  try {
    return await Effect.runPromise(
      program(options).pipe(Effect.provide(AuditLog.Default), Effect.withConfigProvider(settings), Effect.scoped)
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
