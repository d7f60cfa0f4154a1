import { HttpClient, HttpClientRequest } from "@effect/platform"
import type { HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Option, Redacted, Schema } from "effect"
import type { OperaConnectionShape } from "./OperaConnection.js"
import { randomUUID } from "node:crypto"
import { noteUpstreamRequest } from "../../../security/audit/UpstreamRequests.js"
import type { NetworkFailure } from "./errors.js"
import {
  networkFailureOf,
  networkFailureWords,
  OperaBadResponse,
  OperaRateLimited,
  OperaUnauthorized,
  OperaUnavailable,
  retryAfterMs
} from "./errors.js"
import { logUpstreamFailure, tokenOperation } from "./requestTelemetry.js"

/** The body of a successful `POST /oauth/v1/tokens` (oauth.json, OAuth2TokenResponse). */
export const OAuth2TokenResponse = Schema.Struct({
  access_token: Schema.String.pipe(Schema.minLength(1)),
  expires_in: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.positive())),
  token_type: Schema.optional(Schema.String),
  oracle_tk_context: Schema.optional(Schema.String)
})

export interface IssuedToken {
  readonly accessToken: Redacted.Redacted<string>
  /** Lifetime the server granted, in milliseconds. */
  readonly lifetimeMs: number
}

/** The credentials one token request is made with; rotation swaps the secret. */
export interface TokenCredentials {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}

const formBody = (connection: OperaConnectionShape): Record<string, string> =>
  Option.match(Option.all([connection.username, connection.password]), {
    onSome: ([username, password]) => ({
      grant_type: "password",
      username,
      password: Redacted.value(password)
    }),
    onNone: () => ({
      grant_type: "client_credentials",
      ...Option.match(connection.scope, { onNone: () => ({}), onSome: (scope) => ({ scope }) })
    })
  })

const rejectedCredentials = (status: number) =>
  new OperaUnauthorized({
    message: `OPERA refused the credentials (HTTP ${status}). Check OPERA_CLIENT_ID, OPERA_CLIENT_SECRET, ` +
      "OPERA_APP_KEY and OPERA_ENTERPRISE_ID (or OPERA_USERNAME/OPERA_PASSWORD for the password grant)."
  })

const unreachable = (network: NetworkFailure | undefined) =>
  new OperaUnavailable({
    reason: "connection",
    ...(network !== undefined ? { network } : {}),
    message: `Could not reach the OPERA token endpoint${network !== undefined ? ` (${networkFailureWords[network]})` : ""}.`
  })

/**
 * One token request as oauth.json documents it: Basic authentication with the
 * client id and secret, `x-app-key`, optional `enterpriseId`, a form body.
 */
export const requestToken = Effect.fn("OAuth.requestToken")(function*(
  client: HttpClient.HttpClient,
  connection: OperaConnectionShape,
  credentials: TokenCredentials
) {
  const basic = Buffer.from(`${credentials.clientId}:${Redacted.value(credentials.clientSecret)}`).toString("base64")
  const request = HttpClientRequest.post(`${connection.baseUrl}/oauth/v1/tokens`).pipe(
    HttpClientRequest.setHeaders({
      authorization: `Basic ${basic}`,
      "x-app-key": Redacted.value(connection.appKey),
      accept: "application/json",
      ...Option.match(connection.enterpriseId, { onNone: () => ({}), onSome: (id) => ({ enterpriseId: id }) })
    }),
    HttpClientRequest.bodyUrlParams(formBody(connection))
  )
  // oauth.json has no request id header: the correlation id is only logged and audited.
  const requestId = randomUUID()
  yield* noteUpstreamRequest(requestId)
  let status: number | undefined
  return yield* exchangeToken(client, request, connection).pipe(
    Effect.tap((response) => {
      status = response.status
    }),
    Effect.flatMap(readToken),
    Effect.tapError((error) =>
      logUpstreamFailure({
        host: new URL(connection.baseUrl).host,
        operation: tokenOperation,
        requestId,
        error,
        status
      })
    )
  )
})

const exchangeToken = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  connection: OperaConnectionShape
) =>
  client.execute(request).pipe(
    Effect.timeoutFail({
      duration: Duration.millis(connection.timeoutMs),
      onTimeout: () =>
        new OperaUnavailable({ reason: "timeout", message: "The OPERA token endpoint did not answer in time." })
    }),
    Effect.catchTags({
      RequestError: (error) => Effect.fail(unreachable(networkFailureOf(error.cause))),
      ResponseError: () => Effect.fail(unreachable("reset"))
    })
  )

const readToken = Effect.fnUntraced(function*(response: HttpClientResponse.HttpClientResponse) {
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    return yield* rejectedCredentials(response.status)
  }
  if (response.status === 429) {
    // Throttled, not broken: its own cause class, and the wait the gateway asks for (TokenCache honours it).
    const wait = retryAfterMs(response.headers["retry-after"])
    return yield* new OperaRateLimited({
      retryAfterMs: wait,
      message: `The OPERA token endpoint is throttling token requests (HTTP 429); retry after ${Math.ceil(wait / 1000)} s.`
    })
  }
  if (response.status >= 500) {
    return yield* new OperaUnavailable({
      reason: "server_error",
      message: `The OPERA token endpoint answered HTTP ${response.status}; try again shortly.`
    })
  }
  if (response.status !== 200) {
    return yield* new OperaBadResponse({ message: `The OPERA token endpoint answered HTTP ${response.status}.` })
  }
  const body = yield* response.json.pipe(
    Effect.flatMap(Schema.decodeUnknown(OAuth2TokenResponse)),
    Effect.mapError(() => new OperaBadResponse({ message: "The OPERA token endpoint sent a body that is not a token." }))
  )
  return {
    accessToken: Redacted.make(body.access_token),
    lifetimeMs: (body.expires_in ?? 3600) * 1000
  } satisfies IssuedToken
})
