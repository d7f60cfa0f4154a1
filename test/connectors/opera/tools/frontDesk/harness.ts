import { expect } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import { AppLayer } from "../../../../../src/Runtime.js"
import { Sandbox } from "../../../../../src/connectors/opera/sandbox/Sandbox.js"
import { CallContext } from "../../../../../src/tools/CallContext.js"
import type { ToolCallOutcome } from "../../../../../src/tools/ToolCallOutcome.js"
import { ToolRegistry } from "../../../../../src/tools/ToolRegistry.js"

/**
 * The real runtime against an embedded sandbox, for the front desk and
 * housekeeping tools: every call goes through the whole pipeline (policy,
 * limits, decoding, confirmation, audit, redaction) to the OHIP routes. The
 * TestClock is set to a fixed morning first, so the sandbox's business date
 * and the tools' "today" are the same known day.
 */
export const businessDate = "2025-06-10"
const morning = Date.UTC(2025, 5, 10, 9, 0, 0)

const desk = { clientId: "vitest#front-desk", transport: "stdio" } as const

export type Desk = ToolRegistry

/** The sandbox the runtime started (AppLayer provides it in Sandbox mode, though its type cannot say so). */
export const theSandbox = Effect.serviceOption(Sandbox).pipe(
  Effect.flatMap(Option.match({ onNone: () => Effect.dieMessage("the runtime runs without a sandbox"), onSome: Effect.succeed }))
)

/** Runs `body` against a fresh runtime and sandbox. */
export const atTheDesk = <A, E>(body: Effect.Effect<A, E, Desk>) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(morning)
    return yield* body.pipe(Effect.provide(AppLayer({ _tag: "Sandbox" })))
  })

/** One tool call; the outcome is what an MCP client would see. */
export const call = (name: string, args: Record<string, unknown>) =>
  ToolRegistry.pipe(
    Effect.flatMap((registry) => registry.dispatch(name, args)),
    Effect.provideService(CallContext, desk)
  ) as Effect.Effect<ToolCallOutcome, never, ToolRegistry>

/** The structured content of a successful call; fails the test with the message otherwise. */
export const ok = (name: string, args: Record<string, unknown>) =>
  call(name, args).pipe(
    Effect.flatMap((outcome) =>
      outcome.isError ? Effect.dieMessage(`${name} failed: ${outcome.text}`) : Effect.succeed(outcome)
    ),
    Effect.map((outcome) => ({ text: outcome.text, data: outcome.structured as any }))
  )

/** A call that must fail; returns the message the user would read. */
export const refused = (name: string, args: Record<string, unknown>) =>
  call(name, args).pipe(
    Effect.map((outcome) => {
      expect(outcome.isError, outcome.text).toBe(true)
      return outcome.text
    })
  )

/** A room of the type that is free and ready tonight, according to the sandbox's own state. */
export const readyRoom = (roomType: string) =>
  Effect.gen(function*() {
    const sandbox = yield* theSandbox
    const rooms = (yield* ok("list_rooms", { statuses: ["Clean", "Inspected"], frontOfficeStatus: "Vacant", roomType, limit: 200 })).data.rooms as Array<any>
    const taken = new Set([...(yield* sandbox.snapshot).reservations.values()]
      .filter((reservation) => reservation.status === "InHouse" || reservation.status === "Reserved")
      .flatMap((reservation) => reservation.roomId === undefined ? [] : [reservation.roomId]))
    const room = rooms.find((candidate) => !taken.has(candidate.roomNumber))
    expect(room).toBeDefined()
    return String(room.roomNumber)
  })
