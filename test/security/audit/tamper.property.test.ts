import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import fc from "fast-check"
import type { AuditEventInput } from "../../../src/security/audit/model.js"
import { toCheckpointFile } from "../../../src/security/audit/checkpoints.js"
import { verifyChain } from "../../../src/security/audit/verify.js"
import { dropTriggers, openCore } from "./core.js"
import { freshKey } from "./fixtures.js"

const text = fc.string({ minLength: 1, maxLength: 12 })
const event: fc.Arbitrary<AuditEventInput> = fc.record({
  kind: fc.constantFrom("tool_call", "tool_intent", "tool_outcome", "auth", "security", "admin"),
  clientId: text,
  tool: fc.option(text, { nil: undefined }),
  hotelId: fc.option(text, { nil: undefined }),
  objectIds: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
  outcome: fc.constantFrom("success", "failure", "refused", "pending"),
  riskScore: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  riskLevel: fc.option(fc.constantFrom("low", "medium", "high"), { nil: undefined }),
  durationMs: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: undefined }),
  errorTag: fc.option(text, { nil: undefined }),
  correlationId: fc.option(fc.uuid(), { nil: undefined }),
  sensitive: fc.option(
    fc.record({ emails: fc.array(fc.emailAddress(), { maxLength: 2 }), details: text }, { requiredKeys: [] }),
    { nil: undefined }
  )
}, { requiredKeys: ["kind", "clientId", "outcome"] })

const columns = [
  "occurred_at", "kind", "outcome", "client_ref", "tool", "hotel_id", "risk_score", "risk_level", "duration_ms",
  "error_tag", "correlation_id", "key_id", "sealed", "mac"
] as const
const contentColumns = columns.join(", ")

type Tamper =
  | { readonly _tag: "flip"; readonly row: number; readonly column: typeof columns[number]; readonly at: number }
  | { readonly _tag: "delete"; readonly row: number }
  | { readonly _tag: "swap"; readonly row: number; readonly other: number }
  | { readonly _tag: "truncate"; readonly row: number }
  | { readonly _tag: "replay"; readonly row: number; readonly sameKey: boolean }

const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ _tag: fc.constant("flip" as const), row: fc.nat(), column: fc.constantFrom(...columns), at: fc.nat() }),
  fc.record({ _tag: fc.constant("delete" as const), row: fc.nat() }),
  fc.record({ _tag: fc.constant("swap" as const), row: fc.nat(), other: fc.nat() }),
  fc.record({ _tag: fc.constant("truncate" as const), row: fc.nat() }),
  fc.record({ _tag: fc.constant("replay" as const), row: fc.nat(), sameKey: fc.boolean() })
)

/** A log with `events`, a final checkpoint (as at shutdown) and that checkpoint exported. */
const writeLog = (events: ReadonlyArray<AuditEventInput>, key: string) =>
  Effect.gen(function*() {
    const core = yield* openCore({ key })
    for (const item of events) yield* core.journal.append(item)
    yield* core.journal.checkpoint
    const signed = yield* core.context.store.lastCheckpoint
    const exported = Option.map(signed, (row) => toCheckpointFile(core.context.signer, core.context.logId, row, null))
    return { core, exported: Option.toArray(exported) }
  })

const changed = (value: unknown, at: number): unknown => {
  if (value === null) return 1
  if (typeof value === "number") return value + 1
  if (typeof value === "string") {
    if (value.length === 0) return "x"
    const index = at % value.length
    return value.slice(0, index) + String.fromCharCode(value.charCodeAt(index) ^ 1) + value.slice(index + 1)
  }
  const bytes = Buffer.from(value as Uint8Array)
  bytes[at % bytes.length] = bytes[at % bytes.length]! ^ 0x01
  return bytes
}

describe("verify under tampering (property)", () => {
  it.live("an untouched log always verifies", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.array(event, { maxLength: 25 }), (events) =>
          Effect.runPromise(Effect.scoped(Effect.gen(function*() {
            const { core, exported } = yield* writeLog(events, freshKey())
            const result = yield* verifyChain(core.context, { checkpoints: exported })
            expect(result.failure).toBeUndefined()
            expect(result.ok).toBe(true)
            expect(result.rowsChecked).toBe(events.length)
          })))),
        { numRuns: 200 }
      )
    ), 120_000)

  it.live("every tamper is detected at the right sequence, with the right kind of damage", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.array(event, { minLength: 2, maxLength: 25 }), tamper, (events, damage) =>
          Effect.runPromise(Effect.scoped(Effect.gen(function*() {
            const key = freshKey()
            const { core, exported } = yield* writeLog(events, key)
            const { sql } = core.context.store
            yield* dropTriggers(core)
            const count = events.length
            const row = (damage.row % count) + 1
            let expected: { readonly sequence: number; readonly damage: string }

            switch (damage._tag) {
              case "flip": {
                const [current] = yield* sql<Record<string, unknown>>`SELECT ${sql(damage.column)} AS value
                  FROM audit_events WHERE sequence = ${row}`
                yield* sql.unsafe(`UPDATE audit_events SET ${damage.column} = ? WHERE sequence = ?`, [
                  changed(current?.value ?? null, damage.at),
                  row
                ])
                expected = { sequence: row, damage: "changed" }
                break
              }
              case "delete": {
                yield* sql`DELETE FROM audit_events WHERE sequence = ${row}`
                expected = { sequence: row, damage: row === count ? "truncated" : "deleted" }
                break
              }
              case "swap": {
                const other = ((row - 1 + 1 + (damage.other % (count - 1))) % count) + 1
                const [low, high] = [Math.min(row, other), Math.max(row, other)]
                yield* sql`UPDATE audit_events SET sequence = -1 WHERE sequence = ${low}`
                yield* sql`UPDATE audit_events SET sequence = ${low} WHERE sequence = ${high}`
                yield* sql`UPDATE audit_events SET sequence = ${high} WHERE sequence = -1`
                expected = { sequence: low, damage: "reordered" }
                break
              }
              case "truncate": {
                // The attacker also removes the db's own checkpoints: only the exported one is left.
                yield* sql`DELETE FROM audit_events WHERE sequence >= ${row}`
                yield* sql`DELETE FROM audit_checkpoints WHERE sequence >= ${row}`
                expected = { sequence: row, damage: "truncated" }
                break
              }
              case "replay": {
                const other = yield* writeLog(events, damage.sameKey ? key : freshKey())
                const [foreign] = yield* other.core.context.store.sql<Record<string, unknown>>`
                  SELECT ${sql.literal(contentColumns)} FROM audit_events WHERE sequence = ${row}`
                yield* sql`DELETE FROM audit_events WHERE sequence = ${row}`
                yield* sql.unsafe(
                  `INSERT INTO audit_events (sequence, ${contentColumns}) VALUES (?, ${columns.map(() => "?").join(", ")})`,
                  [row, ...columns.map((column) => foreign?.[column] ?? null)]
                )
                expected = { sequence: row, damage: "changed" }
                break
              }
            }
            const result = yield* verifyChain(core.context, { checkpoints: exported })
            expect(result.ok).toBe(false)
            expect({ sequence: result.failure?.sequence, damage: result.failure?.damage }).toEqual(expected)
          })))),
        { numRuns: 1000 }
      )
    ), 300_000)
})
