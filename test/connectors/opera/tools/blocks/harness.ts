import { Effect } from "effect"
import { AppLayer } from "../../../../../src/Runtime.js"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { CallContext } from "../../../../../src/tools/CallContext.js"
import type { ToolCallOutcome } from "../../../../../src/tools/ToolCallOutcome.js"
import { ToolRegistry } from "../../../../../src/tools/ToolRegistry.js"

/**
 * The real runtime against an embedded sandbox, for the block and activity
 * tools: every call runs the whole pipeline (policy, limits, decoding,
 * audit, redaction) down to the OHIP routes.
 */
export const runtimeLayer = () => AppLayer({ _tag: "Sandbox" })

export const withRuntime = <A, E>(effect: Effect.Effect<A, E, any>) =>
  effect.pipe(Effect.provide(runtimeLayer())) as Effect.Effect<A, E>

export const call = (name: string, args: Record<string, unknown>, clientId = "vitest#groups") =>
  ToolRegistry.pipe(
    Effect.flatMap((registry) => registry.dispatch(name, args)),
    Effect.provideService(CallContext, { clientId, transport: "stdio" })
  ) as Effect.Effect<ToolCallOutcome, never, ToolRegistry>

/** A call expected to be refused, under its own client id so refusals never add up to a lockout. */
let refusals = 0
export const refused = (name: string, args: Record<string, unknown>) =>
  call(name, args, `vitest#groups-refusal-${++refusals}`).pipe(
    Effect.flatMap((outcome) => outcome.isError ? Effect.succeed(outcome) : Effect.dieMessage(`${name} unexpectedly succeeded: ${outcome.text}`))
  )

/** The structured content of a successful call; fails the test with the message otherwise. */
export const ok = (name: string, args: Record<string, unknown>): Effect.Effect<{ readonly text: string; readonly data: any }, never, ToolRegistry> =>
  call(name, args).pipe(
    Effect.flatMap((outcome) =>
      outcome.isError ? Effect.dieMessage(`${name} failed: ${outcome.text}`) : Effect.succeed({ text: outcome.text, data: outcome.structured })
    )
  )

export const sandbox = Sandbox
