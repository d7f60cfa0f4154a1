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
import { auditEnv, auditMode, book, bookAcknowledged, finish, search, serve, succeeded } from "./auditedServer.js"
import { expectDegraded, expectNothingLost, expectReadsFollowMode, expectWritesRefused } from "./underFault.js"
import { holdWriteLock } from "../../support/lockHolder.js"

export const busyTimeoutMs = 200
const busyRefusal = /audit log cannot record this change .*is busy.*Nothing was sent to OPERA/s

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
    figures.acknowledgedBefore = await bookAcknowledged(session, scaled(20, 3), 0)

    const holder = holdWriteLock(dbPath)
    await holder.held
    try {
      const fault = { opera, session, transcript, name, strict }
      Object.assign(figures, await expectWritesRefused(fault, busyRefusal))
      Object.assign(figures, await expectReadsFollowMode(fault))
      if (!strict) await expectDegraded(session, /busy/)
    } finally {
      await holder.release()
    }
    transcript.keep(`${name} holder stderr`, holder.stderr())

    // Recovery: the first call after the lock is gone goes through, in strict mode too (its intent row is the probe).
    const recovered = await firstSuccess(() => book(session, 2000), 3)
    expect(recovered.attempts).toBe(1)
    figures.acknowledgedAfter = 1 + await bookAcknowledged(session, scaled(10, 2) - 1, 2001)
    expect(succeeded(await search(session))).toBe(true)
    expect((await auditMode(session)).mode).toBe("ok")
  } finally {
    await finish(session, transcript, name)
  }

  const acknowledged = figures.acknowledgedBefore + figures.acknowledgedAfter
  expect(expectNothingLost(env, transcript, name, acknowledged).pending).toBeGreaterThanOrEqual(acknowledged)
  return figures
}

const firstSuccess = async (call: () => ReturnType<typeof book>, tries: number) => {
  for (let attempt = 1; attempt <= tries; attempt++) {
    const result = await call()
    if (succeeded(result)) return { attempts: attempt, result }
  }
  throw new Error(`no write succeeded within ${tries} attempts after the lock was released`)
}
