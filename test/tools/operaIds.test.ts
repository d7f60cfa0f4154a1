import { describe, expect, it } from "@effect/vitest"
import { Effect, JSONSchema, Schema } from "effect"
import { operaId } from "../../src/tools/fields.js"
import { invalidArguments } from "../../src/tools/InvalidArguments.js"
import { leanJsonSchema } from "../../src/tools/leanJsonSchema.js"

const Input = Schema.Struct({ reservationId: operaId("reservation", "Reservation id") })
const decode = Schema.decodeUnknown(Input)

describe("OPERA ids sent as numbers", () => {
  it.effect("a whole number becomes its digits; text ids stay as they are", () =>
    Effect.gen(function*() {
      expect(yield* decode({ reservationId: 500394 })).toEqual({ reservationId: "500394" })
      expect(yield* decode({ reservationId: "500394" })).toEqual({ reservationId: "500394" })
      expect(yield* decode({ reservationId: "SB-77" })).toEqual({ reservationId: "SB-77" })
    }))

  it.effect("fractions, negatives, huge numbers and odd text are refused with one clear message, not the value", () =>
    Effect.gen(function*() {
      for (const reservationId of [1.5, -3, 2 ** 60, "12 34", "", "x".repeat(21)]) {
        const error = invalidArguments("get_reservation", yield* Effect.flip(decode({ reservationId })))
        expect(error.message).toBe(
          "Invalid arguments for get_reservation: reservationId: must be an OPERA reservation id: digits (as a number or text), letters or -"
        )
      }
    }))

  it("the listed schema says a string or an integer", () => {
    const listed: Record<string, unknown> = leanJsonSchema({ ...JSONSchema.make(Input), type: "object" as const }, { output: false })
    expect(listed.properties).toEqual({ reservationId: { type: ["string", "integer"], description: "Reservation id" } })
  })
})
