import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, callOhip, definitionErrors, describeErrors } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

/** One data route per module and kind, so every gate check is seen on each. */
const probes = (sandbox: Sandbox) => [
  { module: "rsv", method: "GET", path: `/rsv/v1/hotels/${sandbox.hotelId}/reservations` },
  { module: "rsv", method: "GET", path: "/rsv/v1/services/reservations/status" },
  { module: "crm", method: "GET", path: "/crm/v1/profiles" },
  { module: "crm", method: "GET", path: "/crm/v1/profiles/100001" }
]

const expectOhipError = (module: string, answer: { readonly status: number; readonly json: unknown }, status: number) => {
  expect(answer.status).toBe(status)
  expect(describeErrors(definitionErrors(module, "exceptionDetailType", answer.json))).toBe("No errors")
  expect((answer.json as { status: number }).status).toBe(status)
}

describe("the OHIP gateway checks of data routes", () => {
  it.effect("every probe answers 200 with a valid token, app key and hotel", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      for (const probe of probes(sandbox)) {
        expect((yield* callOhip(sandbox, token, probe.method, probe.path)).status).toBe(200)
      }
    })))

  it.effect("401 without a token, with an unknown token or a Basic header", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      for (const probe of probes(sandbox)) {
        expectOhipError(probe.module, yield* callOhip(sandbox, "not-a-token", probe.method, probe.path), 401)
        expectOhipError(
          probe.module,
          yield* callOhip(sandbox, "x", probe.method, probe.path, { headers: { authorization: undefined } }),
          401
        )
        expectOhipError(
          probe.module,
          yield* callOhip(sandbox, "x", probe.method, probe.path, { headers: { authorization: "Basic Zm9vOmJhcg==" } }),
          401
        )
      }
    })))

  it.effect("401 without x-app-key, 403 with another app key", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      for (const probe of probes(sandbox)) {
        expectOhipError(probe.module, yield* callOhip(sandbox, token, probe.method, probe.path, { headers: { "x-app-key": undefined } }), 401)
        expectOhipError(
          probe.module,
          yield* callOhip(sandbox, token, probe.method, probe.path, {
            headers: { "x-app-key": "41ecd082-8997-4c69-af34-2f72b83645ff" }
          }),
          403
        )
      }
    })))

  it.effect("400 without x-hotelid, 403 for an unknown hotel, 400 when path and header disagree", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      for (const probe of probes(sandbox)) {
        expectOhipError(probe.module, yield* callOhip(sandbox, token, probe.method, probe.path, { hotelId: undefined }), 400)
        expectOhipError(probe.module, yield* callOhip(sandbox, token, probe.method, probe.path, { hotelId: "NOWHERE" }), 403)
      }
      const mismatch = yield* callOhip(sandbox, token, "GET", `/rsv/v1/hotels/${sandbox.hotelId}/reservations`, {
        hotelId: sandbox.otherHotelId
      })
      expectOhipError("rsv", mismatch, 400)
      expect(mismatch.json["o:errorCode"]).toBe("HOTEL_ID_MISMATCH")
    })))

  it.effect("a token expires after its lifetime (TestClock)", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const path = "/rsv/v1/services/reservations/status"
      yield* TestClock.adjust("3599 seconds")
      expect((yield* callOhip(sandbox, token, "GET", path)).status).toBe(200)
      yield* TestClock.adjust("1 second")
      const expired = yield* callOhip(sandbox, token, "GET", path)
      expectOhipError("rsv", expired, 401)
      expect(expired.json.detail).toContain("expired")
      const fresh = yield* accessToken(sandbox)
      expect((yield* callOhip(sandbox, fresh, "GET", path)).status).toBe(200)
    })))

  it.effect("revokeTokens invalidates every token issued so far, but not later ones", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const first = yield* accessToken(sandbox)
      const second = yield* accessToken(sandbox)
      yield* sandbox.revokeTokens
      const path = "/crm/v1/services/profile/status"
      expectOhipError("crm", yield* callOhip(sandbox, first, "GET", path), 401)
      expectOhipError("crm", yield* callOhip(sandbox, second, "GET", path), 401)
      const third = yield* accessToken(sandbox)
      expect((yield* callOhip(sandbox, third, "GET", path)).status).toBe(200)
    })))

  it.effect("unknown paths answer 404 and known paths with the wrong method 405, as OHIP errors", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      expectOhipError("rsv", yield* callOhip(sandbox, token, "GET", "/rsv/v1/nothing/here"), 404)
      const wrongMethod = yield* callOhip(sandbox, token, "DELETE", `/rsv/v1/hotels/${sandbox.hotelId}/reservations`)
      expectOhipError("rsv", wrongMethod, 405)
      expect(wrongMethod.headers.get("allow")).toBe("GET, POST")
    })))

  it.effect("error bodies never echo the token or the app key", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const answer = yield* callOhip(sandbox, token, "GET", "/crm/v1/profiles", {
        headers: { "x-app-key": "41ecd082-8997-4c69-af34-2f72b83645ff" }
      })
      expect(answer.text).not.toContain(token)
      expect(answer.text).not.toContain("41ecd082")
    })))
})
