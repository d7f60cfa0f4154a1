import { describe, expect, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { defectSummary, reportFailure } from "../../src/cli/exitReport.js"

describe("a command that dies of a bug", () => {
  it("logs the defect's kind and first line, credentials masked, and points the operator at that line", () =>
    Effect.gen(function*() {
      const logged: Array<string> = []
      const errors: Array<string> = []
      const original = console.error
      console.error = (...parts: Array<unknown>) => void errors.push(parts.join(" "))
      try {
        yield* reportFailure(Effect.die(new TypeError("Redis is not a constructor\n    at secret frame"))).pipe(
          Effect.exit,
          Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ annotations, message }) => {
            logged.push(JSON.stringify({ message, annotations: Object.fromEntries(annotations) }))
          })))
        )
      } finally {
        console.error = original
      }
      expect(logged.join("\n")).toContain("TypeError: Redis is not a constructor")
      expect(logged.join("\n")).not.toContain("secret frame")
      expect(errors).toEqual(["error: unexpected internal failure; see the JSON log line above"])
    }).pipe(Effect.runPromise))

  it("masks a URL's user and password and keeps the line short", () => {
    expect(defectSummary(new Error("connect failed for redis://ops:hunter2@127.0.0.1:6379"))).toBe(
      "Error: connect failed for redis://***@127.0.0.1:6379"
    )
    expect(defectSummary("plain text")).toBe("string: plain text")
    expect(defectSummary(new Error("x".repeat(1000))).length).toBeLessThanOrEqual(301)
  })
})
