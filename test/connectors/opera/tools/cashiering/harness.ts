import { Effect } from "effect"
import { AppLayer } from "../../../../../src/Runtime.js"
import { CallContext } from "../../../../../src/tools/CallContext.js"
import type { ToolCallOutcome } from "../../../../../src/tools/ToolCallOutcome.js"
import { ToolRegistry } from "../../../../../src/tools/ToolRegistry.js"

/**
 * The real runtime against an embedded sandbox: every call goes through the
 * whole pipeline (policy, limits, decoding, audit, redaction) to OHIP routes.
 * Confirmation is switched off by the test file's environment where a test
 * does not exercise that step.
 */
export const desk = { clientId: "vitest#cashier", transport: "stdio" } as const

export const runtimeLayer = () => AppLayer({ _tag: "Sandbox" })

/** Runs one tool call; the outcome is what an MCP client would see. */
export const call = (name: string, args: Record<string, unknown>, clientId: string = desk.clientId) =>
  ToolRegistry.pipe(
    Effect.flatMap((registry) => registry.dispatch(name, args)),
    Effect.provideService(CallContext, { ...desk, clientId })
  ) as Effect.Effect<ToolCallOutcome, never, ToolRegistry>

/** A call whose arguments are meant to be refused: under its own client id, so refusals never add up to a lockout. */
let refusals = 0
export const refused = (name: string, args: Record<string, unknown>) => call(name, args, `vitest#refusal-${++refusals}`)

/** The structured content of a successful call; fails the test with the message otherwise. */
export const ok = (name: string, args: Record<string, unknown>) =>
  call(name, args).pipe(
    Effect.flatMap((outcome) =>
      outcome.isError ? Effect.dieMessage(`${name} failed: ${outcome.text}`) : Effect.succeed(outcome)
    )
  )

