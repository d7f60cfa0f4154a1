import type { createDecipheriv, KeyObject } from "node:crypto"

/**
 * What a thread needs to check sealed values of one key generation: the exact
 * header such values begin with (`version ‖ keyIdLength ‖ keyId`) and the
 * data key. The key is a KeyObject: it can be handed to a worker thread of
 * this process, and it prints as `SecretKeyObject {}`, never as its bytes.
 */
export interface OpeningKey {
  readonly header: Uint8Array
  /**
   * null: the key was destroyed (personal-data retention shredded it). A value under it cannot be
   * opened by anyone; it passes on its header alone and is vouched for by the row's chain MAC.
   */
  readonly key: KeyObject | null
}

export interface SealedCheckDeps {
  readonly createDecipheriv: typeof createDecipheriv
}

/**
 * A yes/no twin of `KeyringShape.open` for bulk checks (verify's fast pass):
 * true when `sealed` opens under one of `keys` with `aad`, i.e. its header is
 * one of theirs and its AES-256-GCM tag holds over `header ‖ aad`. It never
 * says why a value fails; the caller re-checks a failure with the keyring,
 * which names it. A generation not in `keys` fails here too.
 *
 * Self-contained (nothing outside its body but the global Buffer): worker
 * threads run it from its source text.
 */
export const makeSealedCheck = (keys: ReadonlyArray<OpeningKey>, deps: SealedCheckDeps) => {
  const ivLength = 12
  const tagLength = 16
  const startsWith = (sealed: Uint8Array, header: Uint8Array) => {
    for (let index = 0; index < header.length; index++) {
      if (sealed[index] !== header[index]) return false
    }
    return true
  }
  // One buffer for `header ‖ aad`, grown when needed: no allocation per value.
  let scratch = Buffer.allocUnsafe(256)
  return (sealed: Uint8Array, aad: Uint8Array): boolean => {
    for (const { header, key } of keys) {
      if (sealed.length < header.length + ivLength + tagLength || !startsWith(sealed, header)) continue
      if (key === null) return true
      const aadLength = header.length + aad.length
      if (scratch.length < aadLength) scratch = Buffer.allocUnsafe(aadLength * 2)
      scratch.set(header, 0)
      scratch.set(aad, header.length)
      const decipher = deps.createDecipheriv(
        "aes-256-gcm",
        key,
        sealed.subarray(header.length, header.length + ivLength),
        { authTagLength: tagLength }
      )
      decipher.setAAD(scratch.subarray(0, aadLength))
      decipher.setAuthTag(sealed.subarray(sealed.length - tagLength))
      decipher.update(sealed.subarray(header.length + ivLength, sealed.length - tagLength))
      // Plain synchronous code (no Effect here): `final` throws exactly when the tag does not hold.
      try {
        decipher.final()
        return true
      } catch {
        return false
      }
    }
    return false
  }
}

export type SealedCheck = ReturnType<typeof makeSealedCheck>
