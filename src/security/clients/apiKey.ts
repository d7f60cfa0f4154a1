import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"

/**
 * API keys are 256 random bits, shown once. Only HMAC-SHA256(salt, key) with a
 * per-client random salt is stored: a stolen clients file yields no key, and a
 * key with this much entropy needs no slow hash.
 */
export const apiKeyPrefix = "ocm_"

/** The shape every issued key has; anything else is refused before hashing. */
export const apiKeyPattern = /^ocm_[A-Za-z0-9_-]{43}$/

export const generateApiKey = (): string => `${apiKeyPrefix}${randomBytes(32).toString("base64url")}`

export const generateSalt = (): string => randomBytes(16).toString("base64")

export const hashApiKey = (apiKey: string, saltBase64: string): string =>
  createHmac("sha256", Buffer.from(saltBase64, "base64")).update(apiKey, "utf8").digest("base64")

export interface StoredKey {
  readonly salt: string
  readonly keyHash: string
}

/**
 * The index of the entry `apiKey` belongs to, or -1. Every entry is hashed and
 * compared in constant time and the loop never exits early, so the time taken
 * does not depend on which entry (if any) matches.
 */
export const findKey = (apiKey: string, entries: ReadonlyArray<StoredKey>): number => {
  // A malformed key is still hashed against every entry, so its shape does not show in the timing either.
  const wellFormed = apiKeyPattern.test(apiKey)
  let found = -1
  entries.forEach((entry, index) => {
    const expected = Buffer.from(entry.keyHash, "base64")
    const actual = Buffer.from(hashApiKey(apiKey, entry.salt), "base64")
    const same = expected.length === actual.length && timingSafeEqual(expected, actual)
    if (same && wellFormed && found === -1) found = index
  })
  return found
}
