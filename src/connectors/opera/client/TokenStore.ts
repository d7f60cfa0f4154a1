import { Context, Effect, Layer, Option } from "effect"
import type { Redacted } from "effect"

export interface CachedToken {
  readonly accessToken: Redacted.Redacted<string>
  readonly fetchedAt: number
  readonly expiresAt: number
}

/** What `refresh` may settle for instead of fetching. */
export interface RefreshTerms {
  /** A token someone else fetched that is good enough to use at `now` (not due for refresh). */
  readonly adopt: (token: CachedToken, now: number) => boolean
  /** A still-valid token to keep using while someone else fetches the next one (refresh ahead). */
  readonly meanwhile: Option.Option<CachedToken>
}

/**
 * Where a token lives beyond this cache. Three real implementations: nowhere
 * (the default), an encrypted file bound to this configuration (token
 * binding), and the state store shared by every replica (Redis), which also
 * makes sure one replica at a time asks OPERA for a token.
 */
export interface TokenStoreShape {
  readonly load: Effect.Effect<Option.Option<CachedToken>>
  readonly save: (token: CachedToken) => Effect.Effect<void>
  /**
   * A new token: `fetch` is run (and its token saved) unless a token that
   * `terms.adopt` accepts is available, or another holder of this store is
   * fetching one already (then its token, or `terms.meanwhile`, is used).
   */
  readonly refresh: <E>(fetch: Effect.Effect<CachedToken, E>, terms: RefreshTerms) => Effect.Effect<CachedToken, E>
  /** OPERA refused `token`: forget it, unless a newer one has replaced it already. */
  readonly discard: (token: CachedToken) => Effect.Effect<void>
}

/** A store of this process only: a refresh is a fetch, whose token is then saved. */
export const localTokenStore = (store: {
  readonly load: Effect.Effect<Option.Option<CachedToken>>
  readonly save: (token: CachedToken) => Effect.Effect<void>
  readonly clear: Effect.Effect<void>
}): TokenStoreShape => ({
  load: store.load,
  save: store.save,
  refresh: (fetch) => Effect.tap(fetch, store.save),
  discard: () => store.clear
})

export class TokenStore extends Context.Tag("opera/TokenStore")<TokenStore, TokenStoreShape>() {
  /** Tokens live in memory only. */
  static readonly none = Layer.succeed(
    TokenStore,
    localTokenStore({ load: Effect.succeed(Option.none()), save: () => Effect.void, clear: Effect.void })
  )
}
