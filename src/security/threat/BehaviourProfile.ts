import type { BehaviourCursor, BehaviourDelta } from "../state/StateStore.js"
import { freshCursor } from "../state/StateStore.js"
import type { RecordedCall, ThreatLevel } from "./model.js"
import type { WindowAggregate } from "./WindowedLog.js"
import { WindowedLog } from "./WindowedLog.js"

/**
 * The sliding behaviour of one client: when it called (every assessed
 * attempt, refused or not) and what its completed calls did. Only the last
 * `profileHorizonMs` are kept, and at most `profileCapacity` entries of each
 * kind, so a flood costs bounded memory.
 *
 * Detectors read it through the window queries below (`attemptsWithin`,
 * `distinctGuestsWithin`, `callsMatchingWithin`, …), which cost O(1)
 * amortised per call on the monitor's profiles however long the history;
 * `attempts` and `calls` are there for custom rules and copy on each read.
 */
export interface BehaviourProfile {
  /** Epoch ms of every assessed attempt, oldest first (includes the call being assessed). */
  readonly attempts: ReadonlyArray<number>
  /** Completed calls, oldest first. */
  readonly calls: ReadonlyArray<RecordedCall>
  /** Raised monitoring (after a medium assessment) lasts until this instant; 0 when not raised. */
  readonly raisedUntil: number
  readonly lastLevel: ThreatLevel
  readonly lastAssessedAt: number
}

export const minuteMs = 60_000
/** Detector windows never look further back than this. */
export const profileHorizonMs = 60 * minuteMs
export const profileCapacity = 5_000

/**
 * The profile the ThreatMonitor keeps per client, updated in place: the
 * attempts and calls as `WindowedLog`s whose windows the queries keep up to
 * date. One per client per monitor layer; never shared.
 */
export class ClientBehaviour implements BehaviourProfile {
  readonly attemptLog = new WindowedLog<number>((at) => at, profileHorizonMs, profileCapacity)
  readonly callLog = new WindowedLog<RecordedCall>((call) => call.at, profileHorizonMs, profileCapacity)
  raisedUntil = 0
  lastLevel: ThreatLevel = "low"
  lastAssessedAt = 0
  /** The findings of the last medium assessment reported, and when: a burst is reported, not each call of it. */
  lastReported = ""
  lastReportedAt = Number.NEGATIVE_INFINITY

  get attempts(): ReadonlyArray<number> {
    return this.attemptLog.toArray()
  }

  get calls(): ReadonlyArray<RecordedCall> {
    return this.callLog.toArray()
  }

  /** An attempt at `now` (before the detectors run). */
  attempt(now: number): this {
    this.attemptLog.append(now, now)
    this.callLog.trim(now)
    return this
  }

  /** A completed call (after the handler). */
  record(call: RecordedCall): this {
    this.attemptLog.trim(call.at)
    this.callLog.append(call, call.at)
    return this
  }

  /** How far this profile holds the client's shared behaviour in the StateStore. */
  cursor: BehaviourCursor = freshCursor

  /**
   * Take in what the store returned: only the entries after `cursor` (two
   * replies to concurrent calls overlap; a late reply adds nothing), in the
   * store's order. False when the reply is of another generation of the log
   * (the caller then starts a profile afresh from a reply with `reset`).
   */
  absorb(delta: BehaviourDelta, now: number): boolean {
    if (delta.cursor.generation !== this.cursor.generation) return false
    const newAttempts = Math.max(0, delta.cursor.attempts - this.cursor.attempts)
    const newCalls = Math.max(0, delta.cursor.calls - this.cursor.calls)
    for (const at of delta.attempts.slice(Math.max(0, delta.attempts.length - newAttempts))) this.attemptLog.append(at, now)
    for (const call of delta.calls.slice(Math.max(0, delta.calls.length - newCalls))) this.callLog.append(call, now)
    this.attemptLog.trim(now)
    this.callLog.trim(now)
    this.cursor = {
      generation: delta.cursor.generation,
      attempts: Math.max(this.cursor.attempts, delta.cursor.attempts),
      calls: Math.max(this.cursor.calls, delta.cursor.calls)
    }
    this.raisedUntil = Math.max(this.raisedUntil, delta.raisedUntil)
    return true
  }

  /** A copy, for the pure `withAttempt` / `withCall`. */
  copy(): ClientBehaviour {
    return ClientBehaviour.from(this)
  }

  /** A new, unshared profile with the history of `profile` (a plain one or another client's). */
  static from(profile: BehaviourProfile): ClientBehaviour {
    const behaviour = new ClientBehaviour()
    for (const at of profile.attempts) behaviour.attemptLog.append(at, at)
    for (const call of profile.calls) behaviour.callLog.append(call, call.at)
    behaviour.raisedUntil = profile.raisedUntil
    behaviour.lastLevel = profile.lastLevel
    behaviour.lastAssessedAt = profile.lastAssessedAt
    return behaviour
  }
}

/** A profile with no history. Immutable: `withAttempt` and `withCall` return new profiles. */
export const emptyProfile: BehaviourProfile = {
  attempts: [],
  calls: [],
  raisedUntil: 0,
  lastLevel: "low",
  lastAssessedAt: 0
}

/** A new profile with an attempt at `now` (copies; the monitor uses `ClientBehaviour.attempt`). */
export const withAttempt = (profile: BehaviourProfile, now: number): BehaviourProfile =>
  ClientBehaviour.from(profile).attempt(now)

/** A new profile with a completed call (copies; the monitor uses `ClientBehaviour.record`). */
export const withCall = (profile: BehaviourProfile, call: RecordedCall): BehaviourProfile =>
  ClientBehaviour.from(profile).record(call)

/** True when nothing in the profile still counts, so the client can be forgotten. */
export const isIdle = (profile: BehaviourProfile, now: number): boolean => {
  const lastAttempt = profile instanceof ClientBehaviour ? profile.attemptLog.last() : profile.attempts.at(-1)
  const lastCall = profile instanceof ClientBehaviour ? profile.callLog.last() : profile.calls.at(-1)
  return profile.raisedUntil <= now &&
    (lastAttempt ?? 0) <= now - profileHorizonMs &&
    (lastCall?.at ?? 0) <= now - profileHorizonMs
}

// Plain profiles (a custom rule's tests may build one by hand) are scanned from the newest entry.
const plainWithin = <A>(entries: ReadonlyArray<A>, at: (entry: A) => number, now: number, windowMs: number) => {
  let first = entries.length
  while (first > 0 && at(entries[first - 1]!) > now - windowMs) first--
  return entries.slice(first)
}

const noAggregate: WindowAggregate<unknown> = { add: () => {}, remove: () => {} }
const counted = Symbol("counted")

/** Attempts in the last `windowMs` up to `now` (inclusive of now). */
export const attemptsWithin = (profile: BehaviourProfile, now: number, windowMs: number): number => {
  if (!(profile instanceof ClientBehaviour)) return plainWithin(profile.attempts, (at) => at, now, windowMs).length
  const view = profile.attemptLog.window(counted, windowMs, now, () => noAggregate)
  return view.end - view.start
}

/** Completed calls in the last `windowMs`, oldest first. O(calls in the window): prefer the counting queries. */
export const callsWithin = (profile: BehaviourProfile, now: number, windowMs: number): ReadonlyArray<RecordedCall> =>
  callsMatchingWithin(profile, now, windowMs, everyCall)

const everyCall = (_call: RecordedCall) => true

class Matching implements WindowAggregate<RecordedCall> {
  /** Positions of the matching calls in the window, ascending. */
  positions: Array<number> = []
  first = 0
  constructor(readonly matches: (call: RecordedCall) => boolean) {}
  add(call: RecordedCall, position: number) {
    if (!this.matches(call)) return
    if (this.first < this.positions.length && position < this.positions[this.first]!) {
      this.positions = [position, ...this.positions.slice(this.first)]
      this.first = 0
    } else this.positions.push(position)
  }
  remove(_call: RecordedCall, position: number) {
    if (this.positions[this.first] !== position) return
    this.first++
    if (this.first > 64 && this.first * 2 >= this.positions.length) {
      this.positions = this.positions.slice(this.first)
      this.first = 0
    }
  }
  get count() {
    return this.positions.length - this.first
  }
}

/**
 * Completed calls in the last `windowMs` for which `matches` holds, oldest
 * first. Costs O(matching calls), not O(history): keep `matches` a constant
 * (it names the window), e.g. `(call) => call.writes`.
 */
export const callsMatchingWithin = (
  profile: BehaviourProfile,
  now: number,
  windowMs: number,
  matches: (call: RecordedCall) => boolean
): ReadonlyArray<RecordedCall> => {
  if (!(profile instanceof ClientBehaviour)) {
    return plainWithin(profile.calls, (call) => call.at, now, windowMs).filter(matches)
  }
  const log = profile.callLog
  const { aggregate } = log.window(matches, windowMs, now, () => new Matching(matches))
  const found: Array<RecordedCall> = []
  for (let i = aggregate.first; i < aggregate.positions.length; i++) found.push(log.entry(aggregate.positions[i]!))
  return found
}

/** How many completed calls in the last `windowMs` `matches` holds for, in O(1) amortised. */
export const countCallsWithin = (
  profile: BehaviourProfile,
  now: number,
  windowMs: number,
  matches: (call: RecordedCall) => boolean
): number =>
  profile instanceof ClientBehaviour
    ? profile.callLog.window(matches, windowMs, now, () => new Matching(matches)).aggregate.count
    : plainWithin(profile.calls, (call) => call.at, now, windowMs).filter(matches).length

class GuestCounts implements WindowAggregate<RecordedCall> {
  readonly counts = new Map<string, number>()
  add(call: RecordedCall) {
    for (const guest of call.guests) this.counts.set(guest, (this.counts.get(guest) ?? 0) + 1)
  }
  remove(call: RecordedCall) {
    for (const guest of call.guests) {
      const count = this.counts.get(guest) ?? 0
      if (count <= 1) this.counts.delete(guest)
      else this.counts.set(guest, count - 1)
    }
  }
}
const guestCounts = Symbol("guests")

/** Distinct guests (as hashes) touched by completed calls in the last `windowMs`. */
export const distinctGuestsWithin = (profile: BehaviourProfile, now: number, windowMs: number): number => {
  if (profile instanceof ClientBehaviour) {
    return profile.callLog.window(guestCounts, windowMs, now, () => new GuestCounts()).aggregate.counts.size
  }
  const seen = new Set<string>()
  for (const call of plainWithin(profile.calls, (entry) => entry.at, now, windowMs)) {
    for (const guest of call.guests) seen.add(guest)
  }
  return seen.size
}

/**
 * The aggregate `kind` (a constant naming the window) over the completed calls
 * of the last `windowMs`: kept up to date on the monitor's profiles, built
 * afresh from a scan on a plain one.
 */
export const callAggregateWithin = <A extends WindowAggregate<RecordedCall>>(
  profile: BehaviourProfile,
  kind: symbol,
  now: number,
  windowMs: number,
  make: () => A
): A => {
  if (profile instanceof ClientBehaviour) return profile.callLog.window(kind, windowMs, now, make).aggregate
  const aggregate = make()
  plainWithin(profile.calls, (call) => call.at, now, windowMs).forEach((call, index) => aggregate.add(call, index))
  return aggregate
}
