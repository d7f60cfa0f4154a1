import { Clock, Duration, Effect, Either, Exit, Layer, Option, Redacted, Schema } from "effect"
import { OperaConnection } from "./OperaConnection.js"
import { SecurityConfig } from "../../../config/SecurityConfig.js"
import { openAesGcm, sealAesGcm } from "../../../crypto/aead.js"
import { decodeKeySetting } from "../../../crypto/keyMaterial.js"
import { masterKeySetting } from "../../../crypto/Keyring.js"
import { deriveKey } from "../../../crypto/mac.js"
import { StateStore } from "../../../security/state/StateStore.js"
import type { StateUnavailable } from "../../../security/state/StateStore.js"
import type { SharedToken, UpstreamStateShape } from "../../../security/state/upstreamState.js"
import { bindingOf, CachedPlain, TokenStoreLive } from "./TokenFileStore.js"
import type { CachedToken, RefreshTerms, TokenStoreShape } from "./TokenStore.js"
import { TokenStore } from "./TokenStore.js"

// How often a replica waiting for another one's token request looks for its token.
const pollEvery = Duration.millis(50)

export interface SharedTokenSettings {
  /** The AES-256-GCM key of the sealed token (derived from the master key). */
  readonly key: Uint8Array
  /** Endpoint, client id and enterprise id: a token sealed for another configuration does not open. */
  readonly binding: Buffer
  /** How long one replica may hold the refresh claim: its token request with retries, then the claim lapses. */
  readonly holdMs: number
  /** How long a replica without a valid token waits for the holder's before it asks OPERA itself. */
  readonly waitMs: number
}

/**
 * One OAuth token for every replica, in the state store, sealed with
 * AES-256-GCM exactly as the token file is (never in clear). A refresh is
 * claimed in the store (one holder at a time, the claim lapses by itself,
 * fenced so a late holder cannot overwrite a newer token); the others use the
 * still-valid old token, or wait for the holder's and adopt it. A sealed
 * value that does not open (another key, tampered) counts as absent, is
 * logged without its content, and is replaced by the next token. While the
 * store is unreachable, each replica fetches its own token.
 */
export const makeSharedTokenStore = (store: UpstreamStateShape, settings: SharedTokenSettings): TokenStoreShape => {
  const slot = settings.binding.toString("hex")

  const seal = (token: CachedToken) =>
    sealAesGcm(
      settings.key,
      Buffer.from(JSON.stringify({ ...token, accessToken: Redacted.value(token.accessToken) }), "utf8"),
      settings.binding
    ).toString("base64")

  const refused = Effect.logWarning(
    "shared OPERA token refused (another key or configuration, or changed in the store); a new one replaces it"
  ).pipe(Effect.as(Option.none<CachedToken>()))

  const open = (shared: SharedToken) =>
    Either.match(openAesGcm(settings.key, Buffer.from(shared.sealed, "base64"), settings.binding), {
      onLeft: () => refused,
      onRight: (plain) =>
        Schema.decodeUnknown(CachedPlain)(plain.toString("utf8")).pipe(
          Effect.map((token) => Option.some<CachedToken>({ ...token, accessToken: Redacted.make(token.accessToken) })),
          Effect.catchAll(() => refused)
        )
    })

  const read = (now: number) =>
    store.sharedToken(slot, now).pipe(
      Effect.flatMap(Option.match({
        onNone: () => Effect.succeed(Option.none<readonly [SharedToken, CachedToken]>()),
        onSome: (shared) => Effect.map(open(shared), Option.map((token) => [shared, token] as const))
      }))
    )

  const unshared = (what: string) => (error: StateUnavailable) =>
    Effect.logWarning(`shared OPERA token: ${what}; this replica goes on with its own`, { reason: error._tag })

  const release = (fence: number) => store.releaseTokenRefresh(slot, fence).pipe(Effect.catchAll(unshared("claim not released")))

  // Publishing releases the claim too; when it fails, the claim is given up on its own so nobody waits for the lapse.
  const publish = (token: CachedToken, fence: Option.Option<number>) =>
    Clock.currentTimeMillis.pipe(
      Effect.flatMap((now) => store.publishToken(slot, seal(token), fence, token.expiresAt, now)),
      Effect.asVoid,
      Effect.catchAll((error) =>
        unshared("not stored")(error).pipe(Effect.zipRight(Option.match(fence, { onNone: () => Effect.void, onSome: release })))
      )
    )

  const refresh = <E>(fetch: Effect.Effect<CachedToken, E>, terms: RefreshTerms): Effect.Effect<CachedToken, E> =>
    Effect.gen(function*() {
      const deadline = (yield* Clock.currentTimeMillis) + settings.waitMs
      for (;;) {
        const now = yield* Clock.currentTimeMillis
        const shared = yield* read(now)
        if (Option.isSome(shared) && terms.adopt(shared.value[1], now)) return shared.value[1]
        const claim = yield* store.claimTokenRefresh(slot, settings.holdMs, now)
        if (Option.isSome(claim)) {
          const fence = claim.value
          // Re-read under the claim: the previous holder may have published just before releasing.
          const again = yield* read(now)
          if (Option.isSome(again) && terms.adopt(again.value[1], now)) {
            yield* release(fence)
            return again.value[1]
          }
          // Published on success; released on failure or interruption, so the others need not wait for the lapse.
          return yield* fetch.pipe(
            Effect.onExit((exit) =>
              Exit.isSuccess(exit)
                ? publish(exit.value, Option.some(fence))
                : release(fence)
            ),
            Effect.mapError((error) => ({ fetchFailed: error }))
          )
        }
        // Another replica is fetching: keep using a valid token, or wait for the new one.
        if (Option.isSome(terms.meanwhile)) return terms.meanwhile.value
        if (now >= deadline) return yield* Effect.fail({ waitedTooLong: true } as const)
        yield* Effect.sleep(pollEvery)
      }
    }).pipe(
      Effect.catchAll((problem) =>
        "fetchFailed" in problem
          ? Effect.fail(problem.fetchFailed)
          : "waitedTooLong" in problem
          ? Effect.logWarning("shared OPERA token: another replica's token request did not finish; fetching one here")
            .pipe(Effect.zipRight(fetch))
          : unshared("the state store is unreachable")(problem).pipe(Effect.zipRight(fetch))
      )
    )

  const discard = (rejected: CachedToken) =>
    Clock.currentTimeMillis.pipe(
      Effect.flatMap(read),
      Effect.flatMap(Option.match({
        onNone: () => Effect.void,
        onSome: ([shared, token]) =>
          Redacted.value(token.accessToken) === Redacted.value(rejected.accessToken)
            ? store.dropToken(slot, shared)
            : Effect.void
      })),
      Effect.catchAll(unshared("refused token not dropped"))
    )

  return {
    load: Clock.currentTimeMillis.pipe(
      Effect.flatMap(read),
      Effect.map(Option.map(([, token]) => token)),
      Effect.catchAll((error) => unshared("not read")(error).pipe(Effect.as(Option.none<CachedToken>())))
    ),
    save: (token) => publish(token, Option.none()),
    refresh,
    discard
  }
}

/**
 * The token store for the state store in force: with Redis, the one sealed
 * token every replica shares (sealed under a key derived from
 * OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY, which must then be the same on every
 * replica); otherwise this process's own (memory, or the token file).
 */
export const TokenStoreForState = Layer.unwrapEffect(Effect.gen(function*() {
  const state = yield* StateStore
  if (state.kind !== "redis") return TokenStoreLive
  const security = yield* SecurityConfig
  if (Option.isNone(security.auditDbEncryptionKey)) {
    yield* Effect.logWarning(
      `the OAuth token is not shared between replicas: ${masterKeySetting} is not set to seal it in the state store`
    )
    return TokenStoreLive
  }
  const master = yield* decodeKeySetting(masterKeySetting, security.auditDbEncryptionKey.value)
  const connection = yield* OperaConnection
  return Layer.succeed(
    TokenStore,
    makeSharedTokenStore(state.upstream, {
      key: deriveKey(master, "opera-cloud-mcp", "shared-token/v1"),
      binding: bindingOf(connection.baseUrl, connection.clientId, connection.enterpriseId),
      // The token request has OPERA_TIMEOUT_MS and is retried twice with a short backoff.
      holdMs: connection.timeoutMs * 3 + 2000,
      waitMs: connection.timeoutMs + 2000
    })
  )
}))
