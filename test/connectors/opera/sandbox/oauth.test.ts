import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { basicAuth, definitionErrors, describeErrors, requestToken } from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

describe("POST /oauth/v1/tokens", () => {
  it.effect("issues a Bearer token for client credentials, shaped as OAuth2TokenResponse", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const answer = yield* requestToken(sandbox)
      expect(answer.status).toBe(200)
      expect(describeErrors(definitionErrors("oauth", "OAuth2TokenResponse", answer.json))).toBe("No errors")
      expect(answer.json.token_type).toBe("Bearer")
      expect(answer.json.expires_in).toBe(3600)
      expect(answer.json.oracle_tk_context).toBe("user_assertion")
      expect(answer.headers.get("cache-control")).toBe("no-store")
      expect(yield* sandbox.issuedTokens).toEqual([answer.json.access_token])
      expect(yield* sandbox.tokenRequests).toBe(1)
    })))

  it.effect("issues a token for the password grant", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const answer = yield* requestToken(sandbox, {
        form: {
          grant_type: "password",
          username: sandbox.credentials.username,
          password: Redacted.value(sandbox.credentials.password)
        }
      })
      expect(answer.status).toBe(200)
      expect(typeof answer.json.access_token).toBe("string")
    })))

  it.effect("tokens are distinct, opaque and long", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const first = yield* requestToken(sandbox)
      const second = yield* requestToken(sandbox)
      expect(first.json.access_token).not.toBe(second.json.access_token)
      expect(String(first.json.access_token).length).toBeGreaterThanOrEqual(40)
    })))

  it.effect("refuses a wrong password, wrong secret, unknown client, wrong or missing app key", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const secret = Redacted.value(sandbox.credentials.clientSecret)
      const cases = [
        { form: { grant_type: "password", username: sandbox.credentials.username, password: "not-the-password" } },
        { headers: { authorization: basicAuth(sandbox.credentials.clientId, `${secret}x`) } },
        { headers: { authorization: basicAuth("someone-else", secret) } },
        { headers: { authorization: undefined } },
        { headers: { "x-app-key": "41ecd082-8997-4c69-af34-2f72b83645ff" } },
        { headers: { "x-app-key": undefined } },
        { headers: { enterpriseId: "OTHER1" } }
      ]
      for (const overrides of cases) {
        const answer = yield* requestToken(sandbox, overrides)
        expect(answer.status).toBe(401)
        expect(typeof answer.json.error).toBe("string")
        expect(answer.text).not.toContain(secret)
      }
      expect(yield* sandbox.issuedTokens).toEqual([])
      expect(yield* sandbox.tokenRequests).toBe(cases.length)
    })))

  it.effect("answers 400 for a missing or unknown grant, a missing scope, a bad enterpriseId or a JSON body", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const missingGrant = yield* requestToken(sandbox, { form: { scope: "x" } })
      expect([missingGrant.status, missingGrant.json.error]).toEqual([400, "invalid_request"])
      const unknownGrant = yield* requestToken(sandbox, { form: { grant_type: "authorization_code" } })
      expect([unknownGrant.status, unknownGrant.json.error]).toEqual([400, "unsupported_grant_type"])
      const noScope = yield* requestToken(sandbox, { form: { grant_type: "client_credentials" } })
      expect([noScope.status, noScope.json.error]).toEqual([400, "invalid_scope"])
      const badEnterprise = yield* requestToken(sandbox, { headers: { enterpriseId: "lower-case" } })
      expect(badEnterprise.status).toBe(400)
      const json = yield* requestToken(sandbox, { headers: { "content-type": "application/json" } })
      expect(json.status).toBe(400)
    })))

  it.effect("works without the optional enterpriseId header", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const answer = yield* requestToken(sandbox, { headers: { enterpriseId: undefined } })
      expect(answer.status).toBe(200)
    })))

  it.effect("accepts fixed credentials and a custom token lifetime", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      expect(sandbox.credentials.clientId).toBe("fixed-client")
      expect(Redacted.value(sandbox.credentials.clientSecret)).toBe("fixed-secret-fixed-secret-fixed-secret")
      const answer = yield* requestToken(sandbox)
      expect(answer.json.expires_in).toBe(120)
    }).pipe(Effect.provide(Sandbox.layer({
      tokenLifetimeSeconds: 120,
      credentials: { clientId: "fixed-client", clientSecret: "fixed-secret-fixed-secret-fixed-secret" }
    }))))

  it.effect("random credentials differ per start and never print", () =>
    Effect.gen(function*() {
      const first = yield* Effect.provide(Sandbox, Sandbox.layer())
      const second = yield* Effect.provide(Sandbox, Sandbox.layer())
      expect(Redacted.value(first.credentials.clientSecret)).not.toBe(Redacted.value(second.credentials.clientSecret))
      expect(Redacted.value(first.credentials.appKey)).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/)
      expect(Redacted.value(first.credentials.clientSecret).length).toBeGreaterThanOrEqual(32)
      const printed = `${String(first.credentials.clientSecret)} ${JSON.stringify(first.connection)}`
      expect(printed).not.toContain(Redacted.value(first.credentials.clientSecret))
      expect(printed).not.toContain(Redacted.value(first.credentials.appKey))
    }))
})
