import { Effect } from "effect"
import { AppLayer } from "../../../../../src/Runtime.js"
import type { StoredReservationStatus } from "../../../../../src/connectors/opera/sandbox/property.js"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { CallContext } from "../../../../../src/tools/CallContext.js"
import type { ToolCallOutcome } from "../../../../../src/tools/ToolCallOutcome.js"
import { ToolRegistry } from "../../../../../src/tools/ToolRegistry.js"

/**
 * The real runtime against an embedded sandbox, for the reservation and
 * guest extras tools: every call runs the whole pipeline to OHIP routes.
 */
export const withRuntime = <A, E>(effect: Effect.Effect<A, E, ToolRegistry | Sandbox>) =>
  effect.pipe(Effect.provide(AppLayer({ _tag: "Sandbox" }))) as Effect.Effect<A, E>

let callers = 0

/** One tool call under its own client id, so expected refusals never add up to a lockout. */
export const call = (name: string, args: Record<string, unknown>) =>
  ToolRegistry.pipe(
    Effect.flatMap((registry) => registry.dispatch(name, args)),
    Effect.provideService(CallContext, { clientId: `vitest#extras-${++callers}`, transport: "stdio" })
  ) as Effect.Effect<ToolCallOutcome, never, ToolRegistry>

/** The structured content of a successful call; fails the test with the message otherwise. */
export const ok = (name: string, args: Record<string, unknown>) =>
  call(name, args).pipe(
    Effect.flatMap((outcome) => outcome.isError ? Effect.dieMessage(`${name} failed: ${outcome.text}`) : Effect.succeed(outcome))
  )

/** A call that must fail; answers with the message the client sees. */
export const refusal = (name: string, args: Record<string, unknown>) =>
  call(name, args).pipe(
    Effect.flatMap((outcome) => outcome.isError ? Effect.succeed(outcome.text) : Effect.dieMessage(`${name} unexpectedly succeeded: ${outcome.text}`))
  )

export const structured = (outcome: { readonly structured?: unknown }): any => outcome.structured

/** Seeded reservations of the primary hotel in a status (rate plans without included packages). */
export const reservationsIn = (status: StoredReservationStatus) =>
  Sandbox.pipe(
    Effect.flatMap((sandbox) => sandbox.snapshot),
    Effect.map((snapshot) =>
      [...snapshot.reservations.values()].filter((entry) => entry.hotelId === "SAND01" && entry.status === status && entry.ratePlanCode !== "PKG")
    )
  )
