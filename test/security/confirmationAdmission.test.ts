import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
import { AppLayer } from "../../src/Runtime.js"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"
import { RateLimiter } from "../../src/security/RateLimiter.js"
import { StateStore } from "../../src/security/state/StateStore.js"
import { CallContext } from "../../src/tools/CallContext.js"
import { ToolRegistry } from "../../src/tools/ToolRegistry.js"

// The confirmation token's store step rides in the call's admission (one round trip to a shared store): these are
// the rules that must still hold through the whole pipeline, on the in-process store.
const previous = process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
beforeAll(() => {
  process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = "true"
})
afterAll(() => {
  if (previous === undefined) delete process.env["OPERA_MCP_REQUIRE_CONFIRMATION"]
  else process.env["OPERA_MCP_REQUIRE_CONFIRMATION"] = previous
})

const clientId = "vitest#confirmation-admission"
const call = (name: string, args: Record<string, unknown>) =>
  ToolRegistry.pipe(
    Effect.flatMap((registry) => registry.dispatch(name, args)),
    Effect.provideService(CallContext, { clientId, transport: "stdio" })
  )
const tokenIn = (text: string) => /"confirmationToken": "([^"]+)"/.exec(text)?.[1]

const reservedOne = Sandbox.pipe(
  Effect.flatMap((sandbox) => sandbox.snapshot),
  Effect.map((snapshot) =>
    [...snapshot.reservations.values()].find((entry) => entry.hotelId === "SAND01" && entry.status === "Reserved")
  ),
  Effect.flatMap(Effect.fromNullable),
  Effect.orDie
)
const statusOf = (reservationId: string) =>
  Sandbox.pipe(Effect.flatMap((sandbox) => sandbox.snapshot), Effect.map((snapshot) => snapshot.reservations.get(reservationId)?.status))

describe("a confirmation token kept or consumed in the call's admission", () => {
  it.live("a call refused at admission neither burns the token it carries nor gets one; the admitted call uses it once", () =>
    Effect.gen(function*() {
      const { reservationId } = yield* reservedOne
      const first = yield* call("cancel_reservation", { reservationId })
      const token = tokenIn(first.text)
      expect(token, first.text).toBeDefined()
      expect(yield* statusOf(reservationId)).toBe("Reserved")

      // Locked out: refused at admission, before the token's step, which is therefore not made.
      const limiter = yield* RateLimiter
      yield* limiter.lockOut(clientId, (yield* Clock.currentTimeMillis) + 60_000)
      const refused = yield* call("cancel_reservation", { reservationId, confirmationToken: token })
      expect(refused.isError).toBe(true)
      expect(refused.text).toContain("locked out")
      const unissued = yield* call("cancel_reservation", { reservationId })
      expect(unissued.isError).toBe(true)
      expect(tokenIn(unissued.text)).toBeUndefined()
      expect(yield* statusOf(reservationId)).toBe("Reserved")
      yield* (yield* StateStore).clearLockout(clientId)

      // Admitted: the token still works, once; a changed argument does not burn it first.
      const changed = yield* call("cancel_reservation", { reservationId: `${reservationId}9`, confirmationToken: token })
      expect(changed.text).toContain("The arguments differ from the ones this token confirms")
      const confirmed = yield* call("cancel_reservation", { reservationId, confirmationToken: token })
      expect(confirmed.isError, confirmed.text).toBeFalsy()
      expect(yield* statusOf(reservationId)).toBe("Cancelled")
      const replayed = yield* call("cancel_reservation", { reservationId, confirmationToken: token })
      expect(replayed.text).toContain("This confirmation token was already used.")
    }).pipe(Effect.provide(AppLayer({ _tag: "Sandbox" }))) as Effect.Effect<void, unknown>)
})
