import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { refusal, withRuntime } from "../connectors/opera/tools/reservations/harness.js"

// The fuzz run sent 20,000 numbers where room statuses belong: the message was built in quadratic time and the
// call held the event loop for a minute. It must come back at once (a quadratic build would pass the test timeout).
describe("invalid arguments at scale", () => {
  it.effect("20,000 wrong array items get one short message naming the first fields", () =>
    withRuntime(
      Effect.gen(function*() {
        const statuses = Array.from({ length: 20_000 }, (_, index) => index)
        const text = yield* refusal("list_rooms", { statuses })
        expect(text).toMatch(/^Invalid arguments for list_rooms: statuses\.0/)
        expect(text.length).toBeLessThan(4_100)
        expect(text.split("; ").length).toBeLessThanOrEqual(12)
      })
    ))
})
