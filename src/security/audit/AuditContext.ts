import type { FileSystem } from "@effect/platform"
import { Clock, Effect, Option } from "effect"
import { randomUUID } from "node:crypto"
import type { KeyringShape } from "../../crypto/Keyring.js"
import type { SigningKeyPair } from "../../crypto/signing.js"
import type { AuditStore } from "./AuditStore.js"
import type { TrustedKey } from "./checkpoints.js"
import { AuditUnavailable } from "./errors.js"
import type { PeriodKeys } from "./periodKeys.js"
import { makePeriodKeys } from "./periodKeys.js"

/** Everything the journal, verify, retention and reports share about one open log. */
export interface AuditContext {
  readonly store: AuditStore
  readonly keyring: KeyringShape
  readonly logId: string
  /** HMAC key of the row chain. */
  readonly chainKey: Buffer
  /** HMAC key of `client_ref`, the keyed hash that groups a client without naming it. */
  readonly clientRefKey: Buffer
  readonly signer: SigningKeyPair
  readonly trusted: TrustedKey
  readonly checkpointEveryRows: number
  readonly checkpointDir: Option.Option<string>
  readonly fs: FileSystem.FileSystem
  /** The data keys personal fields are sealed under (one per UTC day), and the record of shredded ones. */
  readonly periodKeys: PeriodKeys
}

/**
 * Gives a fresh log its identity (a random log id, the key fingerprint and
 * data key generation 1) or reads the identity of an existing one, and refuses
 * a key that is not the one the log was created with.
 */
export const openAuditContext = (options: Omit<AuditContext, "logId" | "chainKey" | "clientRefKey" | "periodKeys">) =>
  Effect.gen(function*() {
    const { keyring, store } = options
    yield* store.initialise(randomUUID(), keyring.fingerprint, keyring.keyId(1), Math.floor(yield* Clock.currentTimeMillis))
    const meta = yield* store.meta
    const logId = meta.get("log_id")
    const fingerprint = meta.get("key_fingerprint")
    if (logId === undefined || fingerprint === undefined) {
      return yield* new AuditUnavailable({
        reason: "corrupt",
        message: `audit log ${store.path} has lost its identity rows; keep the file for investigation`
      })
    }
    if (fingerprint !== keyring.fingerprint) {
      return yield* new AuditUnavailable({
        reason: "wrong_key",
        message: `OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY does not match this audit log (key id ${fingerprint}; ` +
          `the configured key has id ${keyring.fingerprint}); set the key the log was created with`
      })
    }
    const periodKeys = yield* makePeriodKeys({
      sql: store.sql,
      failed: store.failed,
      keyring,
      logId,
      signer: options.signer,
      trusted: options.trusted
    })
    return {
      ...options,
      logId,
      periodKeys,
      chainKey: keyring.subkey("audit-chain"),
      clientRefKey: keyring.subkey("audit-client-ref")
    } satisfies AuditContext
  })
