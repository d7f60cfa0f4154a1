import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { createDecipheriv, randomBytes } from "node:crypto"
import { inspect } from "node:util"
import { makeKeyring } from "../../src/crypto/Keyring.js"
import { makeSealedCheck } from "../../src/crypto/sealedCheck.js"

const keyring = makeKeyring(randomBytes(32))
const deps = { createDecipheriv }
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((array) => Buffer.from(array))

type Damage =
  | { readonly _tag: "none" }
  | { readonly _tag: "flip"; readonly at: number; readonly bit: number }
  | { readonly _tag: "cut"; readonly at: number }
  | { readonly _tag: "otherAad" }

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.constant({ _tag: "none" as const }),
  fc.record({ _tag: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ _tag: fc.constant("cut" as const), at: fc.nat() }),
  fc.constant({ _tag: "otherAad" as const })
)

describe("makeSealedCheck", () => {
  it("agrees with the keyring's open on every sealed value, damaged or not, for the generations it holds", () => {
    const check = makeSealedCheck([1, 2, 3].map(keyring.openingKey), deps)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), bytes(300), bytes(120), damage, (generation, plain, aad, hurt) => {
        let sealed = keyring.seal(generation, plain, aad)
        let readAad = aad
        if (hurt._tag === "flip") {
          sealed = Buffer.from(sealed)
          sealed[hurt.at % sealed.length] = sealed[hurt.at % sealed.length]! ^ (1 << hurt.bit)
        }
        if (hurt._tag === "cut") sealed = sealed.subarray(0, hurt.at % sealed.length)
        if (hurt._tag === "otherAad") readAad = Buffer.concat([aad, Buffer.from([0])])
        const opens = Either.isRight(keyring.open(sealed, readAad))
        expect(check(sealed, readAad)).toBe(opens)
        expect(opens).toBe(hurt._tag === "none")
      }),
      { numRuns: 2000 }
    )
  })

  it("refuses a value under a generation or a master key it was not handed", () => {
    const aad = Buffer.from("log/9/sealed")
    const check = makeSealedCheck([keyring.openingKey(1)], deps)
    expect(check(keyring.seal(1, Buffer.from("x"), aad), aad)).toBe(true)
    expect(check(keyring.seal(2, Buffer.from("x"), aad), aad)).toBe(false)
    expect(check(makeKeyring(randomBytes(32)).seal(1, Buffer.from("x"), aad), aad)).toBe(false)
    expect(makeSealedCheck([], deps)(keyring.seal(1, Buffer.from("x"), aad), aad)).toBe(false)
  })

  it("reuses its scratch space safely for AADs of any length", () => {
    const check = makeSealedCheck([keyring.openingKey(1)], deps)
    for (const length of [0, 10, 255, 256, 1000, 5, 4000, 1]) {
      const aad = randomBytes(length)
      const sealed = keyring.seal(1, randomBytes(40), aad)
      expect(check(sealed, aad)).toBe(true)
      expect(check(sealed, Buffer.concat([aad, Buffer.from([1])]))).toBe(false)
    }
  })

  it("an opening key prints and serialises without its key bytes", () => {
    const master = randomBytes(32)
    const opening = makeKeyring(master).openingKey(1)
    const raw = opening.key?.export() ?? Buffer.alloc(0)
    const shown = [inspect(opening, { depth: 5 }), JSON.stringify(opening), String(opening.key)].join("\n")
    for (const secret of [raw, master]) {
      expect(shown).not.toContain(secret.toString("hex"))
      expect(shown).not.toContain(secret.toString("base64"))
    }
    expect(raw.length).toBe(32)
    expect(opening.header[0]).toBe(1)
    expect(Buffer.from(opening.header.subarray(2)).toString("ascii")).toBe(makeKeyring(master).keyId(1))
  })
})
