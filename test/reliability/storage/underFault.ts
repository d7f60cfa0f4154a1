/**
 * What every storage-fault scenario checks while the fault is on: bookings
 * are refused before OPERA with a sentence that names the cause (in strict
 * mode, the ones after the first are refused at the door), OPERA sees no
 * write, and searches follow the degraded mode: served in lenient mode,
 * refused without reaching OPERA in strict mode. And once it is gone: the
 * chain verifies and every acknowledged booking kept its outcome row.
 */
import { expect } from "vitest"
import type { RunningSandbox } from "../../support/sandboxProcess.js"
import type { ServerSession } from "../../support/serverProcess.js"
import { scaled } from "../support.js"
import type { Transcript } from "./auditedServer.js"
import {
  auditMode,
  book,
  clearTraffic,
  operaCalls,
  reportTotals,
  search,
  succeeded,
  textOf,
  verify
} from "./auditedServer.js"

/** What a strict-mode server says to every call once the audit log is unavailable. */
export const strictRefusal = /audit log is unavailable and strict mode is on/

/** One server session under a storage fault; its results are kept as `${name} results`. */
export interface UnderFault {
  readonly opera: RunningSandbox
  readonly session: ServerSession
  readonly transcript: Transcript
  readonly name: string
  /** Strict audit mode: after the first refusal, calls are refused at the door. */
  readonly strict: boolean
}

export interface WriteRefusals {
  /** How many bookings; 20 at scale 1. */
  readonly count?: number
  /** The first booking's number (bookings are numbered so guests and dates differ); 1000. */
  readonly from?: number
  /** Ends "a write reached OPERA while …" when one did; "its intent could not be recorded". */
  readonly whileFault?: string
}

/**
 * Clears OPERA's traffic, then books `count` times: each is refused with `cause`
 * (in strict mode, the first with `cause`, the next at the door), and OPERA sees no write.
 */
export const expectWritesRefused = async (fault: UnderFault, cause: RegExp, writes: WriteRefusals = {}) => {
  const { count = scaled(20, 2), from = 1000, whileFault = "its intent could not be recorded" } = writes
  const figures = { refusedWrites: 0, leakedWrites: 0 }
  await clearTraffic(fault.opera)
  for (let n = 0; n < count; n++) {
    const result = await book(fault.session, from + n)
    fault.transcript.keep(`${fault.name} results`, JSON.stringify(result))
    expect(result.isError).toBe(true)
    // The first refusal names the cause; in strict mode the next ones are refused at the door.
    expect(textOf(result)).toMatch(n === 0 || !fault.strict ? cause : strictRefusal)
    figures.refusedWrites++
  }
  figures.leakedWrites = (await operaCalls(fault.opera)).writes
  expect(figures.leakedWrites, `a write reached OPERA while ${whileFault}`).toBe(0)
  return figures
}

/** Searches `count` times (10 at scale 1): served (by OPERA) in lenient mode, refused before OPERA in strict mode. */
export const expectReadsFollowMode = async (fault: UnderFault, count = scaled(10, 2)) => {
  const figures = { readsServed: 0, readsRefused: 0 }
  for (let n = 0; n < count; n++) {
    const result = await search(fault.session)
    fault.transcript.keep(`${fault.name} results`, JSON.stringify(result))
    if (fault.strict) {
      expect(result.isError).toBe(true)
      expect(textOf(result)).toMatch(strictRefusal)
      figures.readsRefused++
    } else {
      expect(succeeded(result), textOf(result)).toBe(true)
      figures.readsServed++
    }
  }
  if (fault.strict) expect((await operaCalls(fault.opera)).reads, "strict mode let a read reach OPERA").toBe(0)
  else expect((await operaCalls(fault.opera)).reads).toBeGreaterThan(0)
  return figures
}

/** The health check reports the log degraded, with a problem matching `problem`; returns the problem. */
export const expectDegraded = async (session: ServerSession, problem: RegExp) => {
  const status = await auditMode(session)
  expect(status.mode).toBe("degraded")
  expect(status.problem).toMatch(problem)
  return status.problem ?? ""
}

/** After the fault: `audit verify` passes and the report counts at least `acknowledged` succeeded calls. */
export const expectNothingLost = (
  env: Record<string, string>,
  transcript: Transcript,
  name: string,
  acknowledged: number
) => {
  const verdict = verify(env)
  transcript.keep(`${name} verify`, verdict.stdout + verdict.stderr)
  expect(verdict.status, verdict.stderr).toBe(0)
  expect(verdict.ok).toBe(true)
  const totals = reportTotals(env)
  // Every acknowledged write has its outcome row (refusals and intents are counted apart).
  expect(totals.succeeded).toBeGreaterThanOrEqual(acknowledged)
  return totals
}
