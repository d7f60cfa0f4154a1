/**
 * What each step of the security pipeline costs, in process: the services a
 * get_reservation call goes through, each run on its own, against an embedded
 * sandbox. Not a target of the issue; it says where the pipeline's time goes.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { layerWithoutAgent, makeAgentLayer } from "@effect/platform-node/NodeHttpClient"
import { ConfigProvider, Context, Effect, Layer, Logger, LogLevel, Redacted, Schema } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { makeCircuitBreaker } from "../../src/connectors/opera/client/CircuitBreaker.js"
import { getReservation, GetReservationResponse, reservationFromEnvelope } from "../../src/connectors/opera/client/reservations.js"
import { requestPath } from "../../src/connectors/opera/client/OperaRequest.js"
import { OperaTransport } from "../../src/connectors/opera/client/OperaTransport.js"
import { TokenCache } from "../../src/connectors/opera/client/TokenCache.js"
import { AppLayer } from "../../src/Runtime.js"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"
import { AccessPolicy } from "../../src/security/AccessPolicy.js"
import { AuditLog } from "../../src/security/AuditLog.js"
import { RateLimiter } from "../../src/security/RateLimiter.js"
import { Redactor } from "../../src/security/Redactor.js"
import { ThreatMonitor } from "../../src/security/ThreatMonitor.js"
import { UpstreamThrottle } from "../../src/connectors/opera/client/UpstreamThrottle.js"
import { CallContext } from "../../src/tools/CallContext.js"
import type { OperaToolServices as ToolServices } from "../../src/connectors/opera/tools/catalog.js"
import { ToolDirectory } from "../../src/tools/ToolDirectory.js"
import { ToolRegistry } from "../../src/tools/ToolRegistry.js"
import { benchSettings } from "./processes.js"
import { median, round } from "./stats.js"

export interface StepCost {
  readonly step: string
  /** Median CPU time (user + system, this process) per operation over batches, in µs. */
  readonly microseconds: number
}

export interface StepsResult {
  readonly iterations: number
  readonly steps: ReadonlyArray<StepCost>
  /** The OPERA call (the first step) taken apart: what each of its parts costs on its own. */
  readonly operaCall: ReadonlyArray<StepCost>
}

const batch = 50

// CPU time, not wall time: on a shared machine wall time mostly measures waiting for a core.
const cpuMicros = () => {
  const used = process.cpuUsage()
  return used.user + used.system
}

/** Median over batches of `batch` runs of `effect`, CPU per run, in µs. */
const cost = (iterations: number, effect: Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) yield* effect
    const perRun: Array<number> = []
    for (let done = 0; done < iterations; done += batch) {
      const started = cpuMicros()
      for (let i = 0; i < batch; i++) yield* effect
      perRun.push((cpuMicros() - started) / batch)
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
    // Each entry is run many times: a decode is suspended, or its first result would be yielded again.
    const steps: Array<readonly [string, Effect.Effect<unknown, unknown>]> = [
      ["OPERA call (token, throttle, breaker, HTTP to the embedded sandbox, decode)", withServices(tool.handler(input))],
      ["audit append (seal, chain, commit)", audit.append(auditRow)],
      ["threat assessment (guard)", threats.guard(ctx("threats"), tool, input)],
      ["threat record", threats.record(ctx("threats"), tool, { success: true, guestIds: [], durationMs: 1 })],
      ["argument decoding", Effect.suspend(() => tool.decodeInput(args))],
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
    const operaCall: Array<StepCost> = []
    for (const [step, effect] of yield* operaCallParts(sandbox, reservation.reservationId)) {
      operaCall.push({ step, microseconds: yield* cost(iterations, effect) })
    }
    return { iterations, steps: out, operaCall } satisfies StepsResult
  }).pipe(Effect.scoped)

/**
 * The parts of one OPERA call, each on its own. The sandbox's own work is the
 * difference between a plain fetch to the sandbox and a plain fetch to a
 * node:http server that answers the same bytes without doing anything.
 */
const operaCallParts = (sandbox: Sandbox, reservationId: string) =>
  Effect.gen(function*() {
    const tokens = yield* TokenCache
    const throttle = yield* UpstreamThrottle
    const breaker = yield* makeCircuitBreaker({ failureThreshold: 5, coolDownMs: 30_000 })
    const http = (yield* HttpClient.HttpClient).pipe(
      HttpClient.withTracerPropagation(false),
      HttpClient.withTracerDisabledWhen(() => true)
    )
    const request = getReservation({ hotelId: sandbox.hotelId, reservationId })
    const token = Redacted.value(yield* tokens.get)
    const headers = {
      authorization: `Bearer ${token}`,
      "x-app-key": Redacted.value(sandbox.credentials.appKey),
      "x-hotelid": sandbox.hotelId,
      accept: "application/json"
    }
    const sandboxUrl = sandbox.baseUrl + requestPath(request)
    const fetchText = (url: string) =>
      Effect.promise(() => fetch(url, { headers }).then((response) => response.text()))
    const text = yield* fetchText(sandboxUrl)
    // A server that answers the sandbox's bytes and does nothing else: the loopback and client cost alone.
    const echo = yield* Effect.acquireRelease(
      Effect.async<{ readonly url: string; readonly close: () => void }>((resume) => {
        const server = createServer((_, response) => {
          response.writeHead(200, { "content-type": "application/json;charset=UTF-8" })
          response.end(text)
        })
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          resume(Effect.succeed({ url: `http://127.0.0.1:${port}${requestPath(request)}`, close: () => server.close() }))
        })
      }),
      (server) => Effect.sync(server.close)
    )
    const platformText = (url: string) =>
      http.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headers))).pipe(
        Effect.flatMap((response) => response.text)
      )
    // The client OperaClient sends OHIP requests with (node:http, one async and one timer fiber per request).
    const transport = yield* OperaTransport
    const transportText = (url: string) =>
      transport.request({ method: "GET", url: new URL(url), headers, timeoutMs: 30_000 }).pipe(
        Effect.map((answer) => answer.body)
      )
    const parsed = JSON.parse(text) as unknown
    const decode = Schema.decodeUnknown(GetReservationResponse)
    const envelope = yield* decode(parsed)
    const parts: Array<readonly [string, Effect.Effect<unknown, unknown>]> = [
      ["breaker admit + succeeded", breaker.admit.pipe(Effect.zipRight(breaker.succeeded))],
      ["upstream throttle take", throttle.take],
      ["token (cached)", tokens.get],
      ["fetch to a do-nothing server (loopback + undici, the bare server's client)", fetchText(echo.url)],
      ["platform HttpClient to the do-nothing server (loopback + our client)", platformText(echo.url)],
      ["fetch to the sandbox (the sandbox's own work + loopback + undici)", fetchText(sandboxUrl)],
      ["platform HttpClient to the sandbox", platformText(sandboxUrl)],
      ["OperaTransport to the do-nothing server", transportText(echo.url)],
      ["OperaTransport to the sandbox", transportText(sandboxUrl)],
      [`JSON.parse of the body (${text.length.toLocaleString("en-US")} bytes)`, Effect.sync(() => JSON.parse(text))],
      ["Schema decode of the body (GetReservationResponse)", Effect.suspend(() => decode(parsed))],
      ["mapping to the tool's reservation", Effect.sync(() => reservationFromEnvelope(envelope))]
    ]
    return parts
  }).pipe(
    Effect.provide(Layer.merge(
      layerWithoutAgent.pipe(Layer.provide(makeAgentLayer({ keepAlive: true }))),
      OperaTransport.Default
    ))
  )

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
  const width = Math.max(...[...result.steps, ...result.operaCall].map((entry) => entry.step.length))
  const line = (entry: StepCost, indent: string) =>
    `${indent}${entry.step.padEnd(width + 2 - indent.length)}  ${entry.microseconds.toFixed(1).padStart(8)} µs`
  const fetchOf = (prefix: string) => result.operaCall.find((entry) => entry.step.startsWith(prefix))?.microseconds
  const toSandbox = fetchOf("fetch to the sandbox")
  const toNothing = fetchOf("fetch to a do-nothing")
  const sandboxOwn = toSandbox === undefined || toNothing === undefined ? [] : [
    `    = the sandbox's own work (fetch to the sandbox − fetch to the do-nothing server): ${
      (toSandbox - toNothing).toFixed(1)
    } µs; it runs in the bench's process, not the server's, in the ratio figure`
  ]
  return [
    `pipeline steps, in process (median CPU µs per operation, user + system, ${result.iterations} operations each):`,
    ...result.steps.map((entry) => line(entry, "  ")),
    "  the OPERA call, part by part:",
    ...result.operaCall.map((entry) => line(entry, "    ")),
    ...sandboxOwn
  ].join("\n")
}
