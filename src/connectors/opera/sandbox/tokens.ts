import { randomBytes } from "node:crypto"
import { Clock, Effect, Ref } from "effect"

/**
 * Access tokens the sandbox issued: opaque random strings with an expiry
 * taken from Clock (so TestClock can age them) and a revoked flag.
 */
interface IssuedToken {
  readonly expiresAtMillis: number
  readonly revoked: boolean
}

interface TokenLedger {
  readonly tokens: ReadonlyMap<string, IssuedToken>
  readonly order: ReadonlyArray<string>
  readonly requests: number
}

export type TokenVerdict = "valid" | "unknown" | "expired" | "revoked"

export interface TokenStore {
  /** Counts one request to the token endpoint, successful or not. */
  readonly countRequest: Effect.Effect<void>
  readonly issue: (lifetimeSeconds: number) => Effect.Effect<string>
  readonly check: (token: string) => Effect.Effect<TokenVerdict>
  readonly revokeAll: Effect.Effect<void>
  readonly requests: Effect.Effect<number>
  readonly issued: Effect.Effect<ReadonlyArray<string>>
  /** Client secrets accepted besides the configured one (a rotation in progress). */
  readonly acceptSecret: (secret: string) => Effect.Effect<void>
  readonly extraSecrets: Effect.Effect<ReadonlyArray<string>>
}

export const makeTokenStore: Effect.Effect<TokenStore> = Effect.gen(function*() {
  const ledger = yield* Ref.make<TokenLedger>({ tokens: new Map(), order: [], requests: 0 })
  const secrets = yield* Ref.make<ReadonlyArray<string>>([])

  const issue = (lifetimeSeconds: number) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const token = randomBytes(36).toString("base64url")
      yield* Ref.update(ledger, (current) => ({
        ...current,
        tokens: new Map(current.tokens).set(token, { expiresAtMillis: now + lifetimeSeconds * 1000, revoked: false }),
        order: [...current.order, token]
      }))
      return token
    })

  const check = (token: string) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const entry = (yield* Ref.get(ledger)).tokens.get(token)
      if (entry === undefined) return "unknown" as const
      if (entry.revoked) return "revoked" as const
      return now >= entry.expiresAtMillis ? "expired" as const : "valid" as const
    })

  return {
    countRequest: Ref.update(ledger, (current) => ({ ...current, requests: current.requests + 1 })),
    issue,
    check,
    revokeAll: Ref.update(ledger, (current) => ({
      ...current,
      tokens: new Map([...current.tokens].map(([token, entry]) => [token, { ...entry, revoked: true }] as const))
    })),
    requests: Ref.get(ledger).pipe(Effect.map((current) => current.requests)),
    issued: Ref.get(ledger).pipe(Effect.map((current) => current.order)),
    acceptSecret: (secret: string) => Ref.update(secrets, (current) => [...current, secret]),
    extraSecrets: Ref.get(secrets)
  }
})
