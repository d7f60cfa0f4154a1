import type { KeyObject } from "node:crypto"
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from "node:crypto"

// DER prefixes for a raw 32-byte Ed25519 seed (PKCS#8) and public key (SPKI), RFC 8410.
const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex")
const spkiPrefix = Buffer.from("302a300506032b6570032100", "hex")

export interface SigningKeyPair {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** Raw 32-byte public key as base64: safe to print and to store beside a signature. */
  readonly publicKeyBase64: string
}

/** An Ed25519 key pair from its 32-byte seed. */
export const signingKeyFromSeed = (seed: Uint8Array): SigningKeyPair => {
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, seed]),
    format: "der",
    type: "pkcs8"
  })
  const publicKey = createPublicKey(privateKey)
  return { privateKey, publicKey, publicKeyBase64: publicKeyToBase64(publicKey) }
}

/** An Ed25519 public key from its raw 32 bytes. */
export const verifyKeyFromRaw = (raw: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.concat([spkiPrefix, raw]), format: "der", type: "spki" })

export const publicKeyToBase64 = (publicKey: KeyObject): string =>
  publicKey.export({ format: "der", type: "spki" }).subarray(spkiPrefix.length).toString("base64")

export const signEd25519 = (privateKey: KeyObject, message: Uint8Array): Buffer => sign(null, message, privateKey)

/** True when `signature` is a valid Ed25519 signature of `message`; malformed input is simply false. */
export const verifyEd25519 = (publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean =>
  signature.length === 64 && verify(null, message, publicKey, signature)

/** A fresh seed and its public key, as base64 (for `keys generate`). */
export const generateSigningKey = (): { readonly seedBase64: string; readonly publicKeyBase64: string } => {
  const seed = randomBytes(32)
  return { seedBase64: seed.toString("base64"), publicKeyBase64: signingKeyFromSeed(seed).publicKeyBase64 }
}
