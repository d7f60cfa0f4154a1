import { Effect, Either, Option } from "effect"
import { randomBytes } from "node:crypto"
import type { Redacted } from "effect"
import type { KeyringShape } from "../../crypto/Keyring.js"
import { keyringFromSetting, makeKeyring, masterKeySetting } from "../../crypto/Keyring.js"
import { decodeKeySetting, decodePublicSetting, KeyMisconfigured } from "../../crypto/keyMaterial.js"
import type { SigningKeyPair } from "../../crypto/signing.js"
import { signingKeyFromSeed, verifyKeyFromRaw } from "../../crypto/signing.js"
import type { TrustedKey } from "./checkpoints.js"

export const signingKeySetting = "OPERA_SECURITY_AUDIT_SIGNING_KEY"
export const verifyKeySetting = "OPERA_SECURITY_AUDIT_VERIFY_KEY"

export interface AuditKeys {
  readonly keyring: KeyringShape
  readonly signer: SigningKeyPair
  readonly trusted: TrustedKey
  /** True when no key was configured and a per-process key was made for an in-memory log. */
  readonly ephemeral: boolean
}

/**
 * The audit log's keys. Without OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY only an
 * in-memory log may run (with a per-process key that dies with it); a file
 * needs a key that survives restarts. Without a signing key, checkpoints are
 * signed with an Ed25519 key derived from the audit key.
 */
export const resolveAuditKeys = (settings: {
  readonly encryptionKey: Option.Option<Redacted.Redacted<string>>
  readonly signingKey: Option.Option<Redacted.Redacted<string>>
  readonly verifyKey: Option.Option<string>
  readonly path: string
}): Effect.Effect<AuditKeys, KeyMisconfigured> =>
  Effect.gen(function*() {
    const inMemory = settings.path === ":memory:"
    if (Option.isNone(settings.encryptionKey) && !inMemory) {
      return yield* new KeyMisconfigured({
        setting: masterKeySetting,
        message: `${masterKeySetting} is not set, and the audit log ${settings.path} needs a key that survives ` +
          "restarts: run `opera-cloud-mcp keys generate` and set the lines it prints"
      })
    }
    const keyring = Option.isSome(settings.encryptionKey)
      ? yield* keyringFromSetting(settings.encryptionKey.value)
      : makeKeyring(randomBytes(32))
    const seed = Option.isSome(settings.signingKey)
      ? yield* decodeKeySetting(signingKeySetting, settings.signingKey.value)
      : keyring.subkey("checkpoint-signing")
    const signer = signingKeyFromSeed(seed)
    if (Option.isSome(settings.verifyKey)) {
      const raw = yield* decodePublicSetting(verifyKeySetting, settings.verifyKey.value)
      const mismatch = new KeyMisconfigured({
        setting: verifyKeySetting,
        message: `${verifyKeySetting} is not the public half of the checkpoint signing key ` +
          `(${Option.isSome(settings.signingKey) ? signingKeySetting : "derived from " + masterKeySetting}); ` +
          "set the pair printed by `opera-cloud-mcp keys generate`"
      })
      const parsed = Either.try({ try: () => verifyKeyFromRaw(raw), catch: () => mismatch })
      if (Either.isLeft(parsed) || raw.toString("base64") !== signer.publicKeyBase64) return yield* mismatch
    }
    const trusted = { publicKey: signer.publicKey, publicKeyBase64: signer.publicKeyBase64 }
    return { keyring, signer, trusted, ephemeral: Option.isNone(settings.encryptionKey) }
  })
