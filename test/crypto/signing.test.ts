import { describe, expect, it } from "@effect/vitest"
import { randomBytes } from "node:crypto"
import { deriveKey, hmacSha256, keyedHashHex, macEqual } from "../../src/crypto/mac.js"
import {
  generateSigningKey,
  signEd25519,
  signingKeyFromSeed,
  verifyEd25519,
  verifyKeyFromRaw
} from "../../src/crypto/signing.js"

describe("Ed25519", () => {
  it("signs and verifies; a changed message or signature fails", () => {
    const pair = signingKeyFromSeed(randomBytes(32))
    const message = Buffer.from("checkpoint 1000")
    const signature = signEd25519(pair.privateKey, message)
    expect(signature.length).toBe(64)
    expect(verifyEd25519(pair.publicKey, message, signature)).toBe(true)
    expect(verifyEd25519(pair.publicKey, Buffer.from("checkpoint 999"), signature)).toBe(false)
    const bent = Buffer.from(signature)
    bent[10] = bent[10]! ^ 1
    expect(verifyEd25519(pair.publicKey, message, bent)).toBe(false)
    expect(verifyEd25519(pair.publicKey, message, signature.subarray(0, 63))).toBe(false)
  })

  it("is deterministic from the seed, and the printed public key verifies", () => {
    const generated = generateSigningKey()
    const pair = signingKeyFromSeed(Buffer.from(generated.seedBase64, "base64"))
    expect(pair.publicKeyBase64).toBe(generated.publicKeyBase64)
    const publicKey = verifyKeyFromRaw(Buffer.from(generated.publicKeyBase64, "base64"))
    const message = Buffer.from("anchor")
    expect(verifyEd25519(publicKey, message, signEd25519(pair.privateKey, message))).toBe(true)
  })

  it("another key's signature does not verify", () => {
    const one = signingKeyFromSeed(randomBytes(32))
    const other = signingKeyFromSeed(randomBytes(32))
    const message = Buffer.from("x")
    expect(verifyEd25519(other.publicKey, message, signEd25519(one.privateKey, message))).toBe(false)
  })
})

describe("MAC helpers", () => {
  it("HKDF separates purposes and HMAC matches node's definition", () => {
    const master = randomBytes(32)
    expect(deriveKey(master, "s", "a").equals(deriveKey(master, "s", "b"))).toBe(false)
    expect(deriveKey(master, "s", "a").length).toBe(32)
    expect(hmacSha256(master, "ab", "c").equals(hmacSha256(master, "abc"))).toBe(true)
    expect(keyedHashHex(master, "client")).toMatch(/^[0-9a-f]{32}$/)
    expect(keyedHashHex(master, "client")).not.toBe(keyedHashHex(randomBytes(32), "client"))
  })

  it("compares MACs of different lengths as unequal without throwing", () => {
    expect(macEqual(Buffer.alloc(32), Buffer.alloc(31))).toBe(false)
    expect(macEqual(Buffer.alloc(32, 1), Buffer.alloc(32, 1))).toBe(true)
  })
})
