/**
 * A read-only audit db. As root, chmod 0444 stops nothing, so the file system
 * is made read-only for real: the tmpfs holding the db is remounted `ro`
 * (before start-up: the open fails; while serving: the next write fails), or
 * the file is made immutable with `chattr +i`. Either way the failure is a
 * typed, named one. Before start-up `serve` (a real property) refuses to start
 * and says why (issue 17); while serving, writes fail closed and reads follow
 * the degraded mode.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningSandbox } from "../../support/sandboxProcess.js"
import { scaled } from "../support.js"
import type { Transcript } from "./auditedServer.js"
import { expect } from "vitest"
import { auditEnv, bookAcknowledged, finish, serve, serveRefused } from "./auditedServer.js"
import { expectDegraded, expectNothingLost, expectReadsFollowMode, expectWritesRefused } from "./underFault.js"

export type ReadOnlyHow = "remount before start" | "chattr +i before start" | "chattr +i while serving"

export interface ReadOnlyFigures {
  how: ReadOnlyHow
  acknowledgedBefore: number
  refusedWrites: number
  leakedWrites: number
  readsServed: number
  problem: string
  /** Before start-up: `serve` exited with the store's reason instead of serving. */
  refusedToStart: boolean
  acknowledgedAfter: number
}

// Before start-up SQLite opens the file read-only and names it so; a file frozen under an open
// connection fails its next write with an I/O error, which names what to check.
const readOnlyRefusal = new RegExp(
  "audit log cannot record this change \\(audit log .* (" + [
    "is read-only \\(SQLITE_READONLY",
    "cannot be opened \\(SQLITE_CANTOPEN.*writable",
    "refused the read or write \\(SQLITE_IOERR.*writable"
  ].join("|") + ").*Nothing was sent to OPERA",
  "s"
)

/** A way to make `dbPath` read-only and back, or why this machine cannot. */
export interface Freezer {
  readonly dbPath: string
  readonly freeze: () => void
  readonly thaw: () => void
}

/**
 * `chattr +i` on the db and, with `withJournal`, its WAL (which takes the appends). Not the -shm file:
 * SQLite maps it into memory, and a write fault on an immutable mapping is SIGBUS, which no program survives.
 */
export const chattrFreezer = (withJournal = false): Freezer | string => {
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), "opera-readonly-")), "audit.db")
  const probe = `${dbPath}.probe`
  try {
    execFileSync("touch", [probe])
    execFileSync("chattr", ["+i", probe], { stdio: "pipe" })
    execFileSync("chattr", ["-i", probe], { stdio: "pipe" })
  } catch (error) {
    return `chattr +i does not work here: ${error instanceof Error ? error.message.split("\n")[0] : "unknown"}`
  }
  const files = () => [dbPath, ...(withJournal ? [`${dbPath}-wal`].filter(existsSync) : [])]
  return {
    dbPath,
    freeze: () => execFileSync("chattr", ["+i", ...files()], { stdio: "pipe" }),
    thaw: () => execFileSync("chattr", ["-i", ...files()], { stdio: "pipe" })
  }
}

export const runReadOnlyScenario = async (
  opera: RunningSandbox,
  transcript: Transcript,
  freezer: Freezer,
  how: ReadOnlyHow
) => {
  const figures: ReadOnlyFigures = {
    how,
    acknowledgedBefore: 0,
    refusedWrites: 0,
    leakedWrites: 0,
    readsServed: 0,
    problem: "",
    refusedToStart: false,
    acknowledgedAfter: 0
  }
  const env = auditEnv(opera, freezer.dbPath)
  transcript.dbPaths.push(freezer.dbPath)
  const name = `read-only (${how})`

  // A healthy log with acknowledged rows, shut down cleanly, unless the fault comes while serving.
  const first = await serve(env)
  if (how === "chattr +i while serving") {
    try {
      figures.acknowledgedBefore = await bookAcknowledged(first, scaled(20, 3), 0)
      freezer.freeze()
      const fault = { opera, session: first, transcript, name, strict: false }
      const writes = await expectWritesRefused(fault, readOnlyRefusal)
      figures.refusedWrites = writes.refusedWrites
      figures.leakedWrites = writes.leakedWrites
      figures.readsServed = (await expectReadsFollowMode(fault)).readsServed
      // Whichever SQLite code it is, the operator is told what to check.
      figures.problem = await expectDegraded(first, /is read-only \(SQLITE_READONLY.*permissions|writable/s)
    } finally {
      await finish(first, transcript, name)
      freezer.thaw()
    }
  } else {
    try {
      figures.acknowledgedBefore = await bookAcknowledged(first, scaled(20, 3), 0)
    } finally {
      await finish(first, transcript, `${name} before`)
    }
    // A real property does not serve on an audit store that cannot be opened: `serve` says why and exits.
    freezer.freeze()
    try {
      const refused = serveRefused(env)
      transcript.keep(`${name} refused stderr`, refused.stderr)
      transcript.keep(`${name} refused stdout`, refused.stdout)
      expect(refused.status, refused.stderr).toBe(4)
      const reason = /serve refuses to start: audit log .*(is read-only \(SQLITE_READONLY.*permissions|writable)/.exec(refused.stderr)
      expect(reason, refused.stderr).not.toBeNull()
      figures.problem = reason?.[0] ?? ""
      figures.refusedToStart = true
    } finally {
      freezer.thaw()
    }
  }

  // Writable again: a new server takes writes, and nothing acknowledged before the fault is lost.
  const after = await serve(env)
  try {
    figures.acknowledgedAfter = await bookAcknowledged(after, scaled(5, 1), 2000)
  } finally {
    await finish(after, transcript, `${name} after`)
  }
  expectNothingLost(env, transcript, name, figures.acknowledgedBefore + figures.acknowledgedAfter)
  return figures
}
