import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { OperaConnection } from "../../../../src/connectors/opera/client/OperaConnection.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { OperaConnectionFromSandbox } from "../../../../src/connectors/opera/sandbox/SandboxConnection.js"
import { basicAuth, callOhip, http } from "./helpers.js"

describe("OperaConnectionFromSandbox", () => {
  it.live("is a working client-credentials connection to the running sandbox, on the real clock", () =>
    Effect.gen(function*() {
      const connection = yield* OperaConnection
      const sandbox = yield* Sandbox
      expect(connection.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(connection.baseUrl).toBe(sandbox.baseUrl)
      expect(connection.hotelId).toBe("SAND01")
      expect(Option.getOrThrow(connection.enterpriseId)).toBe("SANDBOX")
      const token = yield* http(`${connection.baseUrl}/oauth/v1/tokens`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: basicAuth(connection.clientId, Redacted.value(connection.clientSecret)),
          "x-app-key": Redacted.value(connection.appKey),
          enterpriseId: Option.getOrThrow(connection.enterpriseId)
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: Option.getOrThrow(connection.scope) }).toString()
      })
      expect(token.status).toBe(200)
      const today = sandbox.businessDate
      const arrivals = yield* callOhip(sandbox, token.json.access_token, "GET", `/rsv/v1/hotels/${connection.hotelId}/reservations`, {
        query: `?searchType=Arrival&arrivalStartDate=${today}&arrivalEndDate=${today}`
      })
      expect(arrivals.status).toBe(200)
      expect(arrivals.json.reservations.totalResults).toBeGreaterThan(0)
    }).pipe(Effect.provide(OperaConnectionFromSandbox.pipe(Layer.provideMerge(Sandbox.layer())))))
})
