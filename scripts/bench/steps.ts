/**
 * What each step of the security pipeline costs, in process: the services a
 * get_reservation call goes through, each run on its own, against an embedded
 * sandbox. Not a target of the issue; it says where the pipeline's time goes.
 */
import { ConfigProvider, Context, Effect, Layer, Logger, LogLevel } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { performance } from "node:perf_hooks"
import { AppLayer } from "../../src/Runtime.js"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"
import { AccessPolicy } from "../../src/security/AccessPolicy.js"
import { AuditLog } from "../../src/security/AuditLog.js"
import { RateLimiter } from "../../src/security/RateLimiter.js"
import { Redactor } from "../../src/security/Redactor.js"
import { ThreatMonitor } from "../../src/security/ThreatMonitor.js"
import { CallContext } from "../../src/tools/CallContext.js"
import type { OperaToolServices as ToolServices } from "../../src/connectors/opera/tools/catalog.js"
import { ToolDirectory } from "../../src/tools/ToolDirectory.js"
import { ToolRegistry } from "../../src/tools/ToolRegistry.js"
import { benchSettings } from "./processes.js"
import { median, round } from "./stats.js"

export interface StepCost {
  readonly step: string
  /** Median wall time per operation over batches, in µs. */
  readonly microseconds: number
}

export interface StepsResult {
  readonly iterations: number
  readonly steps: ReadonlyArray<StepCost>
}

const batch = 50

/** Median over batches of `batch` runs of `effect`, per run, in µs. */
const cost = (iterations: number, effect: Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) yield* effect
    const perRun: Array<number> = []
    for (let done = 0; done < iterations; done += batch) {
      const started = performance.now()
      for (let i = 0; i < batch; i++) yield* effect
      perRun.push((performance.now() - started) * 1000 / batch)
    }
    return round(median(perRun), 1)
  })

const measure = (iterations: number) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    const snapshot = yield* sandbox.snapshot
    const reservation = [...snapshot.reservations.values()].find((entry) => entry.hotelId === sandbox.hotelId)
    if (reservation === undefined) return yield* Effect.dieMessage("the sandbox seeded no reservation")
    const registry = yield* ToolRegistry
    // The services a tool's handler needs, captured once (as the registry does).
    const services = yield* Effect.context<Exclude<ToolServices, ToolDirectory>>()
    const withServices = <A, E>(effect: Effect.Effect<A, E, ToolServices>) =>
      effect.pipe(Effect.provide(Context.add(services, ToolDirectory, { callable: () => [] })))
    const tool = registry.tools.find((entry) => entry.name === "get_reservation")
    if (tool === undefined) return yield* Effect.dieMessage("no get_reservation tool")
    const args = { reservationId: reservation.reservationId }
    const input = yield* tool.decodeInput(args)
    const result = yield* withServices(tool.handler(input))
    const access = yield* AccessPolicy
    const limiter = yield* RateLimiter
    const threats = yield* ThreatMonitor
    const redactor = yield* Redactor
    const audit = yield* AuditLog
    // Each step gets its own client, so no step's history shapes another's.
    const ctx = (step: string) => ({ clientId: `bench-steps#${step}`, transport: "stdio" as const })
    const redacted = redactor.redactResult(tool, result)
    const auditRow = {
      kind: "tool_call" as const,
      outcome: "success" as const,
      clientId: "bench-steps#audit",
      tool: tool.name,
      correlationId: "bench",
      durationMs: 1,
      hotelId: sandbox.hotelId,
      objectIds: [reservation.reservationId],
      sensitive: { details: JSON.stringify(args) }
    }
    const steps: Array<readonly [string, Effect.Effect<unknown, unknown>]> = [
      ["OPERA call (token, throttle, breaker, HTTP to the embedded sandbox, decode)", withServices(tool.handler(input))],
      ["audit append (seal, chain, commit)", audit.append(auditRow)],
      ["threat assessment (guard)", threats.guard(ctx("threats"), tool, input)],
      ["threat record", threats.record(ctx("threats"), tool, { success: true, guestIds: [], durationMs: 1 })],
      ["argument decoding", tool.decodeInput(args)],
      ["redaction of the result", Effect.sync(() => redactor.redactResult(tool, result))],
      ["output schema check", Effect.sync(() => tool.outputMismatch(redacted))],
      ["rendering the text", Effect.sync(() => tool.render(redacted))],
      ["access policy", access.check(ctx("access"), tool, sandbox.hotelId)],
      ["rate limiter", limiter.take(ctx("limiter").clientId, tool.name)],
      // Last, once everything it runs is warm.
      ["the whole call (dispatch through every step)", registry.dispatch(tool.name, args).pipe(
        Effect.provideService(CallContext, ctx("dispatch"))
      )]
    ]
    const out: Array<StepCost> = []
    for (const [step, effect] of steps) out.push({ step, microseconds: yield* cost(iterations, effect) })
    return { iterations, steps: out } satisfies StepsResult
  })

export const stepsBench = async (iterations: number): Promise<StepsResult> => {
  const dir = mkdtempSync(path.join(tmpdir(), "opera-bench-steps-"))
  const settings = new Map<string, string>([
    ...Object.entries(benchSettings),
    ["OPERA_SECURITY_AUDIT_DB_PATH", path.join(dir, "audit.db")],
    ["OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", randomBytes(32).toString("base64")]
  ])
  try {
    // Sandbox mode puts the embedded sandbox in the runtime; AppLayer's type does not say so.
    const program = measure(iterations).pipe(
      Effect.provide(Layer.merge(AppLayer({ _tag: "Sandbox" }), Logger.minimumLogLevel(LogLevel.None)))
    ) as Effect.Effect<StepsResult, unknown, Sandbox> as Effect.Effect<StepsResult, unknown>
    return await Effect.runPromise(program.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(settings))))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export const stepsTable = (result: StepsResult): string => {
  const width = Math.max(...result.steps.map((entry) => entry.step.length))
  return [
    `pipeline steps, in process (median µs per operation, ${result.iterations} operations each):`,
    ...result.steps.map((entry) => `  ${entry.step.padEnd(width)}  ${entry.microseconds.toFixed(1).padStart(8)} µs`)
  ].join("\n")
}
