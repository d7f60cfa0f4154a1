import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { Keyring, keyringFromSetting, makeKeyring } from "../../src/crypto/Keyring.js"
import { decodeKeySetting } from "../../src/crypto/keyMaterial.js"

const aad = Buffer.from("log-1/7/client_enc")
const plaintext = Buffer.from("m.quistorp@example-guest.test")

describe("Keyring", () => {
  it("seals and opens under the same key and AAD, and the ciphertext does not hold the plaintext", () => {
    const keyring = makeKeyring(randomBytes(32))
    const sealed = keyring.seal(1, plaintext, aad)
    expect(sealed.includes(plaintext)).toBe(false)
    expect(Either.getOrThrow(keyring.open(sealed, aad)).equals(plaintext)).toBe(true)
  })

  it("uses a fresh IV each time", () => {
    const keyring = makeKeyring(randomBytes(32))
    expect(keyring.seal(1, plaintext, aad).equals(keyring.seal(1, plaintext, aad))).toBe(false)
  })

  it("refuses a ciphertext moved to another place (AAD)", () => {
    const keyring = makeKeyring(randomBytes(32))
    const opened = keyring.open(keyring.seal(1, plaintext, aad), Buffer.from("log-1/8/client_enc"))
    expect(Either.isLeft(opened) && opened.left.reason).toBe("tampered")
  })

  it("refuses every single flipped bit", () => {
    const keyring = makeKeyring(randomBytes(32))
    const sealed = keyring.seal(1, plaintext, aad)
    for (let index = 0; index < sealed.length; index++) {
      const copy = Buffer.from(sealed)
      copy[index] = copy[index]! ^ 0x01
      expect(Either.isLeft(keyring.open(copy, aad))).toBe(true)
    }
  })

  it("names a different master key as a key mismatch with its key id, never garbage", () => {
    const writer = makeKeyring(randomBytes(32))
    const reader = makeKeyring(randomBytes(32))
    const opened = reader.open(writer.seal(1, plaintext, aad), aad)
    expect(Either.isLeft(opened)).toBe(true)
    if (Either.isLeft(opened)) {
      expect(opened.left.reason).toBe("wrong_key")
      expect(opened.left.keyId).toBe(writer.keyId(1))
      expect(opened.left.message).toContain("key does not match")
    }
  })

  it("keeps old generations readable after a rotation and uses distinct keys per generation", () => {
    const master = randomBytes(32)
    const keyring = makeKeyring(master)
    const old = keyring.seal(1, plaintext, aad)
    const fresh = keyring.seal(2, plaintext, aad)
    const reopened = makeKeyring(master)
    expect(Either.getOrThrow(reopened.open(old, aad)).equals(plaintext)).toBe(true)
    expect(Either.getOrThrow(reopened.open(fresh, aad)).equals(plaintext)).toBe(true)
    expect(keyring.keyId(2)).not.toBe(keyring.keyId(1))
    // A generation-2 body under the generation-1 header does not open: the generations' keys differ.
    const header = 2 + (old[1] ?? 0)
    const forged = Buffer.concat([old.subarray(0, header), fresh.subarray(header)])
    expect(Either.isLeft(reopened.open(forged, aad))).toBe(true)
  })

  it("derives independent subkeys per purpose and a stable fingerprint per master key", () => {
    const master = randomBytes(32)
    const keyring = makeKeyring(master)
    expect(keyring.subkey("a").equals(keyring.subkey("b"))).toBe(false)
    expect(makeKeyring(master).fingerprint).toBe(keyring.fingerprint)
    expect(keyring.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(keyring.subkey("a").equals(master)).toBe(false)
  })
})

describe("key settings", () => {
  it("accepts exactly 32 bytes of base64", () => {
    expect(Either.isRight(keyringFromSetting(Redacted.make(randomBytes(32).toString("base64"))))).toBe(true)
  })

  it.each([
    ["too short", randomBytes(16).toString("base64")],
    ["too long", randomBytes(48).toString("base64")],
    ["not base64", "this is not base64 at all!!"],
    ["hex", randomBytes(32).toString("hex")]
  ])("refuses a key that is %s, naming the setting and never the value", (_, value) => {
    const decoded = decodeKeySetting("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", Redacted.make(value))
    expect(Either.isLeft(decoded)).toBe(true)
    if (Either.isLeft(decoded)) {
      expect(decoded.left.message).toContain("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY")
      expect(decoded.left.message).not.toContain(value)
      expect(decoded.left.message).toContain("keys generate")
    }
  })

  it.effect("the Keyring service fails start-up without a key, with a clear message", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Keyring.pipe(Effect.provide(Keyring.Default)))
      expect(error._tag).toBe("KeyMisconfigured")
      expect(error.message).toContain("OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY is not set")
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))

  it.effect("the Keyring service reads the configured key", () => {
    const key = randomBytes(32)
    return Effect.gen(function*() {
      const keyring = yield* Keyring
      expect(keyring.fingerprint).toBe(makeKeyring(key).fingerprint)
    }).pipe(
      Effect.provide(Keyring.Default),
      Effect.withConfigProvider(
        ConfigProvider.fromMap(new Map([["OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY", key.toString("base64")]]))
      )
    )
  })
})
