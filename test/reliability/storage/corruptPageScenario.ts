/**
 * A corrupted page: after a clean shutdown, one page in the middle of the
 * audit db is overwritten with garbage. When the damage stops the log from
 * opening, `serve` against a property refuses to start (exit 5, the damage
 * named); when it opens, the server answers and its start-up integrity check
 * puts the log in degraded mode with a typed "damaged" error, so writes fail
 * closed (rows chained after damage could not be verified) and reads follow the
 * degraded mode. Either way `audit verify` reports the damage (non-zero exit,
 * one sentence) instead of crashing.
 */
import { closeSync, mkdtempSync, openSync, readSync, statSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { expect } from "vitest"
import type { RunningSandbox } from "../../support/sandboxProcess.js"
import { scaled } from "../support.js"
import type { Transcript } from "./auditedServer.js"
import { auditEnv, auditMode, bookAcknowledged, finish, serve, serveRefused, verify } from "./auditedServer.js"
import { expectReadsFollowMode, expectWritesRefused } from "./underFault.js"

export interface CorruptFigures {
  acknowledgedBefore: number
  pages: number
  damagedPage: number
  degradedAfterMs: number
  refusedWrites: number
  leakedWrites: number
  readsServed: number
  verifyExit: number | null
}

const damaged = /audit log .* is damaged or not an audit database \(SQLITE_CORRUPT/

/** Overwrites one whole page (1-based) with a fixed garbage pattern. */
export const damagePage = (dbPath: string, page: "middle" | number) => {
  const fd = openSync(dbPath, "r+")
  try {
    const header = Buffer.alloc(100)
    readSync(fd, header, 0, 100, 0)
    const raw = header.readUInt16BE(16)
    const pageSize = raw === 1 ? 65_536 : raw
    const pages = Math.floor(statSync(dbPath).size / pageSize)
    const target = page === "middle" ? Math.floor(pages / 2) + 1 : page
    const garbage = Buffer.alloc(pageSize)
    for (let i = 0; i < pageSize; i++) garbage[i] = (i * 131 + 7) & 0xff
    writeSync(fd, garbage, 0, pageSize, (target - 1) * pageSize)
    return { pages, target }
  } finally {
    closeSync(fd)
  }
}

export const runCorruptPageScenario = async (opera: RunningSandbox, transcript: Transcript) => {
  const figures: CorruptFigures = {
    acknowledgedBefore: 0,
    pages: 0,
    damagedPage: 0,
    degradedAfterMs: 0,
    refusedWrites: 0,
    leakedWrites: 0,
    readsServed: 0,
    verifyExit: null
  }
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), "opera-corrupt-")), "audit.db")
  const env = auditEnv(opera, dbPath)
  transcript.dbPaths.push(dbPath)
  const name = "corrupt page"
  const first = await serve(env)
  try {
    // Enough rows that the middle page holds audit events, not only the schema.
    figures.acknowledgedBefore = await bookAcknowledged(first, scaled(100, 40), 0)
  } finally {
    await finish(first, transcript, `${name} before`)
  }
  const clean = verify(env)
  expect(clean.ok, clean.stderr).toBe(true)

  const { pages, target } = damagePage(dbPath, "middle")
  figures.pages = pages
  figures.damagedPage = target
  expect(pages).toBeGreaterThanOrEqual(8)

  // Which of the two happens depends on the page the garbage lands on (the scale changes the db's size).
  const probe = serveRefused(env)
  // Exit 5 is the audit-damaged status (4 would be an unopenable store).
  if (probe.status === 5 || probe.status === 4) {
    expect(probe.stderr).toMatch(/serve refuses to start: audit log .*(damaged|SQLITE_CORRUPT|SQLITE_NOTADB)/s)
    transcript.keep(`${name} refused at start`, probe.stderr)
  } else {
    expect(probe.status, probe.stderr).toBe(0)
    await servedDegraded(opera, env, transcript, name, figures)
  }

  const verdict = verify(env)
  transcript.keep(`${name} verify`, verdict.stdout + verdict.stderr)
  figures.verifyExit = verdict.status
  expect(verdict.status).toBe(5) // exit code: audit log damaged
  expect(verdict.ok).not.toBe(true)
  expect(`${verdict.stdout}\n${verdict.stderr}`).toMatch(/DAMAGED at sequence|is damaged or not an audit database/)
  return figures
}

const servedDegraded = async (
  opera: RunningSandbox,
  env: Record<string, string>,
  transcript: Transcript,
  name: string,
  figures: CorruptFigures
) => {
  const session = await serve(env)
  try {
    // The integrity check runs in the background after start-up: wait for its verdict (bounded).
    const started = Date.now()
    let status = await auditMode(session)
    while (status.mode !== "degraded" && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      status = await auditMode(session)
    }
    figures.degradedAfterMs = Date.now() - started
    expect(status.mode, "a damaged audit db was not noticed").toBe("degraded")
    expect(status.problem).toMatch(damaged)

    const fault = { opera, session, transcript, name, strict: false }
    const writes = await expectWritesRefused(
      fault,
      /audit log cannot record this change .*damaged.*Nothing was sent to OPERA/s,
      { count: scaled(10, 2), from: 5000, whileFault: "the audit log was damaged" }
    )
    figures.refusedWrites = writes.refusedWrites
    figures.leakedWrites = writes.leakedWrites
    figures.readsServed = (await expectReadsFollowMode(fault)).readsServed
  } finally {
    await finish(session, transcript, name)
  }
}
