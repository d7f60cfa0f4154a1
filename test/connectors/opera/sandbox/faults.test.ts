import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Option, Redacted, TestClock } from "effect"
import { Fault } from "../../../../src/connectors/opera/sandbox/faults.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, callOhip, definitionErrors, describeErrors, httpAttempt, requestToken } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const ping = "/rsv/v1/services/reservations/status"

/** Real-time pause for the network to move while the TestClock stands still. */
const breathe = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 5)))

describe("fault injection", () => {
  it.effect("a 5xx rule limited to N requests fails exactly N, with an OHIP body, then heals", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.status(503), times: 2 })
      const statuses: Array<number> = []
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = yield* callOhip(sandbox, token, "GET", ping)
        statuses.push(answer.status)
        if (answer.status === 503) {
          expect(describeErrors(definitionErrors("rsv", "exceptionDetailType", answer.json))).toBe("No errors")
        }
      }
      expect(statuses).toEqual([503, 503, 200])
      const faults = (yield* sandbox.traffic).filter((exchange) => exchange.route?.operationId === "pingReservationService")
        .map((exchange) => exchange.fault)
      expect(faults).toEqual(["Status", "Status", undefined])
    })))

  it.effect("429 carries Retry-After", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      yield* sandbox.faults.inject({ target: { operationId: "getProfiles" }, fault: Fault.rateLimited(7) })
      const answer = yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles")
      expect(answer.status).toBe(429)
      expect(answer.headers.get("retry-after")).toBe("7")
    })))

  it.effect("401 as if the token were bad, also on the token endpoint", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      yield* sandbox.faults.inject({ target: { operationId: "getReservation" }, fault: Fault.unauthorized, times: 1 })
      const path = `/rsv/v1/hotels/${sandbox.hotelId}/reservations/500001`
      expect((yield* callOhip(sandbox, token, "GET", path)).status).toBe(401)
      expect((yield* callOhip(sandbox, token, "GET", path)).status).toBe(200)
      yield* sandbox.faults.inject({ target: { operationId: "getToken" }, fault: Fault.unauthorized, times: 1 })
      expect((yield* requestToken(sandbox)).status).toBe(401)
      expect((yield* requestToken(sandbox)).status).toBe(200)
    })))

  it.effect("a connection reset gives the client a network error, and the next request works", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      yield* sandbox.faults.inject({ target: { pathPrefix: "/rsv/v1/services" }, fault: Fault.connectionReset, times: 1 })
      const headers = {
        authorization: `Bearer ${token}`,
        "x-app-key": Redacted.value(sandbox.credentials.appKey),
        "x-hotelid": sandbox.hotelId
      }
      const failed = yield* httpAttempt(`${sandbox.baseUrl}${ping}`, { headers })
      expect(failed).toBeInstanceOf(Error)
      expect(yield* httpAttempt(`${sandbox.baseUrl}${ping}`, { headers })).toBe(200)
      const reset = (yield* sandbox.traffic).find((exchange) => exchange.fault === "ConnectionReset")
      expect(reset?.status).toBe(0)
    })))

  it.effect("a malformed-JSON answer is served after the operation ran", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      yield* sandbox.faults.inject({ target: { operationId: "getProfiles" }, fault: Fault.malformedJson })
      const answer = yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles")
      expect(answer.status).toBe(200)
      expect(answer.text.length).toBeGreaterThan(0)
      expect(answer.json).toBeUndefined()
      expect(() => JSON.parse(answer.text)).toThrow()
    })))

  it.effect("latency holds the answer until the TestClock passes it", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.latency(5000), times: 1 })
      const fiber = yield* Effect.fork(callOhip(sandbox, token, "GET", ping))
      while ((yield* TestClock.sleeps()).length === 0) yield* breathe
      yield* TestClock.adjust("4999 millis")
      yield* breathe
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust("1 millis")
      expect((yield* Fiber.join(fiber)).status).toBe(200)
    })))

  it.effect("a method + path-prefix rule hits only that method; clear removes every rule", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const path = `/rsv/v1/hotels/${sandbox.hotelId}/reservations`
      yield* sandbox.faults.inject({ target: { method: "POST", pathPrefix: path }, fault: Fault.status(500) })
      expect((yield* callOhip(sandbox, token, "GET", path)).status).toBe(200)
      expect((yield* callOhip(sandbox, token, "POST", path, { body: {} })).status).toBe(500)
      expect((yield* callOhip(sandbox, token, "POST", path, { body: {} })).status).toBe(500)
      yield* sandbox.faults.clear
      expect((yield* callOhip(sandbox, token, "POST", path, { body: {} })).status).toBe(400)
    })))
})
