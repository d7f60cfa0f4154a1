import { Effect, Option } from "effect"
import type { IncomingMessage } from "node:http"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { AuditLog } from "../../security/AuditLog.js"
import type { AuthenticatedClient } from "../../security/clients/ClientRecord.js"
import { ClientStore } from "../../security/clients/ClientStore.js"
import { KeyRevocations } from "../../security/clients/KeyRevocations.js"
import { IncidentResponder } from "../../security/IncidentResponder.js"
import { failedAttemptsWindowMinutes, RateLimiter } from "../../security/RateLimiter.js"
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
 * limiter's id, prefixed `source:` so it never meets a client name). A
 * locked-out source is refused (429) for anything but a valid key or token:
 * behind a proxy many clients share one address, and a 256-bit key cannot be
 * guessed at any rate, so the lockout must not turn a stranger's wrong keys
 * into everyone's outage. A lockout opens an incident (alerts, like a threat).
 */
export const makeAuthenticator = Effect.gen(function*() {
  const store = yield* ClientStore
  const revocations = yield* KeyRevocations
  const limiter = yield* RateLimiter
  const audit = yield* AuditLog
  const redactor = yield* Redactor
  const oauth = yield* OAuthResource
  const incidents = yield* IncidentResponder
  const security = yield* SecurityConfig
  const windowMinutes = yield* failedAttemptsWindowMinutes

  const cannotCheck = new HttpRefusal({ status: 503, message: "The server cannot check credentials right now; try again later." })
  /** The client of an API key in the clients file, unless the key is revoked there or on any replica. */
  const apiKeyClient = (key: string) =>
    store.findActive(key).pipe(
      Effect.flatMap(Option.match({
        onNone: () => Effect.succeed(Option.none<AuthenticatedClient>()),
        onSome: (record) =>
          revocations.isRevoked(record).pipe(
            Effect.map((revoked) =>
              revoked ? Option.none<AuthenticatedClient>() : Option.some<AuthenticatedClient>({ name: record.name, policy: record.policy })
            )
          )
      })),
      Effect.catchTags({
        ClientsFileProblem: (problem) => Effect.logError(`http: ${problem.message}`).pipe(Effect.zipRight(Effect.fail(cannotCheck))),
        StateUnavailable: () =>
          Effect.logError("http: the shared key revocations cannot be read; API keys are refused until they can").pipe(
            Effect.zipRight(Effect.fail(cannotCheck))
          )
      })
    )

  const sourceId = (source: RequestSource) => `source:${redactor.anonymize("ip", source.peer ?? "unknown")}`

  const sensitive = (source: RequestSource) => ({
    ...(source.peer !== undefined ? { ipAddress: redactor.anonymize("ip", source.peer) } : {}),
    ...(source.userAgent !== undefined ? { userAgent: redactor.anonymize("userAgent", source.userAgent.slice(0, 256)) } : {})
  })

  /** Append a security event about an unauthenticated request; audit trouble never turns a refusal into a pass. */
  const auditRefusal = (source: RequestSource, errorTag: string, incidentId?: string) =>
    audit.append({
      kind: "security",
      clientId: "unauthenticated",
      tool: "http",
      outcome: "refused",
      errorTag,
      ...(incidentId !== undefined ? { correlationId: incidentId } : {}),
      sensitive: sensitive(source)
    }).pipe(Effect.ignore)

  /** When the lockout on this source ends, if it is locked out now. */
  const lockoutOf = (source: RequestSource) => limiter.lockoutOf(sourceId(source))

  const lockedOut = (until: number) =>
    Effect.clockWith((clock) => clock.currentTimeMillis).pipe(Effect.flatMap((now) =>
      new HttpRefusal({
        status: 429,
        message: "Too many failed attempts from this network address; try again later.",
        headers: { "retry-after": String(Math.max(1, Math.ceil((until - now) / 1000))) }
      })
    ))

  /**
   * A burst of failures from one source is an incident like a high threat:
   * one signed webhook and email per burst (the source stays locked for the
   * incident's block, so no second burst can start meanwhile).
   */
  const raiseIncident = Effect.fn("HttpAuth.raiseIncident")(function*(source: RequestSource) {
    if (!security.enableAutomaticIncidentResponse) return yield* auditRefusal(source, "SourceLockedOut")
    const incident = yield* incidents.open({
      clientId: sourceId(source),
      tool: "http",
      score: 1,
      threats: [{
        detector: "authentication",
        name: "failed_authentication_burst",
        score: 1,
        reason: `${security.maxFailedAttempts} failed authentications or refused requests from one source address ` +
          `within ${windowMinutes} minutes; the address is locked out for unknown keys`
      }]
    })
    yield* limiter.lockOut(sourceId(source), incident.blockedUntil)
    yield* auditRefusal(source, "SourceLockedOut", incident.id)
  })

  /**
   * Count one refusal (failed key, refused peer) against a source not locked
   * out yet; audit it, and the lockout it completes. A locked-out source's
   * further refusals are neither counted nor audited one by one.
   */
  const countFailure = Effect.fn("HttpAuth.countFailure")(function*(source: RequestSource, errorTag: string) {
    if (Option.isSome(yield* lockoutOf(source))) return
    yield* auditRefusal(source, errorTag)
    const verdict = yield* limiter.recordFailure(sourceId(source), "authentication")
    if (verdict.lockedOut && verdict.newlyLockedOut) yield* raiseIncident(source)
  })

  /**
   * The client an `Authorization: Bearer <api key>` header belongs to. No
   * header: 401 with WWW-Authenticate and nothing else. A wrong, revoked or
   * malformed key: the same 401 (with `error="invalid_token"`), counted
   * toward the source's lockout and audited. From a locked-out source,
   * anything but a valid key or token is 429 with Retry-After.
   */
  const authenticate = Effect.fn("HttpAuth.authenticate")(function*(
    authorization: string | undefined,
    source: RequestSource,
    challengeParams = ""
  ) {
    const key = bearer(authorization)
    if (key === undefined) {
      const lockout = yield* lockoutOf(source)
      if (Option.isSome(lockout)) return yield* lockedOut(lockout.value)
      return yield* new HttpRefusal({
        status: 401,
        message: "authentication required",
        headers: { "www-authenticate": `Bearer realm="${realm}"${challengeParams}` },
        bare: true
      })
    }
    // In OAuth mode a JWT-shaped bearer is an access token; API keys keep working beside it.
    const client = Option.isSome(oauth.mode) && looksLikeJwt(key) ? yield* oauth.verify(key) : yield* apiKeyClient(key)
    // A valid key is served whatever its address did, so only a refused request looks the lockout up
    // (one store round trip less per authenticated request on a shared store).
    if (Option.isSome(client)) return client.value satisfies AuthenticatedClient
    const lockout = yield* lockoutOf(source)
    if (Option.isSome(lockout)) return yield* lockedOut(lockout.value)
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

  return { authenticate, countFailure, auditRefusal, challengeParams } as const
})

export type Authenticator = Effect.Effect.Success<typeof makeAuthenticator>
