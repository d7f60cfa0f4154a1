import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, TestClock } from "effect"
import { Confirmation } from "../../src/security/Confirmation.js"
import type { CallContextShape, ConfirmationForm, UserDecision } from "../../src/tools/CallContext.js"
import type { ToolInfo } from "../../src/tools/ToolInfo.js"

const cancel: ToolInfo = {
  name: "cancel_reservation",
  domain: "reservations",
  annotations: { title: "Cancel reservation", readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true
}
const args = { reservationId: "500123" }
const summary = Effect.succeed("Cancel reservation 500123 at hotel SAND01.")

const withConfirmation = <A, E>(program: (confirmation: Confirmation) => Effect.Effect<A, E>, settings: Record<string, string> = {}) =>
  Confirmation.pipe(
    Effect.flatMap(program),
    Effect.provide(Confirmation.Default),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))
  )

/** A caller whose client can ask its user, who answers `decision`; the forms it was shown are kept. */
const askingCaller = (decision: UserDecision) => {
  const shown: Array<ConfirmationForm> = []
  const ctx: CallContextShape = {
    clientId: "stdio#0000abcd",
    transport: "stdio",
    confirmWithUser: (form) => Effect.sync(() => shown.push(form)).pipe(Effect.as(decision))
  }
  return { ctx, shown }
}

describe("Confirmation by the user (elicitation)", () => {
  it.effect("accept: the call goes on, confirmed by the user, after a form saying what will change", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        const { ctx, shown } = askingCaller("accept")
        expect(yield* confirmation.gate(ctx, cancel, args, summary)).toBe("user")
        expect(shown.map((form) => form.summary)).toEqual(["Cancel reservation 500123 at hotel SAND01."])
      })
    ))

  it.effect("decline and cancel stop the call with ConfirmationDeclined", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        for (const decision of ["decline", "cancel"] as const) {
          const refusal = yield* Effect.flip(confirmation.gate(askingCaller(decision).ctx, cancel, args, summary))
          expect(refusal._tag).toBe("ConfirmationDeclined")
          expect(refusal.message).toContain("Nothing was changed")
        }
      })
    ))

  it.effect("token mode never asks; elicit-only refuses a client that cannot ask and issues no token", () =>
    Effect.gen(function*() {
      const { ctx, shown } = askingCaller("accept")
      const tokenMode = yield* withConfirmation((confirmation) => Effect.flip(confirmation.gate(ctx, cancel, args, summary)), {
        OPERA_MCP_CONFIRMATION_MODE: "token"
      })
      expect(tokenMode._tag).toBe("ConfirmationRequired")
      expect(shown).toHaveLength(0)
      const mute: CallContextShape = { clientId: "stdio#0000abcd", transport: "stdio" }
      const elicitOnly = yield* withConfirmation((confirmation) => Effect.flip(confirmation.gate(mute, cancel, args, summary)), {
        OPERA_MCP_CONFIRMATION_MODE: "elicit-only"
      })
      expect(elicitOnly._tag).toBe("ConfirmationUnavailable")
    }))

  it.effect("a read-only tool is not_required", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        const read: ToolInfo = { ...cancel, name: "get_reservation", annotations: { ...cancel.annotations, readOnlyHint: true, destructiveHint: false } }
        expect(yield* confirmation.gate(askingCaller("decline").ctx, read, args, Effect.die("no summary"))).toBe("not_required")
      })
    ))
})

describe("Confirmation rounds (2026-07-28 requestState)", () => {
  it.effect("a sealed round is redeemed once, for its own call, before it expires", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        const state = yield* confirmation.sealRound("binding-of-call-A")
        expect(yield* confirmation.redeemRound(state, "binding-of-call-B")).toBe(false)
        expect(yield* confirmation.redeemRound(state, "binding-of-call-A")).toBe(true)
        expect(yield* confirmation.redeemRound(state, "binding-of-call-A")).toBe(false)
        const late = yield* confirmation.sealRound("binding-of-call-A")
        yield* TestClock.adjust("301 seconds")
        expect(yield* confirmation.redeemRound(late, "binding-of-call-A")).toBe(false)
      })
    ))

  it.effect("a forged or re-spelled state is refused, and one sealed by another key is not accepted", () =>
    Effect.gen(function*() {
      const sealed = yield* withConfirmation((confirmation) => confirmation.sealRound("call"), {
        OPERA_MCP_REQUEST_STATE_KEY: "replica-key-one-0123456789abcdef"
      })
      const [payload, mac] = sealed.split(".")
      const forgedPayload = Buffer.from(JSON.stringify({ binding: "call", expiresAt: 9e15, nonce: "x" })).toString("base64url")
      yield* withConfirmation((confirmation) =>
        Effect.gen(function*() {
          expect(yield* confirmation.redeemRound(`${forgedPayload}.${mac}`, "call")).toBe(false)
          expect(yield* confirmation.redeemRound(`${payload}.${mac}=`, "call")).toBe(false)
          expect(yield* confirmation.redeemRound(`${payload}`, "call")).toBe(false)
          // The same key on another replica takes the answer.
          expect(yield* confirmation.redeemRound(sealed, "call")).toBe(true)
        }), { OPERA_MCP_REQUEST_STATE_KEY: "replica-key-one-0123456789abcdef" })
      const elsewhere = yield* withConfirmation((confirmation) => confirmation.redeemRound(sealed, "call"), {
        OPERA_MCP_REQUEST_STATE_KEY: "another-key-0123456789abcdef-xyz"
      })
      expect(elsewhere).toBe(false)
    }))
})
