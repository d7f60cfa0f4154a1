import { Effect, Option } from "effect"
import type { IncomingMessage } from "node:http"
import { AuditLog } from "../../security/AuditLog.js"
import type { AuthenticatedClient } from "../../security/clients/ClientRecord.js"
import { ClientStore } from "../../security/clients/ClientStore.js"
import { RateLimiter } from "../../security/RateLimiter.js"
import { looksLikeJwt, OAuthResource } from "../../security/jwt/OAuthResource.js"
import { Redactor } from "../../security/Redactor.js"
import { HttpRefusal } from "./HttpRefusal.js"

export const realm = "opera-cloud-mcp"

/** Where the RFC 9728 protected-resource metadata is served (OAuth mode only). */
export const protectedResourcePath = "/.well-known/oauth-protected-resource"

/** Who sent a request, as far as the network can tell. */
export interface RequestSource {
  /** The client's address after the trusted-proxy rule; undefined when the socket has none. */
  readonly peer: string | undefined
  readonly userAgent: string | undefined
}

const bearer = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization ?? "")
  return match?.[1]
}

/**
 * API-key authentication of one HTTP request and the lockout of sources that
 * guess keys. Failed attempts count toward `OPERA_SECURITY_MAX_FAILED_ATTEMPTS`
 * by source address (the address, or its keyed hash in GDPR mode, is the
 * limiter's id, prefixed `source:` so it never meets a client name); a
 * locked-out source is refused before its key is even looked at.
 */
export const makeAuthenticator = Effect.gen(function*() {
  const store = yield* ClientStore
  const limiter = yield* RateLimiter
  const audit = yield* AuditLog
  const redactor = yield* Redactor
  const oauth = yield* OAuthResource

  const sourceId = (source: RequestSource) => `source:${redactor.anonymize("ip", source.peer ?? "unknown")}`

  const sensitive = (source: RequestSource) => ({
    ...(source.peer !== undefined ? { ipAddress: redactor.anonymize("ip", source.peer) } : {}),
    ...(source.userAgent !== undefined ? { userAgent: redactor.anonymize("userAgent", source.userAgent.slice(0, 256)) } : {})
  })

  /** Append a security event about an unauthenticated request; audit trouble never turns a refusal into a pass. */
  const auditRefusal = (source: RequestSource, errorTag: string) =>
    audit.append({
      kind: "security",
      clientId: "unauthenticated",
      tool: "http",
      outcome: "refused",
      errorTag,
      sensitive: sensitive(source)
    }).pipe(Effect.ignore)

  /** Refuse a locked-out source at once, with Retry-After. */
  const checkSource = Effect.fn("HttpAuth.checkSource")(function*(source: RequestSource) {
    const id = sourceId(source)
    const lockouts = yield* limiter.lockouts
    const lockout = lockouts.find((entry) => entry.clientId === id)
    if (lockout === undefined) return
    const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    return yield* new HttpRefusal({
      status: 429,
      message: "Too many failed attempts from this network address; try again later.",
      headers: { "retry-after": String(Math.max(1, Math.ceil((lockout.until - now) / 1000))) }
    })
  })

  /** Count one refusal against the source (failed key, refused peer); audit it and a new lockout. */
  const countFailure = Effect.fn("HttpAuth.countFailure")(function*(source: RequestSource, errorTag: string) {
    yield* auditRefusal(source, errorTag)
    const verdict = yield* limiter.recordFailure(sourceId(source), "authentication")
    if (verdict.lockedOut && verdict.newlyLockedOut) yield* auditRefusal(source, "SourceLockedOut")
  })

  /**
   * The client an `Authorization: Bearer <api key>` header belongs to. No
   * header: 401 with WWW-Authenticate and nothing else. A wrong, revoked or
   * malformed key: the same 401 (with `error="invalid_token"`), counted
   * toward the source's lockout and audited.
   */
  const authenticate = Effect.fn("HttpAuth.authenticate")(function*(
    authorization: string | undefined,
    source: RequestSource,
    challengeParams = ""
  ) {
    const key = bearer(authorization)
    if (key === undefined) {
      return yield* new HttpRefusal({
        status: 401,
        message: "authentication required",
        headers: { "www-authenticate": `Bearer realm="${realm}"${challengeParams}` },
        bare: true
      })
    }
    // In OAuth mode a JWT-shaped bearer is an access token; API keys keep working beside it.
    const client = Option.isSome(oauth.mode) && looksLikeJwt(key) ? yield* oauth.verify(key) : yield* store.authenticate(key).pipe(
      Effect.catchTag("ClientsFileProblem", (problem) =>
        Effect.logError(`http: ${problem.message}`).pipe(
          Effect.zipRight(Effect.fail(new HttpRefusal({
            status: 503,
            message: "The server cannot check credentials right now; try again later."
          })))
        ))
    )
    if (Option.isSome(client)) return client.value satisfies AuthenticatedClient
    yield* countFailure(source, "AuthenticationFailed")
    return yield* new HttpRefusal({
      status: 401,
      message: "invalid credentials",
      headers: { "www-authenticate": `Bearer realm="${realm}", error="invalid_token"${challengeParams}` },
      bare: true
    })
  })

  /**
   * `, resource_metadata="…"` for the 401 challenge in OAuth mode (RFC 9728),
   * built from the request's Host, which the caller has already allow-listed.
   */
  const challengeParams = (req: IncomingMessage): string => {
    if (Option.isNone(oauth.mode)) return ""
    const host = req.headers.host
    if (host === undefined || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return ""
    const scheme = "encrypted" in req.socket ? "https" : "http"
    return `, resource_metadata="${scheme}://${host}${protectedResourcePath}"`
  }

  return { checkSource, authenticate, countFailure, auditRefusal, challengeParams } as const
})

export type Authenticator = Effect.Effect.Success<typeof makeAuthenticator>
