import { Context, Effect, Layer, Option } from "effect"
import type { Redacted } from "effect"

export interface CachedToken {
  readonly accessToken: Redacted.Redacted<string>
  readonly fetchedAt: number
  readonly expiresAt: number
}

/**
 * Where a token survives a restart. Two real implementations: nowhere (the
 * default) and an encrypted file bound to this configuration (token binding).
 */
export interface TokenStoreShape {
  readonly load: Effect.Effect<Option.Option<CachedToken>>
  readonly save: (token: CachedToken) => Effect.Effect<void>
  readonly clear: Effect.Effect<void>
}

export class TokenStore extends Context.Tag("opera/TokenStore")<TokenStore, TokenStoreShape>() {
  /** Tokens live in memory only. */
  static readonly none = Layer.succeed(TokenStore, {
    load: Effect.succeed(Option.none()),
    save: () => Effect.void,
    clear: Effect.void
  })
}
