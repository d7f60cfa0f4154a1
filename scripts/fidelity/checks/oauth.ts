import { Either, Redacted, Schema } from "effect"
import { OAuth2TokenResponse } from "../../../src/connectors/opera/client/OAuth.js"
import type { Exchange } from "../../../src/connectors/opera/sandbox/traffic.js"
import type { OhipSpecs } from "../ohip/specs.js"

/**
 * The token call beyond what oauth.json's parameters express (those are
 * checked like any request): a Basic header of base64(clientId:secret) for
 * the credentials in use, the enterpriseId of the connection when one is set,
 * the grant's own form fields, no data-call headers, and a 200 answer whose
 * fields are exactly those oauth.json documents and the client decodes.
 */
export interface TokenCredentials {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly appKey: Redacted.Redacted<string>
}

export const tokenCallProblems = (
  specs: OhipSpecs,
  exchange: Pick<Exchange, "headers" | "body" | "status" | "responseBody">,
  credentials: TokenCredentials,
  enterpriseId: string | undefined
): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const basic = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(exchange.headers["authorization"] ?? "")?.[1]
  const expected = `${credentials.clientId}:${Redacted.value(credentials.clientSecret)}`
  if (basic === undefined) problems.push("authorization is not a Basic header")
  else if (Buffer.from(basic, "base64").toString("utf8") !== expected) {
    problems.push("the Basic header does not carry base64(clientId:clientSecret) of the connection")
  }
  if (exchange.headers["x-app-key"] !== Redacted.value(credentials.appKey)) {
    problems.push("x-app-key is not the connection's application key")
  }
  if (exchange.headers["enterpriseid"] !== enterpriseId) {
    problems.push(enterpriseId === undefined ? "enterpriseId is sent without one configured" : "enterpriseId is not the configured one")
  }
  for (const header of ["x-hotelid"]) {
    if (exchange.headers[header] !== undefined) problems.push(`the token call carries the data-call header ${header}`)
  }
  const form = typeof exchange.body === "object" && exchange.body !== null ? exchange.body as Record<string, unknown> : {}
  const grant = form["grant_type"]
  if (grant === "client_credentials") {
    if (typeof form["scope"] !== "string" || form["scope"] === "") problems.push("client_credentials grant without scope")
    if (form["username"] !== undefined || form["password"] !== undefined) problems.push("client_credentials grant sends a username or password")
  } else if (grant === "password") {
    if (form["username"] === undefined || form["password"] === undefined) problems.push("password grant without username and password")
  }
  if (exchange.status === 200) {
    const body = exchange.responseBody as Record<string, unknown> | undefined
    const documented = Object.keys(
      (specs.load("oauth").definitions?.["OAuth2TokenResponse"] as { properties?: object } | undefined)?.properties ?? {}
    )
    for (const field of Object.keys(body ?? {})) {
      if (!documented.includes(field)) problems.push(`token response field ${field} is not in oauth.json`)
    }
    for (const field of documented) {
      if (body?.[field] === undefined) problems.push(`token response lacks ${field}`)
    }
    if (body?.["token_type"] !== "Bearer") problems.push("token_type is not Bearer")
    if (Either.isLeft(Schema.decodeUnknownEither(OAuth2TokenResponse)(body))) {
      problems.push("the client's OAuth2TokenResponse Schema does not accept the token response")
    }
  }
  return problems
}
