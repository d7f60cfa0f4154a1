import { Effect, Either, Option, Schema } from "effect"
import type { KeyObject } from "node:crypto"
import { createSecretKey, randomFillSync } from "node:crypto"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { openAesGcm, sealAesGcm } from "./aead.js"
import { decodeKeySetting, KeyMisconfigured } from "./keyMaterial.js"
import { deriveKey, hmacSha256 } from "./mac.js"
import type { OpeningKey } from "./sealedCheck.js"

const salt = "opera-cloud-mcp/keyring/v1"
const sealedVersion = 1
export const masterKeySetting = "OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY"

/** Why a sealed value could not be opened. `keyId` is safe to show; it identifies, never reveals, a key. */
export class SealedOpenFailed extends Schema.TaggedError<SealedOpenFailed>()("SealedOpenFailed", {
  reason: Schema.Literal("wrong_key", "malformed", "tampered", "key_missing"),
  keyId: Schema.String,
  message: Schema.String
}) {}

/**
 * Data keys derived with HKDF from one 32-byte master key. A key id is
 * `<fingerprint>.<generation>`: the fingerprint identifies the master key, the
 * generation counts rotations. Sealed values carry their key id, so old values
 * stay readable after a rotation and a value sealed under another master key is
 * reported as such instead of failing as garbage.
 */
export interface KeyringShape {
  /** Identifies the master key (a keyed hash, 16 hex chars); safe to print. */
  readonly fingerprint: string
  readonly keyId: (generation: number) => string
  /** Parses `<fingerprint>.<generation>`; None when malformed. */
  readonly parseKeyId: (keyId: string) => Option.Option<{ readonly fingerprint: string; readonly generation: number }>
  /** AES-256-GCM under the data key of `generation`: `version ‖ keyIdLength ‖ keyId ‖ iv ‖ ct ‖ tag`. */
  readonly seal: (generation: number, plaintext: Uint8Array, aad: Uint8Array) => Buffer
  readonly open: (sealed: Uint8Array, aad: Uint8Array) => Either.Either<Buffer, SealedOpenFailed>
  /** A 32-byte subkey for one purpose (HMAC chain, keyed hashes, signing seed). */
  readonly subkey: (purpose: string) => Buffer
  /**
   * The header and data key of `generation`, for `makeSealedCheck` in verify's worker threads
   * (in this process only). The key is a KeyObject: never log it or put it in a message.
   */
  readonly openingKey: (generation: number) => OpeningKey
}

export const makeKeyring = (master: Uint8Array): KeyringShape => {
  const fingerprint = hmacSha256(deriveKey(master, salt, "key-fingerprint"), "fingerprint").subarray(0, 8)
    .toString("hex")
  // Derived keys are cached per instance; never at module level.
  const dataKeys = new Map<number, KeyObject>()
  const dataKey = (generation: number): KeyObject => {
    const cached = dataKeys.get(generation)
    if (cached !== undefined) return cached
    const key = createSecretKey(deriveKey(master, salt, `data-key/${generation}`))
    dataKeys.set(generation, key)
    return key
  }
  // IVs come from the CSPRNG in blocks (one syscall per 1024 IVs); each IV is used once.
  const ivBlock = Buffer.alloc(12 * 1024)
  let ivOffset = ivBlock.length
  const nextIv = () => {
    if (ivOffset >= ivBlock.length) {
      randomFillSync(ivBlock)
      ivOffset = 0
    }
    ivOffset += 12
    return Buffer.from(ivBlock.subarray(ivOffset - 12, ivOffset))
  }
  const keyId = (generation: number) => `${fingerprint}.${generation}`
  const parseKeyId = (id: string) => {
    const match = /^([0-9a-f]{16})\.([1-9][0-9]{0,8})$/.exec(id)
    return match === null || match[1] === undefined || match[2] === undefined
      ? Option.none()
      : Option.some({ fingerprint: match[1], generation: Number(match[2]) })
  }

  // `version ‖ keyIdLength ‖ keyId`: what every value sealed under `generation` begins with (cached like the keys).
  const headers = new Map<number, Buffer>()
  const headerOf = (generation: number): Buffer => {
    const cached = headers.get(generation)
    if (cached !== undefined) return cached
    const id = Buffer.from(keyId(generation), "ascii")
    const header = Buffer.concat([Buffer.from([sealedVersion, id.length]), id])
    headers.set(generation, header)
    return header
  }

  const seal = (generation: number, plaintext: Uint8Array, aad: Uint8Array): Buffer => {
    const header = headerOf(generation)
    const body = sealAesGcm(dataKey(generation), plaintext, Buffer.concat([header, aad]), nextIv())
    return Buffer.concat([header, body])
  }

  const open = (sealed: Uint8Array, aad: Uint8Array): Either.Either<Buffer, SealedOpenFailed> => {
    const idLength = sealed[1] ?? 0
    const fail = (reason: SealedOpenFailed["reason"], id: string, message: string) =>
      Either.left(new SealedOpenFailed({ reason, keyId: id, message }))
    if (sealed[0] !== sealedVersion || sealed.length < 2 + idLength) {
      return fail("malformed", "unknown", "encrypted value is malformed")
    }
    const id = Buffer.from(sealed.subarray(2, 2 + idLength)).toString("ascii")
    const parsed = parseKeyId(id)
    if (Option.isNone(parsed)) return fail("malformed", "unknown", "encrypted value has no readable key id")
    if (parsed.value.fingerprint !== fingerprint) {
      return fail("wrong_key", id, `key does not match (value sealed under key id ${id}, configured key is ${fingerprint})`)
    }
    const header = sealed.subarray(0, 2 + idLength)
    return openAesGcm(dataKey(parsed.value.generation), sealed.subarray(2 + idLength), Buffer.concat([header, aad])).pipe(
      Either.mapLeft((reason) =>
        new SealedOpenFailed({
          reason: reason === "malformed" ? "malformed" : "tampered",
          keyId: id,
          message: `encrypted value failed authentication (key id ${id})`
        })
      )
    )
  }

  const subkey = (purpose: string) => deriveKey(master, salt, `subkey/${purpose}`)

  const openingKey = (generation: number): OpeningKey => ({
    header: Buffer.from(headerOf(generation)),
    key: dataKey(generation)
  })

  return { fingerprint, keyId, parseKeyId, seal, open, subkey, openingKey }
}

/** Decodes the base64 master key setting into a keyring; a clear error names the setting, never the value. */
export const keyringFromSetting = (
  value: Parameters<typeof decodeKeySetting>[1]
): Either.Either<KeyringShape, KeyMisconfigured> =>
  decodeKeySetting(masterKeySetting, value).pipe(Either.map(makeKeyring))

/**
 * The keyring of the configured OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY, for
 * services other than the audit log (which also handles the ephemeral case).
 */
export class Keyring extends Effect.Service<Keyring>()("opera/Keyring", {
  effect: Effect.gen(function*() {
    const security = yield* SecurityConfig
    if (Option.isNone(security.auditDbEncryptionKey)) {
      return yield* new KeyMisconfigured({
        setting: masterKeySetting,
        message: `${masterKeySetting} is not set; run \`opera-cloud-mcp keys generate\` and set it`
      })
    }
    return yield* keyringFromSetting(security.auditDbEncryptionKey.value)
  }),
  dependencies: [SecurityConfig.Default]
}) {}
