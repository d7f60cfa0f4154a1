/**
 * SQLITE_BUSY: another process holds the audit db's write lock for longer
 * than the busy timeout. Writes are refused before OPERA sees them, reads
 * follow the degraded mode, and once the lock is gone everything works and
 * the chain verifies.
 */
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { expect } from "vitest"
import type { RunningSandbox } from "../../support/sandboxProcess.js"
import { scaled } from "../support.js"
import type { Transcript } from "./auditedServer.js"
import {
  auditEnv,
  auditMode,
  book,
  clearTraffic,
  finish,
  operaCalls,
  reportTotals,
  search,
  serve,
  succeeded,
  textOf,
  verify
} from "./auditedServer.js"
import { holdWriteLock } from "../../support/lockHolder.js"

export const busyTimeoutMs = 200
const busyRefusal = /audit log cannot record this change .*is busy.*Nothing was sent to OPERA/s
const strictRefusal = /audit log is unavailable and strict mode is on/

export interface BusyFigures {
  acknowledgedBefore: number
  refusedWrites: number
  leakedWrites: number
  readsServed: number
  readsRefused: number
  acknowledgedAfter: number
}

export const runBusyScenario = async (opera: RunningSandbox, transcript: Transcript, strict: boolean) => {
  const figures: BusyFigures = {
    acknowledgedBefore: 0,
    refusedWrites: 0,
    leakedWrites: 0,
    readsServed: 0,
    readsRefused: 0,
    acknowledgedAfter: 0
  }
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), "opera-busy-")), "audit.db")
  const env = auditEnv(opera, dbPath, {
    OPERA_SECURITY_AUDIT_BUSY_TIMEOUT_MS: String(busyTimeoutMs),
    OPERA_SECURITY_AUDIT_STRICT_MODE: String(strict)
  })
  transcript.dbPaths.push(dbPath)
  const name = `busy ${strict ? "strict" : "lenient"}`
  const session = await serve(env)
  try {
    for (let n = 0; n < scaled(20, 3); n++) {
      const result = await book(session, n)
      expect(succeeded(result), textOf(result)).toBe(true)
      figures.acknowledgedBefore++
    }

    const holder = holdWriteLock(dbPath)
    await holder.held
    try {
      await clearTraffic(opera)
      for (let n = 0; n < scaled(20, 2); n++) {
        const result = await book(session, 1000 + n)
        transcript.keep(`${name} results`, JSON.stringify(result))
        expect(result.isError).toBe(true)
        // The first refusal names the cause; in strict mode the next ones are refused at the door.
        expect(textOf(result)).toMatch(n === 0 || !strict ? busyRefusal : strictRefusal)
        figures.refusedWrites++
      }
      figures.leakedWrites = (await operaCalls(opera)).writes
      expect(figures.leakedWrites, "a write reached OPERA while its intent could not be recorded").toBe(0)

      for (let n = 0; n < scaled(10, 2); n++) {
        const result = await search(session)
        transcript.keep(`${name} results`, JSON.stringify(result))
        if (strict) {
          expect(result.isError).toBe(true)
          expect(textOf(result)).toMatch(strictRefusal)
          figures.readsRefused++
        } else {
          expect(succeeded(result), textOf(result)).toBe(true)
          figures.readsServed++
        }
      }
      if (strict) expect((await operaCalls(opera)).reads, "strict mode let a read reach OPERA").toBe(0)
      else expect((await operaCalls(opera)).reads).toBeGreaterThan(0)
      if (!strict) {
        const status = await auditMode(session)
        expect(status.mode).toBe("degraded")
        expect(status.problem).toMatch(/busy/)
      }
    } finally {
      await holder.release()
    }
    transcript.keep(`${name} holder stderr`, holder.stderr())

    // Recovery: the first call after the lock is gone goes through, in strict mode too (its intent row is the probe).
    const recovered = await firstSuccess(() => book(session, 2000), 3)
    expect(recovered.attempts).toBe(1)
    figures.acknowledgedAfter++
    for (let n = 1; n < scaled(10, 2); n++) {
      const result = await book(session, 2000 + n)
      expect(succeeded(result), textOf(result)).toBe(true)
      figures.acknowledgedAfter++
    }
    expect(succeeded(await search(session))).toBe(true)
    expect((await auditMode(session)).mode).toBe("ok")
  } finally {
    await finish(session, transcript, name)
  }

  const verdict = verify(env)
  transcript.keep(`${name} verify`, verdict.stdout + verdict.stderr)
  expect(verdict.status, verdict.stderr).toBe(0)
  expect(verdict.ok).toBe(true)
  const totals = reportTotals(env)
  // Every acknowledged write has its outcome row (refusals and intents are counted apart).
  expect(totals.succeeded).toBeGreaterThanOrEqual(figures.acknowledgedBefore + figures.acknowledgedAfter)
  expect(totals.pending).toBeGreaterThanOrEqual(figures.acknowledgedBefore + figures.acknowledgedAfter)
  return figures
}

const firstSuccess = async (call: () => ReturnType<typeof book>, tries: number) => {
  for (let attempt = 1; attempt <= tries; attempt++) {
    const result = await call()
    if (succeeded(result)) return { attempts: attempt, result }
  }
  throw new Error(`no write succeeded within ${tries} attempts after the lock was released`)
}
