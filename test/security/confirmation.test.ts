import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, FastCheck as fc, TestClock } from "effect"
import { Confirmation } from "../../src/security/Confirmation.js"
import type { CallContextShape } from "../../src/tools/CallContext.js"
import type { ToolInfo } from "../../src/tools/ToolInfo.js"

const tool = (name: string, destructive: boolean): ToolInfo => ({
  name,
  domain: "reservations",
  annotations: { title: name, readOnlyHint: !destructive, destructiveHint: destructive, idempotentHint: false, openWorldHint: true },
  touchesGuestData: true
})
const cancel = tool("cancel_reservation", true)
const checkOut = tool("check_out_guest", true)
const search = tool("search_reservations", false)
const desk: CallContextShape = { clientId: "claude-desktop#1", transport: "stdio" }
const other: CallContextShape = { clientId: "cursor#2", transport: "stdio" }
const args = { hotelId: "HOTEL1", reservationId: "123456", reason: { code: "GUEST", note: "changed plans" } }

const withConfirmation = <A, E>(program: (confirmation: Confirmation) => Effect.Effect<A, E>, settings: Record<string, string> = {}) =>
  Confirmation.pipe(
    Effect.flatMap(program),
    Effect.provide(Confirmation.Default),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))
  )

const askFor = (confirmation: Confirmation, ctx: CallContextShape, toolInfo: ToolInfo, callArgs: unknown) =>
  Effect.flip(confirmation.gate(ctx, toolInfo, callArgs, Effect.succeed("Cancels reservation 123456 (arrival 2025-06-01)."))).pipe(
    Effect.flatMap((answer) => answer._tag === "ConfirmationRequired" ? Effect.succeed(answer) : Effect.die(answer))
  )

describe("Confirmation", () => {
  it.effect("a destructive call first answers with a summary and a single-use token", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        yield* confirmation.gate(desk, search, args, Effect.die("a read-only tool needs no summary"))
        const answer = yield* askFor(confirmation, desk, cancel, args)
        expect(answer.summary).toBe("Cancels reservation 123456 (arrival 2025-06-01).")
        expect(answer.expiresAt).toBe(300_000)
        expect(answer.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
        expect(answer.message).toContain(answer.token)
        expect(answer.message).toContain("confirmationToken")
        expect(answer.message).toContain("1970-01-01T00:05:00")
        const again = yield* askFor(confirmation, desk, cancel, args)
        expect(again.token).not.toBe(answer.token)

        // Same call, keys in another order, plus the token: goes ahead once.
        const confirmed = { reason: { note: "changed plans", code: "GUEST" }, reservationId: "123456", hotelId: "HOTEL1" }
        yield* confirmation.gate(desk, cancel, { ...confirmed, confirmationToken: answer.token }, Effect.die("no summary"))
        const reused = yield* Effect.flip(confirmation.consume(desk, cancel, args, answer.token))
        expect(reused).toMatchObject({ _tag: "ConfirmationInvalid", reason: "reused" })
        expect(reused.message).toContain("again without \"confirmationToken\"")
      })))

  it.effect("a token confirms only its own client, tool and arguments, and is not burnt by a mismatch", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        const { token } = yield* askFor(confirmation, desk, cancel, args)
        const changed = { ...args, reservationId: "999999" }
        expect(yield* Effect.flip(confirmation.consume(desk, cancel, changed, token))).toMatchObject({ reason: "arguments_changed" })
        expect(yield* Effect.flip(confirmation.consume(other, cancel, args, token))).toMatchObject({ reason: "other_client" })
        const wrongTool = yield* Effect.flip(confirmation.consume(desk, checkOut, args, token))
        expect(wrongTool).toMatchObject({ reason: "other_tool" })
        expect(wrongTool.message).toContain("issued for cancel_reservation")
        expect(yield* Effect.flip(confirmation.consume(desk, cancel, args, "forged-token"))).toMatchObject({ reason: "unknown" })
        expect(yield* Effect.flip(confirmation.consume(desk, cancel, args, withLastCharacterChanged(token)))).toMatchObject({
          reason: "unknown"
        })
        // The same 32 bytes spelled differently (the last character's spare bits) are another token, not this one.
        const respelled = otherSpellingOfSameBytes(token)
        expect(respelled).not.toBe(token)
        expect(Buffer.from(respelled, "base64url").equals(Buffer.from(token, "base64url"))).toBe(true)
        expect(yield* Effect.flip(confirmation.consume(desk, cancel, args, respelled))).toMatchObject({ reason: "unknown" })
        yield* confirmation.consume(desk, cancel, args, token)
      })))

  it.effect("a token expires after the TTL (Clock), then is forgotten", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        const first = yield* askFor(confirmation, desk, cancel, args)
        expect(first.expiresAt).toBe(60_000)
        yield* TestClock.adjust(30_000)
        const second = yield* askFor(confirmation, desk, cancel, args)
        yield* TestClock.adjust(30_000)
        const expired = yield* Effect.flip(confirmation.consume(desk, cancel, args, first.token))
        expect(expired).toMatchObject({ reason: "expired" })
        expect(expired.message).toContain("expired")
        yield* confirmation.consume(desk, cancel, args, second.token)
        yield* TestClock.adjust(60_000)
        yield* askFor(confirmation, desk, cancel, args) // prunes what expired a TTL ago
        expect(yield* Effect.flip(confirmation.consume(desk, cancel, args, first.token))).toMatchObject({ reason: "unknown" })
      }), { OPERA_MCP_CONFIRMATION_TTL_SECONDS: "60" }))

  it.effect("switched off, destructive calls go straight through", () =>
    withConfirmation((confirmation) =>
      Effect.gen(function*() {
        expect(confirmation.required).toBe(false)
        yield* confirmation.gate(desk, cancel, args, Effect.die("no summary when confirmations are off"))
      }), { OPERA_MCP_REQUIRE_CONFIRMATION: "false" }))

  it.effect.prop(
    "the binding ignores key order at every depth but not any change of value",
    { callArgs: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }) },
    ({ callArgs }) =>
      withConfirmation((confirmation) =>
        Effect.gen(function*() {
          const { token } = yield* askFor(confirmation, desk, cancel, callArgs)
          const extra = { ...callArgs, __added: "x" }
          expect(yield* Effect.flip(confirmation.consume(desk, cancel, extra, token))).toMatchObject({
            reason: "arguments_changed"
          })
          yield* confirmation.consume(desk, cancel, reversed(callArgs), token)
        }))
  )
})

const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// A forgery that differs from the real token whatever its last character is.
const withLastCharacterChanged = (token: string) => {
  const last = base64url.indexOf(token.at(-1)!)
  return token.slice(0, -1) + base64url[(last + 32) % 64]
}

// 32 bytes take 43 base64url characters, 258 bits: the last character's two low bits are spare, and a lenient
// decoder ignores them. Flipping them spells the same bytes another way.
const otherSpellingOfSameBytes = (token: string) => {
  const last = base64url.indexOf(token.at(-1)!)
  return token.slice(0, -1) + base64url[last ^ 0b01]
}

const reversed = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reversed)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).reverse().map(([key, child]) => [key, reversed(child)]))
  }
  return value
}
