import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { inspect } from "node:util"
import { makeKeyring } from "../../../src/crypto/Keyring.js"
import { columnAad, genesisMac } from "../../../src/security/audit/chain.js"
import { makeScanPool } from "../../../src/security/audit/chainWorkers.js"
import { verifyChain } from "../../../src/security/audit/verify.js"
import { openCore } from "./core.js"
import { tempDir, toolCall } from "./fixtures.js"
import { replaceSealed, sealedOf, verdicts, workerData, workers, writeLog } from "./scanLog.js"

describe("verify's workers open the encrypted fields", () => {
  it.scoped("a field sealed under another key mid-range, with every link re-made, is named at its row (wrong_key)", () =>
    Effect.gen(function*() {
      const core = yield* writeLog
      const stranger = makeKeyring(randomBytes(32))
      const forged = stranger.seal(1, Buffer.from(`{"clientId":"x"}`), columnAad(core.context.logId, 350, "sealed"))
      yield* replaceSealed(core, 350, forged)
      const result = yield* verdicts(core)
      expect(result.failure).toMatchObject({ sequence: 350, damage: "wrong_key" })
      expect(result.rowsChecked).toBe(349)
    }), 60_000)

  it.scoped("a field moved from the row before, with every link re-made, is named at its row (changed)", () =>
    Effect.gen(function*() {
      const core = yield* writeLog
      yield* replaceSealed(core, 350, yield* sealedOf(core, 349))
      const result = yield* verdicts(core)
      expect(result.failure).toMatchObject({ sequence: 350, damage: "changed" })
      expect(result.rowsChecked).toBe(349)
    }), 60_000)

  it.scoped("a worker names the first row of its range whose field does not open, and only with the keys does it pass", () =>
    Effect.gen(function*() {
      const core = yield* writeLog
      const keyed = yield* makeScanPool(workerData(core), 1)
      const keyless = yield* makeScanPool({ ...workerData(core), openingKeys: [] }, 1)
      const range = { after: 300, through: 400, marks: [] }
      expect(yield* keyed.scan(range)).toEqual({ suspect: null, checked: 100 })
      // The links all hold, so only decryption can name row 301 here.
      expect(yield* keyless.scan(range)).toEqual({ suspect: 301, checked: 0 })
      yield* replaceSealed(core, 350, yield* sealedOf(core, 351))
      expect(yield* keyed.scan(range)).toEqual({ suspect: 350, checked: 49 })
    }), 60_000)

  it.scoped("rows sealed under two data keys (a rotation) verify in workers; a key it is not handed is a suspect", () =>
    Effect.gen(function*() {
      const core = yield* openCore({ path: join(tempDir("audit-rotate-"), "audit.db") })
      const append = (count: number) =>
        Effect.forEach(Array.from({ length: count }, () => toolCall()), core.journal.append, {
          concurrency: 16,
          discard: true
        })
      yield* append(120)
      yield* core.journal.rotateKey
      yield* append(120)
      const result = yield* verifyChain(core.context, { threads: workers })
      expect(result).toMatchObject({ ok: true, rowsChecked: 240 })
      const genesis = genesisMac(core.context.chainKey, core.context.logId)
      const range = { after: 0, through: 240, previous: genesis, marks: [] }
      const keys = core.context.periodKeys.openingKeys([])
      expect(keys).toHaveLength(2)
      const both = yield* makeScanPool(workerData(core), 1)
      expect(yield* both.scan(range)).toEqual({ suspect: null, checked: 240 })
      const firstOnly = yield* makeScanPool({ ...workerData(core), openingKeys: keys.slice(0, 1) }, 1)
      expect(yield* firstOnly.scan(range)).toEqual({ suspect: 121, checked: 120 })
    }), 60_000)

  it.scoped("a worker that cannot read the log fails with an SQLite code, never a key", () =>
    Effect.gen(function*() {
      const core = yield* writeLog
      const notADb = join(tempDir("audit-notdb-"), "audit.db")
      writeFileSync(notADb, randomBytes(8192))
      const missing = join(tempDir("audit-missing-"), "absent.db")
      const dataKey = core.context.periodKeys.openingKeys([])[0]?.key?.export() ?? Buffer.alloc(0)
      expect(dataKey.length).toBe(32)
      const secrets = [core.context.chainKey, dataKey].flatMap((key) => [
        key.toString("hex"),
        key.toString("base64"),
        key.toString("base64url")
      ])
      for (const dbPath of [notADb, missing]) {
        const pool = yield* makeScanPool(workerData(core, dbPath), 1)
        const failed = yield* Effect.flip(pool.scan({ after: 0, through: 10, marks: [] }))
        expect(failed._tag).toBe("ScanWorkerFailed")
        expect(failed.message).toMatch(/^verify worker could not scan \(SQLITE_[A-Z_]+\)$/)
        const shown = [failed.message, String(failed), inspect(failed), JSON.stringify(failed)].join("\n")
        for (const secret of secrets) expect(shown).not.toContain(secret)
      }
      // The pool itself prints no key either (KeyObjects print as `SecretKeyObject {}`).
      const handed = inspect(workerData(core), { depth: 5 }) + JSON.stringify(workerData(core))
      for (const secret of secrets) expect(handed).not.toContain(secret)
    }), 60_000)
})
