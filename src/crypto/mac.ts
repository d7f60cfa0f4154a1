import type { KeyObject } from "node:crypto"
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto"

/**
 * HKDF-SHA256 (RFC 5869) subkey of `length` bytes. The salt names the
 * application and the info names the purpose, so keys for different uses
 * never coincide even though they come from one master key.
 */
export const deriveKey = (master: Uint8Array, salt: string, info: string, length = 32): Buffer =>
  Buffer.from(hkdfSync("sha256", master, salt, info, length))

/** HMAC-SHA256 over the concatenation of `parts`. */
export const hmacSha256 = (key: Uint8Array | KeyObject, ...parts: ReadonlyArray<Uint8Array | string>): Buffer => {
  const mac = createHmac("sha256", key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}

/** Keyed hash of a value as hex, truncated to `bytes` bytes: groups equal values without revealing them. */
export const keyedHashHex = (key: Uint8Array | KeyObject, value: string, bytes = 16): string =>
  hmacSha256(key, value).subarray(0, bytes).toString("hex")

/** Compares two MACs in constant time; different lengths are simply unequal. */
export const macEqual = (left: Uint8Array, right: Uint8Array): boolean =>
  left.length === right.length && timingSafeEqual(left, right)
