import { Either, Option } from "effect"
import type { KeyObject } from "node:crypto"
import { createSecretKey, randomBytes } from "node:crypto"
import { openAesGcm, sealAesGcm } from "./aead.js"
import type { OpeningKey } from "./sealedCheck.js"

const sealedVersion = 1

/**
 * A random data key, held in memory as a KeyObject, stored only wrapped
 * (AES-256-GCM under a key-encryption key, with AAD that binds it to what it
 * is for). Nothing derives it: once its wrapped copy is deleted, no key the
 * operator holds can bring it back, which is what makes destroying it a
 * shredding of everything sealed under it.
 */
export interface DataKey {
  readonly keyId: string
  readonly key: KeyObject
  /** `version ‖ keyIdLength ‖ keyId`: what every value sealed under this key begins with. */
  readonly header: Buffer
}

export const sealedHeader = (keyId: string): Buffer => {
  const id = Buffer.from(keyId, "ascii")
  return Buffer.concat([Buffer.from([sealedVersion, id.length]), id])
}

/** The key id a sealed value names in its header (the same layout Keyring.seal writes); None when malformed. */
export const sealedKeyIdOf = (sealed: Uint8Array): Option.Option<string> => {
  const idLength = sealed[1] ?? 0
  if (sealed[0] !== sealedVersion || idLength === 0 || sealed.length < 2 + idLength) return Option.none()
  return Option.some(Buffer.from(sealed.subarray(2, 2 + idLength)).toString("ascii"))
}

/** A fresh random 256-bit key and its wrapped form; the raw bytes are wiped once the KeyObject holds them. */
export const newWrappedKey = (
  keyId: string,
  kek: Uint8Array | KeyObject,
  aad: Uint8Array
): { readonly dataKey: DataKey; readonly wrapped: Buffer } => {
  const raw = randomBytes(32)
  const wrapped = sealAesGcm(kek, raw, aad)
  const key = createSecretKey(raw)
  raw.fill(0)
  return { dataKey: { keyId, key, header: sealedHeader(keyId) }, wrapped }
}

export const unwrapKey = (
  keyId: string,
  kek: Uint8Array | KeyObject,
  wrapped: Uint8Array,
  aad: Uint8Array
): Either.Either<DataKey, "malformed" | "authentication_failed"> =>
  openAesGcm(kek, wrapped, aad).pipe(
    Either.flatMap((raw) => {
      if (raw.length !== 32) return Either.left("malformed" as const)
      const key = createSecretKey(raw)
      raw.fill(0)
      return Either.right({ keyId, key, header: sealedHeader(keyId) })
    })
  )

/** AES-256-GCM under `dataKey`: `header ‖ iv ‖ ct ‖ tag`, the header authenticated with the AAD. */
export const sealUnder = (dataKey: DataKey, plaintext: Uint8Array, aad: Uint8Array): Buffer =>
  Buffer.concat([dataKey.header, sealAesGcm(dataKey.key, plaintext, Buffer.concat([dataKey.header, aad]))])

export const openUnder = (
  dataKey: DataKey,
  sealed: Uint8Array,
  aad: Uint8Array
): Either.Either<Buffer, "malformed" | "authentication_failed"> => {
  const { header } = dataKey
  if (sealed.length < header.length || !header.equals(sealed.subarray(0, header.length))) {
    return Either.left("malformed")
  }
  return openAesGcm(dataKey.key, sealed.subarray(header.length), Buffer.concat([header, aad]))
}

export const openingKeyOf = (dataKey: DataKey): OpeningKey => ({ header: Buffer.from(dataKey.header), key: dataKey.key })
