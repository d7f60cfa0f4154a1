/**
 * The audit log on a real PostgreSQL 15 (initdb cluster on a loopback port, as the tests run it), beside
 * the SQLite figures: append latency, throughput with 1 and 64 in flight, three writers appending at
 * once (one chain each), and verify speed over every chain. The rows verify walks beyond those the
 * timed appends write are put in first by a fast fill (auditPgFill.ts): `--verify-rows 1000000` is the
 * issue's figure without a million appends one by one.
 */
import { ConfigProvider, Context, Effect, Layer } from "effect"
import type { Scope } from "effect"
import { randomBytes } from "node:crypto"
import { performance } from "node:perf_hooks"
import { AuditLog } from "../../src/security/AuditLog.js"
import { postgresMissing, startPostgres } from "../../test/support/postgresServer.js"
import { event } from "./audit.js"
import { fillPgChain } from "./auditPgFill.js"
import { median, round } from "./stats.js"

export interface AuditPgResult {
  readonly appendP50Ms: number
  readonly appendP99Ms: number
  readonly appendRowsPerSecond: number
  readonly appendRowsPerSecondConcurrent: number
  /** Three writers (three connections, one chain each), 64 in flight each: rows per second together. */
  readonly threeWritersRowsPerSecond: number
  readonly verifyRows: number
  readonly verifyRowsPerSecond: number
  /** CPU time of this process (its worker threads included, the PostgreSQL server not) per verified row. */
  readonly verifyCpuMicrosPerRow: number
  /** Rows put in by the fast fill (sealed and chained as appends make them) before the appends above. */
  readonly filledRows: number
}

/** Rows the timed appends below write, so the fill makes up the rest of `verifyRows`. */
const appendedRows = (runs: number) => 500 + 1000 * runs + runs * (1000 + 5000) + runs * 3 * 5000

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.suspend(() => {
    const started = performance.now()
    return Effect.map(effect, (value) => ({ value, ms: performance.now() - started }))
  })

const appendAll = (audit: AuditLog, from: number, count: number, concurrency: number) =>
  Effect.forEach(Array.from({ length: count }, (_, i) => from + i), (index) => audit.append(event(index)), {
    concurrency,
    discard: true
  })

const program = <E>(
  options: { readonly runs: number; readonly verifyRows: number; readonly filledRows: number },
  writer: Effect.Effect<AuditLog, E, Scope.Scope>
) =>
  Effect.gen(function*() {
    // The first writer takes over the filled chain (its lease was freed) and goes on after its last row.
    const audit = yield* writer
    let written = options.filledRows
    const latencies: Array<number> = []
    for (let index = 0; index < 500 + 1000 * options.runs; index++) {
      const started = performance.now()
      yield* audit.append(event(written++))
      latencies.push(performance.now() - started)
    }
    const tail = latencies.slice(500).sort((a, b) => a - b)
    const chunk = 5000
    const sequential: Array<number> = []
    const concurrent: Array<number> = []
    for (let run = 0; run < options.runs; run++) {
      const one = yield* timed(appendAll(audit, written, chunk / 5, 1))
      written += chunk / 5
      sequential.push(chunk / 5 / (one.ms / 1000))
      const many = yield* timed(appendAll(audit, written, chunk, 64))
      written += chunk
      concurrent.push(chunk / (many.ms / 1000))
    }
    // Three writers at once: this one and two more, each on its own chain.
    const three: Array<number> = []
    for (let run = 0; run < options.runs; run++) {
      const together = yield* timed(Effect.scoped(Effect.gen(function*() {
        const others = [yield* writer, yield* writer]
        yield* Effect.all([audit, ...others].map((log, index) => appendAll(log, index * chunk, chunk, 64)), {
          concurrency: "unbounded",
          discard: true
        })
      })))
      written += 3 * chunk
      three.push((3 * chunk) / (together.ms / 1000))
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
      appendP50Ms: round(tail[Math.floor(tail.length / 2)]!),
      appendP99Ms: round(tail[Math.floor(tail.length * 0.99)]!),
      appendRowsPerSecond: Math.round(median(sequential)),
      appendRowsPerSecondConcurrent: Math.round(median(concurrent)),
      threeWritersRowsPerSecond: Math.round(median(three)),
      verifyRows: rows,
      verifyRowsPerSecond: Math.round(median(verifies)),
      verifyCpuMicrosPerRow: round(median(cpu)),
      filledRows: options.filledRows
    } satisfies AuditPgResult
  })

/** Undefined (with the reason on stderr) when PostgreSQL 15 is not installed. */
export const auditPgBench = async (options: { readonly runs: number; readonly verifyRows: number }) => {
  if (postgresMissing !== undefined) {
    process.stderr.write(`${postgresMissing}\n`)
    return undefined
  }
  const server = await startPostgres()
  try {
    server.psql("CREATE DATABASE audit_bench")
    const url = server.adminUrl("audit_bench")
    const encryptionKey = randomBytes(32).toString("base64")
    const settings = ConfigProvider.fromMap(new Map([
      ["OPERA_SECURITY_AUDIT_DB_URL", url],
      ["OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", encryptionKey],
      ["HOME", server.dir]
    ]))
    const toFill = Math.max(0, options.verifyRows - appendedRows(options.runs))
    const filledRows = toFill === 0 ? 0 : await Effect.runPromise(fillPgChain({ url, encryptionKey, rows: toFill }))
    // Each writer is an AuditLog of its own (its own pool and chain), as a replica would be.
    const writer = Effect.map(Layer.build(AuditLog.Default), Context.get(AuditLog))
    return await Effect.runPromise(
      program({ ...options, filledRows }, writer).pipe(Effect.withConfigProvider(settings), Effect.scoped)
    )
  } finally {
    await server.stop()
  }
}
