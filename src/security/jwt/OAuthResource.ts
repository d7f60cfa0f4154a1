import { Clock, Config, Effect, Option, Schema } from "effect"
import { createHash } from "node:crypto"
import type { JWTPayload } from "jose"
import { createRemoteJWKSet, jwtVerify } from "jose"
import { optionalText, text } from "../../config/settings.js"
import type { AuthenticatedClient } from "../clients/ClientRecord.js"

/** Signature algorithms accepted; never `none`, never HMAC (a shared secret is no resource-server key). */
export const allowedAlgorithms = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"] as const

const O = (name: string) => `OPERA_MCP_OAUTH_${name}`

export const oauthSettingsConfig = Config.all({
  issuer: optionalText(O("ISSUER")),
  audience: optionalText(O("AUDIENCE")),
  jwksUrl: optionalText(O("JWKS_URL")),
  writeScope: text(O("WRITE_SCOPE")).pipe(Config.withDefault("opera:write"))
})

/** OAuth resource-server mode is half-configured; the message names what is missing. */
export class OAuthMisconfigured extends Schema.TaggedError<OAuthMisconfigured>()("OAuthMisconfigured", {
  message: Schema.String
}) {}

export interface OAuthMode {
  readonly issuer: string
  readonly audience: string
  readonly jwksUrl: URL
  readonly writeScope: string
}

/** Three base64url segments: a compact JWS. API keys (`ocm_…`) never contain a dot. */
export const looksLikeJwt = (token: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)

const scopesOf = (payload: JWTPayload): ReadonlyArray<string> => {
  const scope = payload.scope ?? payload.scp
  if (typeof scope === "string") return scope.split(" ").filter((entry) => entry.length > 0)
  if (Array.isArray(scope)) return scope.filter((entry): entry is string => typeof entry === "string")
  return []
}

/**
 * The client id for a token's subject: `oauth:<sub>` when the subject is a
 * plain identifier, else `oauth:` and a hash of it, so an email address used
 * as a subject never reaches the limiter, the audit log or a message.
 */
export const clientIdFor = (subject: string): string =>
  /^[A-Za-z0-9._:|-]{1,64}$/.test(subject)
    ? `oauth:${subject}`
    : `oauth:${createHash("sha256").update(subject, "utf8").digest("hex").slice(0, 16)}`

/** The RFC 9728 protected-resource metadata document. */
export const resourceMetadata = (mode: OAuthMode) => ({
  resource: mode.audience,
  authorization_servers: [mode.issuer],
  scopes_supported: [mode.writeScope],
  bearer_methods_supported: ["header"],
  resource_name: "opera-cloud-mcp"
})

const readMode = Effect.gen(function*() {
  const settings = yield* oauthSettingsConfig.pipe(
    Effect.mapError(() =>
      new OAuthMisconfigured({ message: "OPERA_MCP_OAUTH_* settings cannot be read; check their values." })
    )
  )
  if (Option.isNone(settings.issuer)) {
    if (Option.isSome(settings.audience) || Option.isSome(settings.jwksUrl)) {
      return yield* new OAuthMisconfigured({
        message: "OPERA_MCP_OAUTH_AUDIENCE/JWKS_URL are set but OPERA_MCP_OAUTH_ISSUER is not; set all three or none."
      })
    }
    return Option.none<OAuthMode>()
  }
  if (Option.isNone(settings.audience) || Option.isNone(settings.jwksUrl)) {
    return yield* new OAuthMisconfigured({
      message: "OAuth mode needs OPERA_MCP_OAUTH_ISSUER, OPERA_MCP_OAUTH_AUDIENCE and OPERA_MCP_OAUTH_JWKS_URL together."
    })
  }
  const jwksText = settings.jwksUrl.value
  const jwksUrl = yield* Effect.try({
    try: () => new URL(jwksText),
    catch: () => new OAuthMisconfigured({ message: "OPERA_MCP_OAUTH_JWKS_URL is not a URL." })
  })
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(jwksUrl.hostname)
  if (jwksUrl.protocol !== "https:" && !(jwksUrl.protocol === "http:" && loopback)) {
    return yield* new OAuthMisconfigured({ message: "OPERA_MCP_OAUTH_JWKS_URL must be https (http only on loopback)." })
  }
  return Option.some<OAuthMode>({
    issuer: settings.issuer.value,
    audience: settings.audience.value,
    jwksUrl,
    writeScope: settings.writeScope
  })
})

/**
 * Optional OAuth resource-server mode (MCP authorization): bearer JWTs from
 * the hotel's identity provider, checked for signature (its JWKS), issuer,
 * audience and expiry (against the Clock). Off unless OPERA_MCP_OAUTH_ISSUER
 * is set. Tokens are only verified here, never passed on to OPERA.
 */
export class OAuthResource extends Effect.Service<OAuthResource>()("opera/OAuthResource", {
  effect: Effect.gen(function*() {
    const mode = yield* readMode
    const keys = Option.map(mode, (settings) => createRemoteJWKSet(settings.jwksUrl, { timeoutDuration: 5000 }))

    /** The client a valid token stands for; none for an invalid one (or when OAuth is off). Never fails. */
    const verify = Effect.fn("OAuthResource.verify")(function*(token: string) {
      if (Option.isNone(mode) || Option.isNone(keys) || !looksLikeJwt(token)) return Option.none<AuthenticatedClient>()
      const settings = mode.value
      const now = yield* Clock.currentTimeMillis
      const verified = yield* Effect.tryPromise(() =>
        jwtVerify(token, keys.value, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: [...allowedAlgorithms],
          currentDate: new Date(now),
          requiredClaims: ["exp"]
        })
      ).pipe(Effect.option)
      if (Option.isNone(verified)) return Option.none<AuthenticatedClient>()
      const payload = verified.value.payload
      const subject = typeof payload.sub === "string" && payload.sub.length > 0
        ? payload.sub
        : typeof payload.client_id === "string" && payload.client_id.length > 0
        ? payload.client_id
        : undefined
      if (subject === undefined) return Option.none<AuthenticatedClient>()
      const client: AuthenticatedClient = {
        name: clientIdFor(subject),
        policy: { readOnly: !scopesOf(payload).includes(settings.writeScope) }
      }
      return Option.some(client)
    })

    return { mode, verify, metadata: Option.map(mode, resourceMetadata) } as const
  })
}) {}
