import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto"
import { Effect, Redacted } from "effect"

/**
 * The credentials one sandbox run accepts. Secrets are random per start
 * unless the caller fixes them, and stay `Redacted` so they print as <redacted>.
 */
export interface SandboxCredentials {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** A UUID v4, as the spec's x-app-key pattern demands. */
  readonly appKey: Redacted.Redacted<string>
  /** 1–8 of A–Z0–9, as the spec's enterpriseId header demands. */
  readonly enterpriseId: string
  readonly scope: string
  /** For the password grant. */
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

export type SandboxCredentialsInput = {
  readonly [K in keyof SandboxCredentials]?: SandboxCredentials[K] extends Redacted.Redacted<string>
    ? string | Redacted.Redacted<string>
    : SandboxCredentials[K]
}

const asRedacted = (value: string | Redacted.Redacted<string>) =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

export const makeCredentials = (input: SandboxCredentialsInput = {}): Effect.Effect<SandboxCredentials> =>
  Effect.sync(() => ({
    clientId: input.clientId ?? "sandbox-client",
    clientSecret: asRedacted(input.clientSecret ?? randomBytes(32).toString("base64url")),
    appKey: asRedacted(input.appKey ?? randomUUID()),
    enterpriseId: input.enterpriseId ?? "SANDBOX",
    scope: input.scope ?? "urn:opc:hgbu:ws:__myscopes__",
    username: input.username ?? "sandbox-integration-user",
    password: asRedacted(input.password ?? randomBytes(18).toString("base64url"))
  }))

/** Constant-time comparison of a presented secret with the expected one. */
export const sameSecret = (presented: string, expected: Redacted.Redacted<string>): boolean => {
  const digest = (value: string) => createHash("sha256").update(value).digest()
  return timingSafeEqual(digest(presented), digest(Redacted.value(expected)))
}
