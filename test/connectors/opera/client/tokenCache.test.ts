import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Fiber, HashMap, Logger, Redacted, TestClock } from "effect"
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { upstreamFailureClass } from "../../../../src/connectors/opera/client/errors.js"
import { TokenCache } from "../../../../src/connectors/opera/client/TokenCache.js"
import { AuditLog } from "../../../../src/security/AuditLog.js"
import { Fault } from "../../../../src/connectors/opera/sandbox/faults.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { breathe, eventually, operaLayers } from "./harness.js"

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

const auditKey = Buffer.alloc(32, 7).toString("base64")

describe("TokenCache", () => {
  it.effect("1,000 concurrent cold callers share exactly one token request", () =>
    Effect.gen(function*() {
      const cache = yield* TokenCache
      const sandbox = yield* Sandbox
      const tokens = yield* Effect.all(Array.from({ length: 1000 }, () => cache.get), { concurrency: "unbounded" })
      expect(new Set(tokens.map(Redacted.value)).size).toBe(1)
      expect(yield* sandbox.tokenRequests).toBe(1)
      expect(yield* cache.tokenRequests).toBe(1)
      // The token fetch is an authentication event in the audit log, without the token.
      const audit = yield* AuditLog
      const events = yield* audit.trail(1, ["auth"])
      expect(events.map((event) => event.outcome)).toEqual(["success"])
      expect(JSON.stringify(events)).not.toContain(tokens[0] === undefined ? "?" : Redacted.value(tokens[0]))
    }).pipe(Effect.provide(operaLayers())))

  it.effect("refreshes ahead of expiry, before the threshold, and not earlier", () =>
    Effect.gen(function*() {
      const cache = yield* TokenCache
      const sandbox = yield* Sandbox
      const first = Redacted.value(yield* cache.get)
      // Threshold 5 minutes on a 60-minute token: nothing happens at 54 minutes …
      yield* TestClock.adjust(Duration.minutes(54))
      yield* breathe(20)
      expect(yield* sandbox.tokenRequests).toBe(1)
      // … and the background fiber has a new token within one check interval past 55 minutes.
      yield* TestClock.adjust(Duration.minutes(1))
      yield* TestClock.adjust(Duration.seconds(15))
      yield* eventually(sandbox.tokenRequests, (n) => n === 2)
      const state = yield* cache.state
      expect(state.status).toBe("valid")
      expect(state.status === "valid" && state.expiresInSeconds).toBeGreaterThan(59 * 60)
      expect(Redacted.value(yield* cache.get)).not.toBe(first)
      expect(yield* sandbox.tokenRequests).toBe(2)
    }).pipe(Effect.provide(operaLayers({ OPERA_SECURITY_TOKEN_REFRESH_THRESHOLD_MINUTES: "5" }))))

  it.effect("caps a token's life at OPERA_SECURITY_TOKEN_MAX_LIFETIME_HOURS", () =>
    Effect.gen(function*() {
      const cache = yield* TokenCache
      yield* cache.get
      const state = yield* cache.state
      expect(state.status === "valid" && state.expiresInSeconds).toBeLessThanOrEqual(3600)
      expect(state.status === "valid" && state.expiresInSeconds).toBeGreaterThan(3500)
    }).pipe(Effect.provide(operaLayers({ OPERA_SECURITY_TOKEN_MAX_LIFETIME_HOURS: "1" }, { tokenLifetimeSeconds: 86_400 }))))

  it.effect("a failing token endpoint is retried a bounded number of times, then a typed error", () =>
    Effect.gen(function*() {
      const cache = yield* TokenCache
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "getToken" }, fault: Fault.status(503) })
      const fiber = yield* Effect.fork(Effect.either(cache.get))
      for (let step = 0; step < 20; step++) {
        yield* breathe(10)
        yield* TestClock.adjust(Duration.seconds(1))
      }
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left._tag).toBe("OperaUnavailable")
      // One request and two retries, then the typed error; none of them got a token.
      expect(yield* cache.tokenRequests).toBe(3)
      expect(yield* sandbox.tokenRequests).toBe(0)
      expect((yield* cache.state).lastRefreshFailure).toMatch(/token endpoint/)
      // It heals: the next call after the endpoint recovers gets a token.
      yield* sandbox.faults.clear
      expect(Redacted.value(yield* cache.get).length).toBeGreaterThan(10)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a transient failure is absorbed by the retries", () =>
    Effect.gen(function*() {
      const cache = yield* TokenCache
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "getToken" }, fault: Fault.status(502), times: 2 })
      const fiber = yield* Effect.fork(cache.get)
      for (let step = 0; step < 10; step++) {
        yield* breathe(10)
        yield* TestClock.adjust(Duration.seconds(1))
      }
      expect(Redacted.value(yield* Fiber.join(fiber)).length).toBeGreaterThan(10)
      expect(yield* cache.tokenRequests).toBe(3)
      expect(yield* sandbox.tokenRequests).toBe(1)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a throttled token endpoint (429) is retried no sooner than its Retry-After", () =>
    Effect.gen(function*() {
      const cache = yield* TokenCache
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "getToken" }, fault: Fault.rateLimited(2), times: 1 })
      const fiber = yield* Effect.fork(cache.get)
      // The backoff alone would retry after about 200 ms: at 1.9 s the second request has still not been made.
      for (let step = 0; step < 19; step++) {
        yield* breathe(10)
        yield* TestClock.adjust(Duration.millis(100))
      }
      expect(yield* cache.tokenRequests).toBe(1)
      yield* TestClock.adjust(Duration.millis(100))
      yield* eventually(cache.tokenRequests, (n) => n === 2)
      expect(Redacted.value(yield* Fiber.join(fiber)).length).toBeGreaterThan(10)
      expect(yield* sandbox.tokenRequests).toBe(1)
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a 429 asking for a long wait fails at once as throttled, its own cause class, not a server failure", () =>
    Effect.gen(function*() {
      const logged: Array<Record<string, unknown>> = []
      const capture = Logger.make(({ annotations, message }) => {
        logged.push({ message, ...Object.fromEntries(HashMap.toEntries(annotations)) })
      })
      const cache = yield* TokenCache
      const sandbox = yield* Sandbox
      yield* sandbox.faults.inject({ target: { operationId: "getToken" }, fault: Fault.rateLimited(30) })
      const error = yield* Effect.flip(cache.get).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, capture)))
      expect(error._tag).toBe("OperaRateLimited")
      expect(upstreamFailureClass(error)).toBe("throttled")
      expect(error._tag === "OperaRateLimited" && error.retryAfterMs).toBe(30_000)
      expect(error.message).toMatch(/throttling token requests.*retry after 30 s/)
      expect(yield* cache.tokenRequests).toBe(1)
      // The upstream failure line names the class an operator acts on.
      const lines = logged.filter((line) => line["opera.operation"] !== undefined)
      expect(lines.map((line) => [line.failure, line["http.status"]])).toEqual([["throttled", 429]])
    }).pipe(Effect.provide(operaLayers())))

  it.effect("wrong credentials fail at once as OperaUnauthorized, naming the settings and not the secret", () =>
    Effect.gen(function*() {
      const cache = yield* TokenCache
      const sandbox = yield* Sandbox
      const error = yield* Effect.flip(cache.get)
      expect(error._tag).toBe("OperaUnauthorized")
      expect(error.message).toContain("OPERA_CLIENT_SECRET")
      expect(error.message).not.toContain("not-the-secret")
      expect(yield* sandbox.tokenRequests).toBe(1)
    }).pipe(Effect.provide(operaLayers({}, {}, { clientSecret: Redacted.make("not-the-secret") }))))
})

describe("TokenCache with token binding", () => {
  const bound = (file: string) => ({
    OPERA_SECURITY_ENABLE_TOKEN_BINDING: "true",
    OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: auditKey,
    OPERA_SECURITY_TOKEN_CACHE_PATH: file
  })
  const credentials = {
    clientId: "binding-client",
    clientSecret: Redacted.make("binding-secret-0123456789abcdef"),
    appKey: Redacted.make("0a0b0c0d-0000-4000-8000-000000000001")
  }

  it.effect("writes a 0600 file without the token in clear, and a restart reuses it", () =>
    Effect.gen(function*() {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "token-")), "cache.json")
      // The binding covers the base URL, so the restarted sandbox must come back on the same port.
      const port = yield* Effect.promise(freePort)
      const token = yield* TokenCache.pipe(
        Effect.flatMap((cache) => cache.get),
        Effect.provide(operaLayers(bound(file), { credentials, port }))
      )
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(readFileSync(file, "utf8")).not.toContain(Redacted.value(token))
      // A second process (fresh layers, same configuration) starts with the cached token.
      const again = yield* Effect.gen(function*() {
        const cache = yield* TokenCache
        const sandbox = yield* Sandbox
        const reused = yield* cache.get
        return { reused, requests: yield* sandbox.tokenRequests }
      }).pipe(Effect.provide(operaLayers(bound(file), { credentials, port })))
      expect(again.requests).toBe(0)
      expect(Redacted.value(again.reused)).toBe(Redacted.value(token))
    }))

  it.effect("a tampered or foreign cache file is refused and a fresh token fetched", () =>
    Effect.gen(function*() {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "token-")), "cache.json")
      yield* TokenCache.pipe(Effect.flatMap((cache) => cache.get), Effect.provide(operaLayers(bound(file), { credentials })))
      const original = readFileSync(file, "utf8")
      const envelope = JSON.parse(original) as { sealed: string }
      const sealed = Buffer.from(envelope.sealed, "base64")
      sealed[20] = (sealed[20] ?? 0) ^ 1
      writeFileSync(file, JSON.stringify({ ...envelope, sealed: sealed.toString("base64") }))
      const requestsAfterTamper = yield* Sandbox.pipe(
        Effect.flatMap((sandbox) => TokenCache.pipe(Effect.flatMap((cache) => cache.get), Effect.zipRight(sandbox.tokenRequests))),
        Effect.provide(operaLayers(bound(file), { credentials }))
      )
      expect(requestsAfterTamper).toBe(1)
      // The same file under another client id (another configuration) does not open either.
      writeFileSync(file, original)
      const requestsForeign = yield* Sandbox.pipe(
        Effect.flatMap((sandbox) => TokenCache.pipe(Effect.flatMap((cache) => cache.get), Effect.zipRight(sandbox.tokenRequests))),
        Effect.provide(operaLayers(bound(file), { credentials: { ...credentials, clientId: "another-client" } }))
      )
      expect(requestsForeign).toBe(1)
    }))

  it.effect("binding without an audit key stops start-up with a clear message", () =>
    Effect.gen(function*() {
      const error = yield* TokenCache.pipe(
        Effect.provide(operaLayers({ OPERA_SECURITY_ENABLE_TOKEN_BINDING: "true" })),
        Effect.flip
      )
      expect(String((error as { message?: string }).message)).toContain("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY")
    }))
})
