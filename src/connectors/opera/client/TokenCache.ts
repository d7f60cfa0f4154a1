import { FileSystem, HttpClient } from "@effect/platform"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Clock, Duration, Effect, Option, Redacted, Ref, Schedule } from "effect"
import { OperaConnection } from "./OperaConnection.js"
import { SecurityConfig } from "../../../config/SecurityConfig.js"
import { AuditLog } from "../../../security/AuditLog.js"
import { KnownSecrets } from "../../../security/redaction/KnownSecrets.js"
import type { OperaError } from "./errors.js"
import type { TokenCredentials } from "./OAuth.js"
import { requestToken } from "./OAuth.js"
import type { CachedToken, RefreshTerms } from "./TokenStore.js"
import { TokenStore } from "./TokenStore.js"


/** What the health check may show about the token: never the token itself. */
export interface TokenState {
  readonly status: "none" | "valid" | "expired"
  readonly expiresInSeconds?: number
  readonly lastRefreshFailure?: string
  readonly tokenRequests: number
}

// A token is never handed out closer than this to its expiry, whatever the refresh threshold.
const hardExpiryMarginMs = 30_000
const refreshCheckEvery = Duration.seconds(15)
const secretFileCheckEvery = Duration.seconds(30)
// Longest Retry-After of a throttled token request that is waited out; a longer one fails the call at once.
const maxTokenRetryAfterMs = 5_000

const tokenRetries = Schedule.exponential("200 millis").pipe(
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(2)),
  Schedule.zipRight(Schedule.identity<OperaError>()),
  Schedule.modifyDelay((error, backoff) =>
    error._tag === "OperaRateLimited" ? Duration.max(backoff, Duration.millis(error.retryAfterMs)) : backoff
  )
)

/**
 * OAuth2 tokens for the configured OPERA credentials. One token request serves
 * any number of concurrent callers (single flight), a scoped fiber refreshes
 * ahead of expiry, and a 401 from OPERA invalidates the token it was sent with.
 */
export class TokenCache extends Effect.Service<TokenCache>()("opera/TokenCache", {
  scoped: Effect.gen(function*() {
    const connection = yield* OperaConnection
    const security = yield* SecurityConfig
    const http = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerPropagation(false))
    const store = yield* TokenStore
    const fs = yield* FileSystem.FileSystem
    const audit = yield* AuditLog
    // Every credential and token this cache holds is made known, so a result that echoes one is masked.
    const secrets = yield* KnownSecrets
    yield* secrets.remember("OPERA_CLIENT_SECRET", connection.clientSecret)
    yield* secrets.remember("OPERA_APP_KEY", connection.appKey)
    yield* secrets.remember(
      "OPERA_CLIENT_SECRET",
      Redacted.make(Buffer.from(`${connection.clientId}:${Redacted.value(connection.clientSecret)}`).toString("base64"))
    )
    if (Option.isSome(connection.password)) yield* secrets.remember("OPERA_PASSWORD", connection.password.value)
    // Authentication events go to the audit log; a failure to record one never blocks the token itself.
    const recordAuth = (outcome: "success" | "failure", details: string, errorTag?: string) =>
      audit.append({
        kind: "auth",
        clientId: "opera-oauth",
        outcome,
        ...(errorTag !== undefined ? { errorTag } : {}),
        sensitive: { details }
      }).pipe(Effect.catchAll((problem) => Effect.logWarning("audit: authentication event not recorded", { reason: problem.reason })))
    const grant = Option.isSome(connection.username) ? "password" : "client_credentials"
    const credentials = yield* Ref.make<TokenCredentials>({
      clientId: connection.clientId,
      clientSecret: connection.clientSecret
    })
    const current = yield* Ref.make(Option.none<CachedToken>())
    const requests = yield* Ref.make(0)
    const lastFailure = yield* Ref.make(Option.none<string>())
    // One permit: whoever holds it is the single flight; everyone else waits and reuses its token.
    const flight = yield* Effect.makeSemaphore(1)
    const maxLifetimeMs = security.tokenMaxLifetimeHours * 3_600_000
    const refreshAheadMs = security.tokenRefreshThresholdMinutes * 60_000

    const usable = (token: CachedToken, now: number) => now < token.expiresAt - hardExpiryMarginMs

    const fetchWith = (creds: TokenCredentials) =>
      Effect.gen(function*() {
        yield* Ref.update(requests, (n) => n + 1)
        const issued = yield* requestToken(http, connection, creds)
        const fetchedAt = yield* Clock.currentTimeMillis
        yield* secrets.remember("OPERA_TOKEN", issued.accessToken)
        return {
          accessToken: issued.accessToken,
          fetchedAt,
          expiresAt: fetchedAt + Math.min(issued.lifetimeMs, maxLifetimeMs)
        } satisfies CachedToken
      })

    // Transient failures of the token endpoint are retried a few times with jitter; refusals are not. A 429 is
    // retried no sooner than its Retry-After asks, and only when that wait is short enough for a waiting call.
    const fetchFresh = Ref.get(credentials).pipe(
      Effect.flatMap(fetchWith),
      Effect.retry({
        schedule: tokenRetries,
        while: (error: OperaError) =>
          error._tag === "OperaUnavailable" ||
          (error._tag === "OperaRateLimited" && error.retryAfterMs <= maxTokenRetryAfterMs)
      }),
      Effect.tap(() =>
        Ref.set(lastFailure, Option.none()).pipe(
          Effect.zipRight(recordAuth("success", `OPERA token fetched (${grant} grant)`))
        )
      ),
      Effect.tapError((error) =>
        Ref.set(lastFailure, Option.some(error.message)).pipe(
          Effect.zipRight(recordAuth("failure", `OPERA token request failed: ${error.message}`, error._tag))
        )
      )
    )

    /**
     * A new token through the store: fetched here, or (with a store the replicas share) the one another
     * replica fetched meanwhile. Every token this cache hands out is known to the redaction.
     */
    const renew = (terms: RefreshTerms) =>
      store.refresh(fetchFresh, terms).pipe(
        Effect.tap((token) =>
          secrets.remember("OPERA_TOKEN", token.accessToken).pipe(Effect.zipRight(Ref.set(current, Option.some(token))))
        )
      )

    const restored = yield* store.load
    if (Option.isSome(restored) && usable(restored.value, yield* Clock.currentTimeMillis)) {
      yield* secrets.remember("OPERA_TOKEN", restored.value.accessToken)
      yield* Ref.set(current, restored)
    }

    const refreshIfDue = (force: boolean) =>
      flight.withPermits(1)(
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const cached = yield* Ref.get(current)
          const dueAt = (token: CachedToken, at: number) => at >= token.expiresAt - refreshAheadMs || !usable(token, at)
          const due = Option.match(cached, { onNone: () => true, onSome: (token) => force || dueAt(token, now) })
          if (!due) return Option.getOrThrow(cached)
          return yield* renew({
            adopt: (token, at) => !force && !dueAt(token, at),
            meanwhile: Option.filter(cached, (token) => !force && usable(token, now))
          })
        })
      )

    /** A valid access token: cached when possible, otherwise one shared request (untraced: on every call). */
    const get = Effect.fnUntraced(function*() {
      const now = yield* Clock.currentTimeMillis
      const cached = yield* Ref.get(current)
      if (Option.isSome(cached) && usable(cached.value, now)) return cached.value.accessToken
      const token = yield* flight.withPermits(1)(
        Effect.gen(function*() {
          // Re-read under the permit: the caller before us may have fetched it already.
          const again = yield* Ref.get(current)
          const at = yield* Clock.currentTimeMillis
          return Option.isSome(again) && usable(again.value, at)
            ? again.value
            : yield* renew({ adopt: usable, meanwhile: Option.none() })
        })
      )
      return token.accessToken
    })

    /** Drops the token a request was refused with, unless a newer one has replaced it already. */
    const invalidate = (rejected: Redacted.Redacted<string>) =>
      Ref.modify(current, (cached): readonly [Option.Option<CachedToken>, Option.Option<CachedToken>] =>
        Option.isSome(cached) && Redacted.value(cached.value.accessToken) === Redacted.value(rejected)
          ? [cached, Option.none()]
          : [Option.none(), cached]
      ).pipe(Effect.flatMap(Option.match({ onNone: () => Effect.void, onSome: store.discard })))

    /**
     * Switches to a new client secret after proving it works: a token is fetched
     * with it first, and on failure the old secret stays in place.
     */
    const rotate = Effect.fn("TokenCache.rotate")(function*(newSecret: Redacted.Redacted<string>) {
      const next = { clientId: (yield* Ref.get(credentials)).clientId, clientSecret: newSecret }
      // Known before it is tried: OPERA's refusal could quote it.
      yield* secrets.remember("OPERA_CLIENT_SECRET", newSecret)
      yield* flight.withPermits(1)(
        Effect.gen(function*() {
          const token = yield* fetchWith(next)
          yield* Ref.set(credentials, next)
          yield* Ref.set(current, Option.some(token))
          yield* store.save(token)
        })
      ).pipe(
        Effect.tapBoth({
          onFailure: (error) =>
            recordAuth("failure", `credential rotation refused; the old secret stays in use: ${error.message}`, error._tag),
          onSuccess: () => recordAuth("success", "OPERA client secret rotated after a token was fetched with the new one")
        })
      )
    })

    const state = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const cached = yield* Ref.get(current)
      const failure = yield* Ref.get(lastFailure)
      const tokenRequests = yield* Ref.get(requests)
      const base = Option.match(cached, {
        onNone: () => ({ status: "none" as const }),
        onSome: (token) =>
          usable(token, now)
            ? { status: "valid" as const, expiresInSeconds: Math.floor((token.expiresAt - now) / 1000) }
            : { status: "expired" as const }
      })
      return {
        ...base,
        tokenRequests,
        ...Option.match(failure, { onNone: () => ({}), onSome: (lastRefreshFailure) => ({ lastRefreshFailure }) })
      } satisfies TokenState
    })

    // Refresh ahead of expiry; only once a token exists, so an idle server makes no requests.
    yield* Ref.get(current).pipe(
      Effect.flatMap((cached) => Option.isSome(cached) ? refreshIfDue(false) : Effect.void),
      Effect.catchAll((error) => Effect.logWarning("OPERA token refresh failed", { reason: error._tag })),
      Effect.repeat(Schedule.spaced(refreshCheckEvery)),
      Effect.forkScoped
    )

    // A secret kept in a file (OPERA_CLIENT_SECRET_FILE) is followed: when an operator (or `credentials rotate`)
    // replaces it, the new secret is proven with a token request and switched to; a refused one is left aside.
    yield* Option.match(connection.clientSecretFile, {
      onNone: () => Effect.void,
      onSome: (file) =>
        Effect.gen(function*() {
          const tried = yield* Ref.make(Option.none<string>())
          yield* Effect.gen(function*() {
            const text = (yield* fs.readFileString(file)).trim()
            const inUse = Redacted.value((yield* Ref.get(credentials)).clientSecret)
            if (text === "" || text === inUse || Option.contains(yield* Ref.get(tried), text)) return
            yield* Ref.set(tried, Option.some(text))
            yield* rotate(Redacted.make(text)).pipe(
              Effect.catchAll((error) => Effect.logWarning("new client secret refused; the old one stays", { reason: error._tag }))
            )
          }).pipe(
            Effect.catchAll((error) => Effect.logWarning("client secret file unreadable", { reason: error._tag })),
            Effect.repeat(Schedule.spaced(secretFileCheckEvery)),
            Effect.forkScoped
          )
        })
    })

    return {
      get: get(),
      invalidate,
      rotate,
      state,
      /** Number of token requests sent so far (for tests and benchmarks). */
      tokenRequests: Ref.get(requests)
    } as const
  }),
  dependencies: [NodeFileSystem.layer, KnownSecrets.Default]
}) {}
