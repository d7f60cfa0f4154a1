import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option, Redacted, Ref, TestClock } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { OperaClient } from "../../../../src/connectors/opera/client/OperaClient.js"
import { pingReservationService, PingReservationServiceResponse } from "../../../../src/connectors/opera/client/reservations.js"
import { TokenCache } from "../../../../src/connectors/opera/client/TokenCache.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { AuditLog } from "../../../../src/security/AuditLog.js"
import { breathe, eventually, operaLayers } from "./harness.js"

describe("credential rotation", () => {
  it.effect("switches to a proven new secret while calls keep running: 0 failed calls", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const client = yield* OperaClient
      const tokens = yield* TokenCache
      const failures = yield* Ref.make(0)
      const calls = yield* Ref.make(0)
      const ping = client.execute(pingReservationService(sandbox.hotelId), PingReservationServiceResponse).pipe(
        Effect.tapBoth({ onFailure: () => Ref.update(failures, (n) => n + 1), onSuccess: () => Ref.update(calls, (n) => n + 1) }),
        Effect.ignore
      )
      const loop = yield* Effect.fork(Effect.forever(Effect.zipRight(ping, breathe(1))))
      // Calls are running before the switch and go on after it (counted, not timed: a loaded machine is slow).
      yield* eventually(Ref.get(calls), (n) => n >= 3)
      const newSecret = Redacted.make("rotated-secret-9f8e7d6c5b4a3210")
      yield* sandbox.addClientSecret(newSecret)
      yield* tokens.rotate(newSecret)
      const atSwitch = yield* Ref.get(calls)
      yield* eventually(Ref.get(calls), (n) => n >= atSwitch + 3)
      yield* Fiber.interrupt(loop)
      expect(yield* Ref.get(failures)).toBe(0)
      expect(yield* Ref.get(calls)).toBeGreaterThan(5)
      // The token now in use was issued for the new secret: the next request after a revocation uses it.
      yield* sandbox.revokeTokens
      yield* ping
      expect(yield* Ref.get(failures)).toBe(0)
      const audit = yield* AuditLog
      const events = yield* audit.trail(1, ["auth"])
      expect(events.some((event) => event.outcome === "success" && /rotated/.test(event.sensitive.details ?? ""))).toBe(true)
      expect(JSON.stringify(events)).not.toContain(Redacted.value(newSecret))
    }).pipe(Effect.provide(operaLayers())))

  it.effect("a secret OPERA refuses is rolled back: the old one stays in use", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const client = yield* OperaClient
      const tokens = yield* TokenCache
      const ping = client.execute(pingReservationService(sandbox.hotelId), PingReservationServiceResponse)
      yield* ping
      const error = yield* Effect.flip(tokens.rotate(Redacted.make("wrong-secret-0000000000")))
      expect(error._tag).toBe("OperaUnauthorized")
      yield* sandbox.revokeTokens
      // A fresh token is fetched with the old secret.
      expect((yield* ping).operaVersion).toBeDefined()
      const audit = yield* AuditLog
      const events = yield* audit.trail(1, ["auth"])
      expect(events.some((event) => event.outcome === "failure" && /rotation refused/.test(event.sensitive.details ?? ""))).toBe(true)
    }).pipe(Effect.provide(operaLayers())))
})

describe("a client secret kept in a file (OPERA_CLIENT_SECRET_FILE)", () => {
  const secretFile = () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "secret-")), "client-secret")
    return file
  }

  it.effect("the server follows the file: a replaced secret is proven and switched to", () => {
    const file = secretFile()
    return Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const tokens = yield* TokenCache
      writeFileSync(file, Redacted.value(sandbox.credentials.clientSecret))
      yield* tokens.get
      const newSecret = "file-rotated-secret-0123456789abcdef"
      yield* sandbox.addClientSecret(Redacted.make(newSecret))
      writeFileSync(file, `${newSecret}\n`)
      yield* TestClock.adjust(Duration.seconds(31))
      const audit = yield* AuditLog
      yield* eventually(audit.trail(1, ["auth"]), (events) =>
        events.some((event) => /rotated/.test(event.sensitive.details ?? "")))
    }).pipe(Effect.provide(Layer.unwrapEffect(Effect.sync(() => operaLayers({}, {}, { clientSecretFile: Option.some(file) })))))
  })

  it.effect("a secret OPERA refuses is left aside and the old one stays in use", () => {
    const file = secretFile()
    return Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const tokens = yield* TokenCache
      const client = yield* OperaClient
      writeFileSync(file, Redacted.value(sandbox.credentials.clientSecret))
      yield* tokens.get
      writeFileSync(file, "a-secret-opera-never-issued-000000")
      yield* TestClock.adjust(Duration.seconds(31))
      const audit = yield* AuditLog
      yield* eventually(audit.trail(1, ["auth"]), (events) =>
        events.some((event) => event.outcome === "failure" && /rotation refused/.test(event.sensitive.details ?? "")))
      yield* sandbox.revokeTokens
      expect((yield* client.execute(pingReservationService(sandbox.hotelId), PingReservationServiceResponse)).operaVersion)
        .toBeDefined()
    }).pipe(Effect.provide(Layer.unwrapEffect(Effect.sync(() => operaLayers({}, {}, { clientSecretFile: Option.some(file) })))))
  })
})
