import { describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Fiber, Option, TestClock } from "effect"
import { OperaClient } from "../../../../src/connectors/opera/client/OperaClient.js"
import { getReservation, GetReservationResponse, pingReservationService, PingReservationServiceResponse } from "../../../../src/connectors/opera/client/reservations.js"
import {
  cancelReservation,
  CancelReservationResponse,
  createdReservationId,
  createReservation,
  CreateReservationResponse
} from "../../../../src/connectors/opera/client/reservations.js"
import { Fault } from "../../../../src/connectors/opera/sandbox/faults.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { breathe, eventually, operaLayers } from "./harness.js"

const attemptsOf = (operationId: string) =>
  Sandbox.pipe(Effect.flatMap((sandbox) => sandbox.traffic), Effect.map((traffic) =>
    traffic.filter((exchange) => exchange.route?.operationId === operationId).length
  ))

/** Runs `effect` while moving the TestClock forward in steps, so backoff sleeps pass. */
const withClockRunning = <A, E, R>(effect: Effect.Effect<A, E, R>, seconds = 60) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let step = 0; step < seconds * 2; step++) {
      yield* breathe(2)
      yield* TestClock.adjust(Duration.millis(500))
      if ((yield* Fiber.poll(fiber))._tag === "Some") break
    }
    return yield* Fiber.join(fiber)
  })

const ping = Sandbox.pipe(Effect.flatMap((sandbox) =>
  OperaClient.pipe(Effect.flatMap((client) =>
    client.execute(pingReservationService(sandbox.hotelId), PingReservationServiceResponse)
  ))
))

describe("OperaClient against the sandbox", () => {
  it.effect("sends OHIP's headers and decodes the body", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const client = yield* OperaClient
      const body = yield* client.execute(getReservation({ hotelId: sandbox.hotelId, reservationId: "500001" }), GetReservationResponse)
      expect(body.reservations?.reservation?.length).toBe(1)
      const sent = (yield* sandbox.traffic).find((exchange) => exchange.route?.operationId === "getReservation")
      expect(sent?.headers["x-hotelid"]).toBe(sandbox.hotelId)
      expect(sent?.headers["x-app-key"]).toBeDefined()
      expect(sent?.headers.authorization).toMatch(/^Bearer /)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a 5xx on a read is retried a bounded number of times, then OperaUnavailable", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.status(503) })
      const error = yield* withClockRunning(Effect.flip(ping))
      expect(error._tag).toBe("OperaUnavailable")
      expect(yield* attemptsOf("pingReservationService")).toBe(4)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a write (POST) is never retried after a 5xx", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const client = yield* OperaClient
      yield* sandbox.faults.inject({ target: { operationId: "postCancelReservation" }, fault: Fault.status(500) })
      const error = yield* withClockRunning(Effect.flip(client.execute(
        cancelReservation({ hotelId: sandbox.hotelId, reservationId: "500003" }),
        CancelReservationResponse
      )))
      expect(error._tag).toBe("OperaUnavailable")
      expect(yield* attemptsOf("postCancelReservation")).toBe(1)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("429 waits for Retry-After before trying again", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.rateLimited(7), times: 1 })
      const start = yield* Clock.currentTimeMillis
      const fiber = yield* Effect.fork(ping)
      // Until the 429 has come back and the 7 s wait it asks for has begun (a fixed 30 ms was too short on a busy machine).
      yield* eventually(TestClock.sleeps(), Chunk.some((wakeAt) => wakeAt === start + 7000))
      yield* breathe(30)
      yield* TestClock.adjust(Duration.seconds(6))
      yield* breathe(30)
      // Not retried before the 7 seconds OPERA asked for …
      expect(yield* attemptsOf("pingReservationService")).toBe(1)
      yield* TestClock.adjust(Duration.seconds(1))
      // … and succeeds right after.
      const body = yield* Fiber.join(fiber)
      expect(body.operaVersion).toBeDefined()
      expect(yield* attemptsOf("pingReservationService")).toBe(2)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a 401 invalidates the token and retries once with a fresh one", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      yield* ping
      yield* sandbox.revokeTokens
      const body = yield* ping
      expect(body.operaVersion).toBeDefined()
      expect(yield* sandbox.tokenRequests).toBe(2)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("malformed JSON becomes OperaBadResponse, without the body in the message", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.malformedJson })
      const error = yield* Effect.flip(ping)
      expect(error._tag).toBe("OperaBadResponse")
      expect(error.message).toBe("OPERA answered pingReservationService with a body that is not JSON.")
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a connection reset on a read is retried and recovers", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.connectionReset, times: 1 })
      const body = yield* withClockRunning(ping)
      expect(body.operaVersion).toBeDefined()
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a slow OPERA times out at OPERA_TIMEOUT_MS instead of hanging", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.latency(60_000) })
      const error = yield* withClockRunning(Effect.flip(ping))
      expect(error._tag).toBe("OperaUnavailable")
      expect(error.message).toMatch(/did not answer pingReservationService within 2000 ms/)
    }).pipe(Effect.provide(operaLayers({}, {}, { timeoutMs: 2000 }))))

  it.effect("the circuit breaker opens after repeated failures, fails fast, and recovers after the cool-down", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const client = yield* OperaClient
      yield* sandbox.faults.inject({ target: { operationId: "pingReservationService" }, fault: Fault.status(503) })
      yield* withClockRunning(Effect.flip(ping))
      yield* withClockRunning(Effect.flip(ping))
      expect((yield* client.breakerState)._tag).toBe("Open")
      const sentWhileOpen = yield* attemptsOf("pingReservationService")
      const fast = yield* Effect.flip(ping)
      expect(fast._tag === "OperaUnavailable" && fast.reason).toBe("circuit_open")
      expect(yield* attemptsOf("pingReservationService")).toBe(sentWhileOpen)
      // OPERA recovers; after the cool-down one trial call closes the breaker again.
      yield* sandbox.faults.clear
      yield* TestClock.adjust(Duration.seconds(31))
      expect((yield* ping).operaVersion).toBeDefined()
      expect((yield* client.breakerState)._tag).toBe("Closed")
    }).pipe(Effect.provide(operaLayers())))

  it.effect("OHIP business errors reach the caller as OperaRejected with OPERA's explanation", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const client = yield* OperaClient
      const created = yield* client.execute(createReservation({
        hotelId: sandbox.hotelId,
        arrivalDate: "1970-02-01",
        departureDate: "1970-02-03",
        roomType: "KING",
        ratePlanCode: "BAR",
        adults: 1,
        guest: { surname: "Tester" }
      }), CreateReservationResponse)
      const reservationId = Option.getOrThrow(createdReservationId(created))
      const cancel = client.execute(cancelReservation({ hotelId: sandbox.hotelId, reservationId }), CancelReservationResponse)
      yield* cancel
      const error = yield* Effect.flip(cancel)
      expect(error._tag).toBe("OperaRejected")
      expect(error.message).toMatch(/cancel/i)
      expect(error.message).not.toMatch(/\.\.$/)
      const missing = yield* Effect.flip(
        client.execute(getReservation({ hotelId: sandbox.hotelId, reservationId: "999999" }), GetReservationResponse)
      )
      expect(missing._tag).toBe("OperaNotFound")
    }).pipe(Effect.provide(operaLayers())))
})
