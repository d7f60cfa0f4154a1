import { ConfigProvider, Effect, Exit, Layer } from "effect"
import type { CryptoKey, JWK } from "jose"
import { exportJWK, generateKeyPair, SignJWT } from "jose"
import type { Server } from "node:http"
import { createServer } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { clientIdFor, OAuthResource } from "../../../src/security/jwt/OAuthResource.js"
import type { HttpFixture } from "./harness.js"
import { connectClient, initializeBody, mcpHeaders, rawRequest, startHttpFixture, textOf } from "./harness.js"

const issuer = "https://idp.hotel.test/"
const audience = "https://mcp.hotel.test/mcp"

describe("HTTP transport: OAuth resource-server mode (JWT access tokens)", () => {
  let fixture: HttpFixture
  let jwks: Server
  let url: string
  let signingKey: CryptoKey
  let otherKey: CryptoKey

  const token = (claims: Record<string, unknown>, options: { key?: CryptoKey; iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? audience)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(options.key ?? signingKey)

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256")
    signingKey = pair.privateKey
    otherKey = (await generateKeyPair("ES256")).privateKey
    const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" }
    jwks = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ keys: [publicJwk] }))
    })
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve))
    const address = jwks.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    fixture = await startHttpFixture({
      OPERA_MCP_OAUTH_ISSUER: issuer,
      OPERA_MCP_OAUTH_AUDIENCE: audience,
      OPERA_MCP_OAUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      OPERA_MCP_OAUTH_WRITE_SCOPE: "opera:write"
    }, { keyed: { readOnly: false } })
    url = fixture.server.url
  })
  afterAll(async () => {
    await fixture?.stop()
    await new Promise<void>((resolve) => jwks?.close(() => resolve()))
  })

  it("serves RFC 9728 protected-resource metadata and points the 401 challenge at it", async () => {
    const base = url.replace(/\/mcp$/, "")
    const metadata = await rawRequest(`${base}/.well-known/oauth-protected-resource`, { method: "GET" })
    expect(metadata.status).toBe(200)
    expect(JSON.parse(metadata.body)).toMatchObject({
      resource: audience,
      authorization_servers: [issuer],
      scopes_supported: ["opera:write"],
      bearer_methods_supported: ["header"]
    })
    const refused = await rawRequest(url, { headers: mcpHeaders(), body: initializeBody })
    expect(refused.status).toBe(401)
    expect(refused.headers["www-authenticate"])
      .toBe(`Bearer realm="opera-cloud-mcp", resource_metadata="${base}/.well-known/oauth-protected-resource"`)
    expect(refused.body).toBe("")
  })

  it("accepts a valid token with the write scope: its subject is the client id", async () => {
    const access = await token({ sub: "staff-7", scope: "openid opera:write" })
    const client = await connectClient(url, access)
    expect((await client.call("security_health_check")).isError).toBeFalsy()
    await client.close()
    const rows = await fixture.trail(["tool_call"])
    expect(rows.some((row) => row.clientId === "oauth:staff-7")).toBe(true)
    expect(JSON.stringify(rows)).not.toContain(access)
  })

  it("refuses wrong issuer, wrong audience, expired and badly signed tokens with 401 invalid_token", async () => {
    const bad = [
      await token({ sub: "staff-7", scope: "opera:write" }, { iss: "https://evil.test/" }),
      await token({ sub: "staff-7", scope: "opera:write" }, { aud: "https://other.test/mcp" }),
      await token({ sub: "staff-7", scope: "opera:write" }, { exp: Math.floor(Date.now() / 1000) - 60 }),
      await token({ sub: "staff-7", scope: "opera:write" }, { key: otherKey })
    ]
    for (const access of bad) {
      const response = await rawRequest(url, { headers: mcpHeaders(access), body: initializeBody })
      expect(response.status).toBe(401)
      expect(response.headers["www-authenticate"]).toMatch(/error="invalid_token", resource_metadata="/)
      expect(response.body).toBe("")
    }
  })

  it("treats a token without the write scope as read-only", async () => {
    const client = await connectClient(url, await token({ client_id: "front-desk-app", scope: "opera:read" }))
    expect((await client.call("security_health_check")).isError).toBeFalsy()
    const refused = await client.call("cancel_reservation", { reservationId: "500001" })
    expect(refused.isError).toBe(true)
    expect(textOf(refused)).toMatch(/read-only/i)
    await client.close()
  })

  it("keeps API keys working beside tokens", async () => {
    const client = await connectClient(url, fixture.keys.keyed!)
    expect((await client.call("security_health_check")).isError).toBeFalsy()
    await client.close()
  })
})

describe("OAuthResource settings", () => {
  const load = (settings: Record<string, string>) =>
    Effect.runPromiseExit(OAuthResource.pipe(
      Effect.provide(OAuthResource.Default.pipe(
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
      ))
    ))

  it("is off without an issuer and refuses a half configuration", async () => {
    const off = await load({})
    expect(Exit.isSuccess(off) && off.value.mode._tag === "None").toBe(true)
    const half = await load({ OPERA_MCP_OAUTH_ISSUER: issuer })
    expect(Exit.isFailure(half)).toBe(true)
    expect(JSON.stringify(half)).toMatch(/OPERA_MCP_OAUTH_AUDIENCE/)
    const plain = await load({ OPERA_MCP_OAUTH_ISSUER: issuer, OPERA_MCP_OAUTH_AUDIENCE: audience, OPERA_MCP_OAUTH_JWKS_URL: "http://idp.example/jwks" })
    expect(JSON.stringify(plain)).toMatch(/must be https/)
  })

  it("never makes an email subject a client id", () => {
    expect(clientIdFor("auth0|abc-123")).toBe("oauth:auth0|abc-123")
    expect(clientIdFor("jane.doe@hotel.example")).toMatch(/^oauth:[0-9a-f]{16}$/)
  })
})
