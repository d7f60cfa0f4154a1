import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import fc from "fast-check"
import { mkdtempSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { findKey, generateApiKey, generateSalt, hashApiKey } from "../../../src/security/clients/apiKey.js"
import { ClientStore } from "../../../src/security/clients/ClientStore.js"

const storeIn = (file: string) =>
  ClientStore.DefaultWithoutDependencies.pipe(
    Layer.provide(NodeFileSystem.layer),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["OPERA_MCP_CLIENTS_FILE", file]]))))
  )
const freshFile = () => path.join(mkdtempSync(path.join(tmpdir(), "opera-clients-")), "nested", "clients.json")

describe("API keys", () => {
  it("finds the entry a key belongs to and no other", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.nat(), (count, pick) => {
      const keys = Array.from({ length: count }, generateApiKey)
      const entries = keys.map((key) => {
        const salt = generateSalt()
        return { salt, keyHash: hashApiKey(key, salt) }
      })
      const index = pick % count
      expect(findKey(keys[index]!, entries)).toBe(index)
      expect(findKey(generateApiKey(), entries)).toBe(-1)
      // One character off is a different key.
      const key = keys[index]!
      const tweaked = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A")
      expect(findKey(tweaked, entries)).toBe(-1)
    }), { numRuns: 50 })
  })

  it("never accepts a malformed key, even one whose hash is stored", () => {
    const salt = generateSalt()
    expect(findKey("short", [{ salt, keyHash: hashApiKey("short", salt) }])).toBe(-1)
  })
})

describe("ClientStore", () => {
  it.effect("issues a key once, stores only a salted HMAC (mode 0600), authenticates and revokes", () => {
    const file = freshFile()
    return Effect.gen(function*() {
      const store = yield* ClientStore
      const { apiKey } = yield* store.add("front-desk", { readOnly: true, hotels: ["HOTEL1"] })
      const text = readFileSync(file, "utf8")
      expect(text).not.toContain(apiKey)
      expect(text).not.toContain(apiKey.slice(8))
      expect(statSync(file).mode & 0o777).toBe(0o600)
      const found = yield* store.authenticate(apiKey)
      expect(Option.getOrThrow(found)).toEqual({ name: "front-desk", policy: { readOnly: true, hotels: ["HOTEL1"] } })
      expect(Option.isNone(yield* store.authenticate(generateApiKey()))).toBe(true)
      const duplicate = yield* Effect.flip(store.add("front-desk", { readOnly: false }))
      expect(duplicate._tag).toBe("ClientAlreadyExists")
      yield* store.revoke("front-desk")
      expect(Option.isNone(yield* store.authenticate(apiKey))).toBe(true)
      expect(yield* store.activeCount).toBe(0)
      const listed = yield* store.list
      expect(listed.map((client) => [client.name, client.revokedAt !== undefined])).toEqual([["front-desk", true]])
      expect((yield* Effect.flip(store.revoke("front-desk")))._tag).toBe("ClientNotFound")
      expect((yield* Effect.flip(store.add("Bad Name!", { readOnly: false })))._tag).toBe("InvalidClientName")
    }).pipe(Effect.provide(storeIn(file)))
  })

  it.effect("refuses a tampered clients file with a message naming the file, not its content", () => {
    const file = freshFile()
    return Effect.gen(function*() {
      const store = yield* ClientStore
      yield* store.add("ops", { readOnly: false })
      const fs = yield* Effect.promise(() => import("node:fs/promises"))
      yield* Effect.promise(() => fs.writeFile(file, '{"version":1,"clients":[{"name":"x","secret":"hunter2"}]}'))
      const problem = yield* Effect.flip(store.authenticate(generateApiKey()))
      expect(problem._tag).toBe("ClientsFileProblem")
      expect(problem.message).toContain(file)
      expect(problem.message).not.toContain("hunter2")
    }).pipe(Effect.provide(storeIn(file)))
  })
})
