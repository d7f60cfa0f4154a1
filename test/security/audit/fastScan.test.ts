import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto"
import { canonicalBytes } from "../../../src/security/audit/canonical.js"
import type { StoredRow } from "../../../src/security/audit/chain.js"
import { genesisMac, rowDomain, rowMac } from "../../../src/security/audit/chain.js"
import { makeChainScanner } from "../../../src/security/audit/chainScan.js"
import { makeScanPool } from "../../../src/security/audit/chainWorkers.js"
import type { Core } from "./scanLog.js"
import { flip, rows, verdicts, workerData, writeLog } from "./scanLog.js"

describe("verify's fast pass", () => {
  it.scoped("an untouched log verifies the same in workers and in-thread, checkpoints included", () =>
    Effect.gen(function*() {
      const core = yield* writeLog
      const result = yield* verdicts(core)
      expect(result).toMatchObject({ ok: true, rowsChecked: rows, lastSequence: rows, checkpointsChecked: 2 })
    }), 60_000)

  const cases = [
    { name: "in the first range (sealed field)", tamper: (core: Core) => flip(core, 2, "sealed"), at: 2, damage: "changed" },
    { name: "in the last range (sealed field)", tamper: (core: Core) => flip(core, 599, "sealed"), at: 599, damage: "changed" },
    { name: "on a range boundary (MAC of a range's last row)", tamper: (core: Core) => flip(core, 300, "mac"), at: 300, damage: "changed" },
    {
      name: "as a deleted first row of a range",
      tamper: (core: Core) => core.context.store.sql`DELETE FROM audit_events WHERE sequence = 401`,
      at: 401,
      damage: "deleted"
    },
    {
      name: "as two rows swapped across ranges",
      tamper: (core: Core) =>
        Effect.gen(function*() {
          const { sql } = core.context.store
          yield* sql`UPDATE audit_events SET sequence = -1 WHERE sequence = 180`
          yield* sql`UPDATE audit_events SET sequence = 180 WHERE sequence = 520`
          yield* sql`UPDATE audit_events SET sequence = 520 WHERE sequence = -1`
        }),
      at: 180,
      damage: "reordered"
    },
    {
      name: "as a cut tail (caught by the signed checkpoint)",
      tamper: (core: Core) => core.context.store.sql`DELETE FROM audit_events WHERE sequence > 590`,
      at: 591,
      damage: "truncated"
    }
  ] as const

  for (const { at, damage, name, tamper } of cases) {
    it.scoped(`finds tampering ${name}`, () =>
      Effect.gen(function*() {
        const core = yield* writeLog
        yield* tamper(core)
        const result = yield* verdicts(core)
        expect(result.ok).toBe(false)
        expect({ sequence: result.failure?.sequence, damage: result.failure?.damage }).toEqual({ sequence: at, damage })
        expect(result.rowsChecked).toBe(at - 1)
      }), 60_000)
  }

  it.scoped("a worker scans its range on its own connection and names the first bad row", () =>
    Effect.gen(function*() {
      const core = yield* writeLog
      const pool = yield* makeScanPool(workerData(core), 1)
      const untouched = yield* pool.scan({ after: 100, through: 200, marks: [] })
      expect(untouched).toEqual({ suspect: null, checked: 100 })
      yield* flip(core, 150, "mac")
      expect(yield* pool.scan({ after: 100, through: 200, marks: [] })).toEqual({ suspect: 150, checked: 49 })
      // The first range links to the genesis value, not to a row.
      const genesis = genesisMac(core.context.chainKey, core.context.logId)
      expect(yield* pool.scan({ after: 0, through: 100, previous: genesis, marks: [] }))
        .toEqual({ suspect: null, checked: 100 })
      expect((yield* pool.scan({ after: 0, through: 100, previous: randomBytes(32), marks: [] })).suspect).toBe(1)
    }), 60_000)
})

describe("chain scanner", () => {
  const chainKey = randomBytes(32)
  const deps = { canonicalBytes, createHmac, timingSafeEqual }
  const chain = (count: number) => {
    const out: Array<Array<unknown>> = []
    let previous: Uint8Array = genesisMac(chainKey, "log")
    for (let sequence = 1; sequence <= count; sequence++) {
      const row: Omit<StoredRow, "mac"> = {
        sequence, occurredAt: 1_700_000_000_000 + sequence, kind: "tool_call", outcome: "success", clientRef: "ref",
        tool: sequence % 2 === 0 ? null : "get_reservation", hotelId: "H1", riskScore: 0.25, riskLevel: null,
        durationMs: sequence / 3, errorTag: null, correlationId: `c-${sequence}`, keyId: "k.1",
        sealed: randomBytes(40),
        // Rows from before 0004 have none; newer ones may.
        upstreamRequestIds: sequence % 3 === 0 ? `${randomUUID()} ${randomUUID()}` : null
      }
      previous = rowMac(chainKey, previous, row)
      const { upstreamRequestIds, ...older } = row
      // eventColumns order: the older columns, the MAC, then upstream_request_ids.
      out.push([...Object.values(older), previous, upstreamRequestIds])
    }
    return out
  }

  it("agrees with rowMac: every link of a chain the journal's MAC built holds", () => {
    const rows = chain(50)
    const scanner = makeChainScanner(
      { after: 0, through: 50, previous: genesisMac(chainKey, "log"), marks: [] },
      chainKey,
      rowDomain,
      deps
    )
    expect(rows.map((row) => scanner.feed(row)).filter((suspect) => suspect !== undefined)).toEqual([])
    expect(scanner.finish()).toBeUndefined()
    expect(scanner.checked()).toBe(50)
  })

  it("names a signed head that differs, a missing row, a wrong shape and a short range", () => {
    const rows = chain(10)
    const start = { after: 0, through: 10, previous: genesisMac(chainKey, "log") }
    const scan = (input: ReadonlyArray<ReadonlyArray<unknown>>, marks: ReadonlyArray<readonly [number, Uint8Array]> = []) => {
      const scanner = makeChainScanner({ ...start, marks }, chainKey, rowDomain, deps)
      for (const row of input) {
        const suspect = scanner.feed(row)
        if (suspect !== undefined) return suspect
      }
      return scanner.finish()
    }
    expect(scan(rows, [[4, randomBytes(32)]])).toBe(4)
    expect(scan(rows, [[4, rows[3]![14] as Uint8Array]])).toBeUndefined()
    expect(scan([...rows.slice(0, 6), ...rows.slice(7)])).toBe(7)
    expect(scan(rows.map((row, index) => (index === 2 ? [...row.slice(0, 5), 42, ...row.slice(6)] : row)))).toBe(3)
    expect(scan(rows.slice(0, 8))).toBe(9)
    // The upstream request ids are under the MAC: changed, added or dropped, the row no longer fits.
    const withIds = (index: number, ids: string | null) => rows.map((row, at) => (at === index ? [...row.slice(0, 15), ids] : row))
    expect(scan(withIds(5, randomUUID()))).toBe(6)
    expect(scan(withIds(0, randomUUID()))).toBe(1)
    expect(scan(withIds(2, null))).toBe(3)
  })
})
