import { Either } from "effect"
import type { KeyObject } from "node:crypto"
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"

const ivLength = 12
const tagLength = 16

/**
 * AES-256-GCM with a random 96-bit IV. Output is `iv ‖ ciphertext ‖ tag`.
 * The AAD is authenticated but not stored: the caller rebuilds it from the
 * ciphertext's place (row, column), so a ciphertext moved elsewhere fails to open.
 */
export const sealAesGcm = (
  key: Uint8Array | KeyObject,
  plaintext: Uint8Array,
  aad: Uint8Array,
  iv: Uint8Array = randomBytes(ivLength)
): Buffer => {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: tagLength })
  cipher.setAAD(aad)
  const body = cipher.update(plaintext)
  const final = cipher.final()
  return Buffer.concat([iv, body, final, cipher.getAuthTag()])
}

/** Opens `iv ‖ ciphertext ‖ tag`; the 16-byte tag is checked, and any mismatch is a Left. */
export const openAesGcm = (
  key: Uint8Array | KeyObject,
  sealed: Uint8Array,
  aad: Uint8Array
): Either.Either<Buffer, "malformed" | "authentication_failed"> => {
  if (sealed.length < ivLength + tagLength) return Either.left("malformed")
  const iv = sealed.subarray(0, ivLength)
  const tag = sealed.subarray(sealed.length - tagLength)
  const body = sealed.subarray(ivLength, sealed.length - tagLength)
  return Either.try({
    try: () => {
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: tagLength })
      decipher.setAAD(aad)
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(body), decipher.final()])
    },
    catch: () => "authentication_failed" as const
  })
}
