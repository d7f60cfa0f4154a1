import type { Schema } from "effect"
import type { NamedOperation } from "./checks/routeMap.js"
import { clientRequestProblems, declaredOperationProblems, routeMapProblems } from "./checks/routeMap.js"
import type { Sample } from "./checks/decoding.js"
import { decodingProblems, specSamples } from "./checks/decoding.js"
import { tokenCallProblems } from "./checks/oauth.js"
import { onTheWire, requestProblems, responseVerdict } from "./checks/exchange.js"
import type { OhipOperation, OhipSpecs } from "./ohip/specs.js"
import { moduleOfPath, operationForPath } from "./ohip/paths.js"
import type { FidelityCapture } from "./session.js"

/**
 * Every check of the fidelity suite over one captured run, tallied per
 * module: operations used, requests validated, responses validated,
 * decoding samples, failures. A failure is one sentence naming the module,
 * operation and rule; no header value, token or guest field is ever quoted.
 */
export type FailureKind = "route" | "tool" | "client" | "request" | "response" | "oauth" | "decoding"

export interface Failure {
  readonly module: string
  readonly operationId: string
  readonly kind: FailureKind
  readonly message: string
}

export interface ModuleRow {
  readonly module: string
  readonly operations: number
  readonly requests: number
  readonly responses: number
  readonly samples: number
  readonly failures: number
}

export interface FidelityReport {
  readonly rows: ReadonlyArray<ModuleRow>
  readonly failures: ReadonlyArray<Failure>
  /** Operations tools declare that no request of the run reached, as "module.operationId". */
  readonly unreached: ReadonlyArray<string>
  readonly toolCalls: number
  /** Scenarios whose tool call died (a defect of the tool, not a fidelity failure), as "tool (label)". */
  readonly died: ReadonlyArray<string>
  readonly strayScenarios: ReadonlyArray<string>
}

export const auditCapture = (
  specs: OhipSpecs,
  capture: FidelityCapture,
  routes: ReadonlyArray<NamedOperation>
): FidelityReport => {
  const failures: Array<Failure> = []
  const tally = new Map<string, { operations: Set<string>; requests: number; responses: number; samples: number }>()
  const row = (module: string) => {
    const existing = tally.get(module)
    if (existing !== undefined) return existing
    const created = { operations: new Set<string>(), requests: 0, responses: 0, samples: 0 }
    tally.set(module, created)
    return created
  }
  const fail = (kind: FailureKind, module: string, operationId: string, messages: ReadonlyArray<string>) => {
    for (const message of messages) failures.push({ kind, module, operationId, message })
  }

  for (const problem of routeMapProblems(specs, routes)) fail("route", problem.module, problem.operationId, [problem.message])
  for (const problem of declaredOperationProblems(specs, capture.tools)) fail("tool", problem.module, problem.operationId, [problem.message])
  for (const problem of clientRequestProblems(specs, capture.clientCalls.map((call) => call.request))) {
    fail("client", problem.module, problem.operationId, [problem.message])
  }

  const successBodies = new Map<string, Array<Sample>>()
  for (const exchange of capture.exchanges) {
    const module = exchange.route?.module ?? moduleOfPath(exchange.path) ?? "?"
    const operation: OhipOperation | undefined = exchange.route !== undefined
      ? specs.findOperation(exchange.route.module, exchange.route.operationId)
      : module === "?" ? undefined : operationForPath(specs, module, exchange.method, exchange.path)?.operation
    if (operation === undefined) {
      fail("request", module, "?", [`${exchange.method} ${exchange.path} is no OHIP operation of ${module}.json`])
      continue
    }
    const tallied = row(module)
    tallied.operations.add(operation.operationId)
    tallied.requests += 1
    fail("request", module, operation.operationId, requestProblems(specs, operation, exchange).map((text) => `request: ${text}`))
    if (module === "oauth") {
      fail("oauth", module, operation.operationId, tokenCallProblems(specs, exchange, capture.credentials, capture.enterpriseId))
    }
    const verdict = responseVerdict(specs, operation, exchange)
    if (verdict._tag === "Validated") {
      tallied.responses += 1
      fail("response", module, operation.operationId, verdict.problems)
    }
    if (exchange.status >= 200 && exchange.status < 300) {
      const key = `${module}.${operation.operationId}`
      const bodies = successBodies.get(key) ?? []
      if (bodies.length < 3) bodies.push({ origin: "sandbox", label: `${operation.operationId} sandbox ${exchange.status} body`, body: onTheWire(exchange.responseBody) })
      successBodies.set(key, bodies)
    }
  }

  const schemas = new Map<string, { module: string; operationId: string; schema: Schema.Schema<unknown, unknown, never> }>()
  for (const call of capture.clientCalls) {
    schemas.set(`${call.request.module}.${call.request.operationId}`, { ...call.request, schema: call.response })
    if (call.outcome === "OperaBadResponse") {
      fail("decoding", call.request.module, call.request.operationId, [`the client could not decode the sandbox's answer to ${call.request.operationId}`])
    }
  }
  for (const [key, { module, operationId, schema }] of schemas) {
    const operation = specs.findOperation(module, operationId)
    if (operation === undefined) continue
    const published = specSamples(operation)
    const samples = published.length > 0 ? published : successBodies.get(key) ?? []
    row(module).samples += samples.length
    fail("decoding", module, operationId, decodingProblems(schema, samples))
  }

  const reached = new Set(capture.exchanges.flatMap((exchange) => exchange.route === undefined ? [] : [`${exchange.route.module}.${exchange.route.operationId}`]))
  const declared = new Set(capture.tools.flatMap((tool) => tool.operations ?? []))
  const rows = [...tally.entries()].map(([module, counts]) => ({
    module,
    operations: counts.operations.size,
    requests: counts.requests,
    responses: counts.responses,
    samples: counts.samples,
    failures: failures.filter((failure) => failure.module === module).length
  }))
  const orphanModules = [...new Set(failures.map((failure) => failure.module))].filter((module) => !tally.has(module))
  return {
    rows: [...rows, ...orphanModules.map((module) => ({
      module, operations: 0, requests: 0, responses: 0, samples: 0,
      failures: failures.filter((failure) => failure.module === module).length
    }))].sort((left, right) => left.module.localeCompare(right.module)),
    failures,
    unreached: [...declared].filter((operation) => !reached.has(operation)).sort(),
    toolCalls: capture.toolRuns.length,
    died: capture.toolRuns.filter((run) => run.died).map((run) => `${run.tool} (${run.label})`),
    strayScenarios: capture.strayScenarios
  }
}

/**
 * The fidelity run as text: one row per module (operations used, requests
 * and responses validated, spec or sandbox samples decoded, failures), then
 * each failure, then the operations tools declare that the run never reached.
 */
const columns = ["module", "operations used", "requests validated", "responses validated", "samples decoded", "failures"] as const

export const renderTable = (report: FidelityReport): string => {
  const cells = report.rows.map((row) => [
    row.module,
    String(row.operations),
    String(row.requests),
    String(row.responses),
    String(row.samples),
    String(row.failures)
  ])
  const total = ["total", ...[1, 2, 3, 4, 5].map((index) => String(cells.reduce((sum, line) => sum + Number(line[index]), 0)))]
  const lines = [[...columns], ...cells, total]
  const widths = columns.map((_, index) => Math.max(...lines.map((line) => (line[index] ?? "").length)))
  const format = (line: ReadonlyArray<string>) =>
    line.map((cell, index) => index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0)).join("  ")
  const rule = widths.map((width) => "-".repeat(width)).join("  ")
  const out = [format(lines[0] ?? []), rule, ...cells.map(format), rule, format(total), "", `${report.toolCalls} tool calls through the pipeline.`]
  if (report.failures.length > 0) {
    out.push("", `FAILURES (${report.failures.length}):`)
    for (const failure of report.failures) out.push(`  [${failure.kind}] ${failure.module}.${failure.operationId}: ${failure.message}`)
  }
  if (report.unreached.length > 0) {
    out.push("", `Declared by tools but not reached by this run (add a scenario in scripts/fidelity/scenarios/explicit.ts):`)
    for (const operation of report.unreached) out.push(`  ${operation}`)
  }
  if (report.died.length > 0) out.push("", `Tool calls that died (tool bugs, not fidelity failures): ${report.died.join(", ")}`)
  if (report.strayScenarios.length > 0) out.push("", `Explicit scenarios for tools that do not exist: ${report.strayScenarios.join(", ")}`)
  out.push("", report.failures.length === 0 ? "fidelity: OK" : "fidelity: FAILED")
  return out.join("\n")
}
