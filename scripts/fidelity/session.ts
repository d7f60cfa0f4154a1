import { Cause, Context, Effect, Exit, Layer, Option, Ref, Schema } from "effect"
import { OperaClient } from "../../src/connectors/opera/client/OperaClient.js"
import type { OperaRequest } from "../../src/connectors/opera/client/OperaRequest.js"
import { AppLayer } from "../../src/Runtime.js"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"
import type { Exchange } from "../../src/connectors/opera/sandbox/traffic.js"
import type { CallContextShape } from "../../src/tools/CallContext.js"
import { CallContext } from "../../src/tools/CallContext.js"
import type { ToolInfo } from "../../src/tools/ToolInfo.js"
import { OperaConnector } from "../../src/connectors/opera/OperaConnector.js"
import { ToolRegistry } from "../../src/tools/ToolRegistry.js"
import { routeMap } from "../../src/connectors/opera/sandbox/routeTable.js"
import type { FidelityReport } from "./audit.js"
import { auditCapture } from "./audit.js"
import { makeOhipSpecs, OhipSpecUnreadable } from "./ohip/specs.js"
import { explicitScenarios } from "./scenarios/explicit.js"
import { fixturesFrom } from "./scenarios/fixtures.js"
import type { ToolScenario } from "./scenarios/generic.js"
import { genericScenarios } from "./scenarios/generic.js"

/**
 * The fidelity run's traffic: the app exactly as `serve --sandbox` composes
 * it (AppLayer), every tool of the registry called through `dispatch` (the
 * security pipeline) with generic and explicit scenarios (destructive ones confirmed
 * with the token the first call hands out), the OperaClient wrapped only to
 * note which request and response Schema each call used. What the sandbox
 * received and answered is then read from its traffic log.
 */
export interface ClientCall {
  readonly request: OperaRequest
  /** The Schema the client decoded the answer with. */
  readonly response: Schema.Schema<unknown, unknown, never>
  /** "ok", or the tag of the OperaError the call failed with. */
  readonly outcome: string
}

export interface ToolRun {
  readonly tool: string
  readonly label: string
  readonly isError: boolean
  readonly confirmed: boolean
  /** The call ended in a defect (a bug of the tool). */
  readonly died: boolean
}

export interface FidelityCapture {
  readonly exchanges: ReadonlyArray<Exchange>
  readonly clientCalls: ReadonlyArray<ClientCall>
  readonly toolRuns: ReadonlyArray<ToolRun>
  readonly tools: ReadonlyArray<ToolInfo>
  /** Explicit scenarios for tools the registry does not have. */
  readonly strayScenarios: ReadonlyArray<string>
  readonly credentials: Sandbox["credentials"]
  readonly enterpriseId: string | undefined
}

const confirmationTokenIn = (text: string) => /"confirmationToken": "([A-Za-z0-9_-]+)"/.exec(text)?.[1]

const failureTag = (exit: Exit.Exit<unknown, { readonly _tag: string }>) =>
  Exit.isSuccess(exit)
    ? "ok"
    : Option.match(Cause.failureOption(exit.cause), { onNone: () => "defect", onSome: (error) => error._tag })

/** Runs every tool against a fresh sandbox and returns what was sent and answered. */
export const captureFidelityTraffic = Effect.scoped(Effect.gen(function*() {
  const context = yield* Layer.build(AppLayer({ _tag: "Sandbox", options: { trafficCapacity: 1_000_000 } }))
  // AppLayer's type names only OperaConnection for the connection part; in Sandbox mode the Sandbox is merged in too.
  const sandbox = yield* Option.match(Context.getOption(context, Sandbox), {
    onNone: () => Effect.dieMessage("AppLayer({ _tag: \"Sandbox\" }) did not provide the Sandbox"),
    onSome: Effect.succeed
  })
  const client = Context.get(context, OperaClient)
  const calls = yield* Ref.make<ReadonlyArray<ClientCall>>([])
  const recording = OperaClient.make({
    breakerState: client.breakerState,
    execute: <A, I>(request: OperaRequest, response: Schema.Schema<A, I, never>) =>
      client.execute(request, response).pipe(Effect.onExit((exit) =>
        Ref.update(calls, (all) => [...all, {
          request,
          response: Schema.make<unknown, unknown, never>(response.ast),
          outcome: failureTag(exit)
        }])
      ))
  })
  // The registry as AppLayer builds it, over the same services but the recording client (the connector binds its
  // tools to the client it is built with, so it is built again too).
  const registry = Context.get(
    yield* Layer.build(ToolRegistry.Default.pipe(Layer.provideMerge(OperaConnector))).pipe(
      Effect.provide(Context.add(context, OperaClient, recording))
    ),
    ToolRegistry
  )

  const fixtures = fixturesFrom(yield* sandbox.snapshot, sandbox.hotelId)
  const explicit = explicitScenarios(fixtures)
  const scenarios: ReadonlyArray<ToolScenario> = registry.tools.flatMap((tool) => [
    ...genericScenarios(tool, fixtures),
    ...(explicit[tool.name] ?? []).map((scenario) => ({ ...scenario, tool: tool.name }))
  ])

  const runs: Array<ToolRun> = []
  for (const [index, scenario] of scenarios.entries()) {
    const tool = registry.tools.find((candidate) => candidate.name === scenario.tool)
    if (tool === undefined) continue
    // One client per scenario: rate limits and lockouts are per client, and this run is not an attack.
    const ctx: CallContextShape = { clientId: `fidelity#${index}`, transport: "stdio" }
    const call = (args: Readonly<Record<string, unknown>>) =>
      registry.dispatch(tool.name, args).pipe(
        Effect.provideService(CallContext, ctx),
        // A tool that dies is a bug of that tool, not of OHIP fidelity: noted, and the run goes on.
        Effect.catchAllDefect(() => Effect.succeed({ isError: true, text: "", died: true } as const))
      )
    const first = yield* call(scenario.args)
    const token = first.isError ? confirmationTokenIn(first.text) : undefined
    const outcome = token === undefined ? first : yield* call({ ...scenario.args, confirmationToken: token })
    runs.push({
      tool: tool.name,
      label: scenario.label,
      isError: outcome.isError,
      confirmed: token !== undefined,
      died: "died" in outcome
    })
  }

  return {
    exchanges: yield* sandbox.traffic,
    clientCalls: yield* Ref.get(calls),
    toolRuns: runs,
    tools: registry.tools,
    strayScenarios: Object.keys(explicit).filter((name) => !registry.tools.some((tool) => tool.name === name)),
    credentials: sandbox.credentials,
    enterpriseId: Option.getOrUndefined(sandbox.connection.enterpriseId)
  } satisfies FidelityCapture
}))

/**
 * The whole fidelity suite as one Effect: every spec the sandbox or a tool
 * uses is read first (a missing or unparsable file fails the run, naming the
 * file), then the tools run against a fresh sandbox and every check runs
 * over what was captured. `npm run fidelity` and the vitest suite both call it.
 */
// Spec files are read synchronously and throw OhipSpecUnreadable; anything else thrown is a bug of the suite.
const specFailures = <A>(run: () => A): Effect.Effect<A, OhipSpecUnreadable> =>
  Effect.try({ try: run, catch: (error) => error }).pipe(
    Effect.catchAll((error) => error instanceof OhipSpecUnreadable ? Effect.fail(error) : Effect.die(error))
  )

export const runFidelity = (specsDir: string): Effect.Effect<FidelityReport, OhipSpecUnreadable> =>
  Effect.gen(function*() {
    const specs = makeOhipSpecs(specsDir)
    const loadAll = (modules: Iterable<string>) =>
      specFailures(() => {
        for (const module of modules) specs.load(module)
      })
    yield* loadAll(new Set(routeMap.map((route) => route.module)))
    const capture = yield* captureFidelityTraffic.pipe(Effect.orDie)
    yield* loadAll(new Set(capture.tools.flatMap((tool) => (tool.operations ?? []).map((operation) => operation.split(".")[0] ?? ""))))
    return yield* specFailures(() => auditCapture(specs, capture, routeMap))
  })
