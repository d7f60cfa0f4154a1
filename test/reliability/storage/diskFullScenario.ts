/**
 * Disk full: the audit db lives on a size-capped tmpfs that is then filled to
 * the last byte. Writes are refused with SQLite's SQLITE_FULL named, before
 * OPERA sees them; reads follow the degraded mode; every call acknowledged
 * before the fault keeps its rows, and once space is freed the log takes
 * writes again and verifies.
 */
import path from "node:path"
import { expect } from "vitest"
import type { RunningSandbox } from "../../support/sandboxProcess.js"
import { scaled } from "../support.js"
import type { Transcript } from "./auditedServer.js"
import { auditEnv, book, bookAcknowledged, finish, search, serve, succeeded, verify } from "./auditedServer.js"
import type { SmallDisk } from "./smallDisk.js"
import { expectDegraded, expectNothingLost, expectReadsFollowMode, expectWritesRefused } from "./underFault.js"

const fullRefusal = /audit log cannot record this change .*the disk is full \(SQLITE_FULL.*Nothing was sent to OPERA/s

export interface DiskFullFigures {
  acknowledgedBefore: number
  fillerBytes: number
  refusedWrites: number
  leakedWrites: number
  readsServed: number
  readsRefused: number
  verifyWhileFull: string
  acknowledgedAfter: number
}

export const runDiskFullScenario = async (
  opera: RunningSandbox,
  transcript: Transcript,
  disk: SmallDisk,
  strict: boolean
) => {
  const figures: DiskFullFigures = {
    acknowledgedBefore: 0,
    fillerBytes: 0,
    refusedWrites: 0,
    leakedWrites: 0,
    readsServed: 0,
    readsRefused: 0,
    verifyWhileFull: "",
    acknowledgedAfter: 0
  }
  const dbPath = path.join(disk.dir, `audit-${strict ? "strict" : "lenient"}.db`)
  const env = auditEnv(opera, dbPath, { OPERA_SECURITY_AUDIT_STRICT_MODE: String(strict) })
  transcript.dbPaths.push(dbPath)
  const name = `disk full ${strict ? "strict" : "lenient"}`
  const session = await serve(env)
  try {
    figures.acknowledgedBefore = await bookAcknowledged(session, scaled(30, 3), 0)
    expect(succeeded(await search(session))).toBe(true)

    figures.fillerBytes = disk.fill()
    try {
      const fault = { opera, session, transcript, name, strict }
      Object.assign(figures, await expectWritesRefused(fault, fullRefusal))
      Object.assign(figures, await expectReadsFollowMode(fault))
      if (!strict) await expectDegraded(session, /disk is full/)
      // An operator checks the log while the disk is still full: an answer, not a crash.
      const whileFull = verify(env)
      transcript.keep(`${name} verify while full`, whileFull.stdout + whileFull.stderr)
      figures.verifyWhileFull = whileFull.ok === true ? "ok" : whileFull.stderr.trim().slice(0, 200)
      expect(whileFull.status === 0 ? whileFull.ok : whileFull.stderr).toBeTruthy()
    } finally {
      disk.free()
    }

    // The first append that gets through clears the degraded state (strict mode refuses one call first).
    let attempts = 0
    for (; attempts < 3; attempts++) if (succeeded(await book(session, 2000 + attempts))) break
    expect(attempts).toBeLessThanOrEqual(strict ? 1 : 0)
    figures.acknowledgedAfter++
    expect(succeeded(await search(session))).toBe(true)
  } finally {
    await finish(session, transcript, name)
  }

  const acknowledged = figures.acknowledgedBefore + figures.acknowledgedAfter
  expect(expectNothingLost(env, transcript, name, acknowledged).pending).toBeGreaterThanOrEqual(acknowledged)
  return figures
}
