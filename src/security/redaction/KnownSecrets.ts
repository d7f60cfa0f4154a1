import { Effect, MutableRef, Option, Redacted } from "effect"
import { SecurityConfig } from "../../config/SecurityConfig.js"
import { optionalSecret } from "../../config/settings.js"
import { auditConfig } from "../audit/AuditConfig.js"
import { threatConfig } from "../threat/ThreatConfig.js"
import { piiHashKeyConfig } from "./policy.js"

/**
 * Shorter values are not masked: a secret of a few characters would match
 * ordinary words and numbers in OPERA data (and so much text would be masked
 * that results stop being useful), while real keys and tokens are far longer.
 */
export const minSecretLength = 8

// Tokens are kept for a while after they are replaced: a previous token may still be valid at OPERA.
const tokensKept = 8

/**
 * The server's own secret values, so the Redactor can mask them wherever they
 * occur in a result or an error: the configured keys (read here) and the live
 * OPERA credentials and tokens (fed by TokenCache, which owns them). It
 * depends on nothing but settings, so TokenCache and the Redactor can both use
 * it without a cycle.
 */
export class KnownSecrets extends Effect.Service<KnownSecrets>()("opera/KnownSecrets", {
  effect: Effect.gen(function*() {
    const security = yield* SecurityConfig
    const audit = yield* auditConfig
    const threat = yield* threatConfig
    const piiHashKey = yield* piiHashKeyConfig
    const requestStateKey = yield* optionalSecret("OPERA_MCP_REQUEST_STATE_KEY")
    const statePassword = yield* optionalSecret("OPERA_MCP_STATE_PASSWORD")
    const stateKey = yield* optionalSecret("OPERA_MCP_STATE_KEY")
    const text = (value: Option.Option<Redacted.Redacted<string>>) => Option.map(value, Redacted.value)
    const configured = [
      ["OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", text(security.auditDbEncryptionKey)],
      ["OPERA_SECURITY_AUDIT_SIGNING_KEY", text(audit.signingKey)],
      ["OPERA_SECURITY_WEBHOOK_SECRET", text(threat.webhookSecret)],
      ["OPERA_SECURITY_SMTP_PASSWORD", text(threat.smtpPassword)],
      ["OPERA_SECURITY_PII_HASH_KEY", Option.map(piiHashKey, (key) => Redacted.value(key).toString("base64"))],
      ["OPERA_MCP_REQUEST_STATE_KEY", text(requestStateKey)],
      ["OPERA_MCP_STATE_PASSWORD", text(statePassword)],
      ["OPERA_MCP_STATE_KEY", text(stateKey)]
    ] as const
    // Read synchronously by the Redactor's masks on every result (they are plain functions); written only
    // through `remember`, an Effect. State of this layer, never of the module.
    // Kept longest first, so a secret that contains another is masked whole.
    const longestFirst = (entries: ReadonlyArray<readonly [string, string]>) =>
      entries.filter(([, secret]) => secret.length >= minSecretLength).sort((a, b) => b[1].length - a[1].length)
    const known = MutableRef.make(longestFirst(
      configured.flatMap(([name, value]) => Option.isSome(value) ? [[name, value.value] as const] : [])
    ))

    /** Adds a secret under a name (the name, never the value, may be logged). Tokens are kept up to a bound. */
    const remember = (name: string, value: Redacted.Redacted<string>) =>
      Effect.sync(() => {
        const secret = Redacted.value(value)
        if (secret.length < minSecretLength) return
        MutableRef.update(known, (entries) => {
          if (entries.some(([, existing]) => existing === secret)) return entries
          const next = [...entries, [name, secret] as const]
          const tokens = next.filter(([entry]) => entry === "OPERA_TOKEN")
          return longestFirst(tokens.length > tokensKept ? next.filter((entry) => entry !== tokens[0]) : next)
        })
      })

    /** The secret values known now as (setting name, value), longest first. */
    const current = (): ReadonlyArray<readonly [string, string]> => MutableRef.get(known)

    return { remember, current } as const
  }),
  dependencies: [SecurityConfig.Default]
}) {}

