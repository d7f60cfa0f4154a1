import { Effect, Either, Redacted, Schema } from "effect"
import { sameSecret } from "../credentials.js"
import { oauthFailure } from "../ohipErrors.js"
import type { SandboxRoute } from "../route.js"

/**
 * POST /oauth/v1/tokens as oauth.json describes it: Basic client
 * credentials, x-app-key, optional enterpriseId, a form body with the
 * client_credentials or password grant, and an OAuth2TokenResponse.
 */
const TokenForm = Schema.Struct({
  grant_type: Schema.optional(Schema.String),
  scope: Schema.optional(Schema.String),
  username: Schema.optional(Schema.String),
  password: Schema.optional(Schema.String)
})

const appKeyPattern = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89aAbB][a-f0-9]{3}-[a-f0-9]{12}$/
const enterpriseIdPattern = /^[A-Z0-9]{1,8}$/

const basicCredentials = (header: string | undefined) => {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "")
  if (match?.[1] === undefined) return undefined
  const decoded = Buffer.from(match[1], "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0 ? undefined : { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) }
}

export const oauthRoutes: ReadonlyArray<SandboxRoute> = [{
  module: "oauth",
  operationId: "getToken",
  method: "POST",
  template: "/tokens",
  auth: "client",
  body: "form",
  handler: (request, env) =>
    Effect.gen(function*() {
      yield* env.tokens.countRequest
      const { credentials, tokens } = env
      if (!(request.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        return yield* oauthFailure(400, "invalid_request", "The body must be application/x-www-form-urlencoded.")
      }
      const appKey = request.headers["x-app-key"]
      if (appKey === undefined || !appKeyPattern.test(appKey) || !sameSecret(appKey, credentials.appKey)) {
        return yield* oauthFailure(401, "invalid_client", "The x-app-key header is missing or is not a registered application key.")
      }
      const client = basicCredentials(request.headers["authorization"])
      if (client === undefined) {
        return yield* oauthFailure(401, "invalid_client", "A Basic authorization header with the client id and secret is required.")
      }
      // During a rotation OHIP accepts the new secret beside the old one.
      const extra = yield* tokens.extraSecrets
      const secretOk = sameSecret(client.clientSecret, credentials.clientSecret) ||
        extra.some((secret) => sameSecret(client.clientSecret, Redacted.make(secret)))
      if (client.clientId !== credentials.clientId || !secretOk) {
        return yield* oauthFailure(401, "invalid_client", "The client id or client secret is not valid.")
      }
      const enterpriseId = request.headers["enterpriseid"]
      if (enterpriseId !== undefined) {
        if (!enterpriseIdPattern.test(enterpriseId)) {
          return yield* oauthFailure(400, "invalid_request", "The enterpriseId header must be 1 to 8 of A-Z and 0-9.")
        }
        if (enterpriseId !== credentials.enterpriseId) {
          return yield* oauthFailure(401, "invalid_client", "The enterpriseId does not belong to this client.")
        }
      }
      const form = yield* Schema.decodeUnknownEither(TokenForm)(request.body ?? {}).pipe(
        Either.mapLeft(() => oauthFailure(400, "invalid_request", "The form body could not be read."))
      )
      switch (form.grant_type) {
        case undefined:
          return yield* oauthFailure(400, "invalid_request", "grant_type is required.")
        case "client_credentials":
          if (form.scope === undefined || form.scope.trim() === "") {
            return yield* oauthFailure(400, "invalid_scope", "scope is required with the client_credentials grant.")
          }
          break
        case "password":
          if (form.username === undefined || form.password === undefined) {
            return yield* oauthFailure(400, "invalid_request", "username and password are required with the password grant.")
          }
          if (form.username !== credentials.username || !sameSecret(form.password, credentials.password)) {
            return yield* oauthFailure(401, "invalid_grant", "The username or password is not valid.")
          }
          break
        default:
          return yield* oauthFailure(400, "unsupported_grant_type", "grant_type must be client_credentials or password.")
      }
      const accessToken = yield* tokens.issue(env.tokenLifetimeSeconds)
      return {
        status: 200,
        body: {
          access_token: accessToken,
          expires_in: env.tokenLifetimeSeconds,
          token_type: "Bearer",
          oracle_tk_context: "user_assertion"
        },
        headers: { "cache-control": "no-store", pragma: "no-cache" }
      }
    })
}]
