import type { RecordedCall, ThreatLevel } from "./model.js"

/**
 * The sliding behaviour of one client: when it called (every assessed
 * attempt, refused or not) and what its completed calls did. Only the last
 * `profileHorizonMs` are kept, and at most `profileCapacity` entries of each
 * kind, so a flood costs bounded memory. The monitor holds one per client in
 * a Ref; everything here is pure.
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

export const emptyProfile: BehaviourProfile = {
  attempts: [],
  calls: [],
  raisedUntil: 0,
  lastLevel: "low",
  lastAssessedAt: 0
}

const keepRecent = <A>(entries: ReadonlyArray<A>, at: (entry: A) => number, now: number): ReadonlyArray<A> => {
  const cutoff = now - profileHorizonMs
  let first = 0
  while (first < entries.length && at(entries[first]!) <= cutoff) first++
  const start = Math.max(first, entries.length - profileCapacity)
  return start === 0 ? entries : entries.slice(start)
}

export const withAttempt = (profile: BehaviourProfile, now: number): BehaviourProfile => ({
  ...profile,
  attempts: keepRecent([...profile.attempts, now], (at) => at, now),
  calls: keepRecent(profile.calls, (call) => call.at, now)
})

export const withCall = (profile: BehaviourProfile, call: RecordedCall): BehaviourProfile => ({
  ...profile,
  attempts: keepRecent(profile.attempts, (at) => at, call.at),
  calls: keepRecent([...profile.calls, call], (entry) => entry.at, call.at)
})

/** True when nothing in the profile still counts, so the client can be forgotten. */
export const isIdle = (profile: BehaviourProfile, now: number): boolean =>
  profile.raisedUntil <= now &&
  (profile.attempts.at(-1) ?? 0) <= now - profileHorizonMs &&
  (profile.calls.at(-1)?.at ?? 0) <= now - profileHorizonMs

/** Attempts in the last `windowMs` up to `now` (inclusive of now). */
export const attemptsWithin = (profile: BehaviourProfile, now: number, windowMs: number): number => {
  let count = 0
  for (let i = profile.attempts.length - 1; i >= 0 && profile.attempts[i]! > now - windowMs; i--) count++
  return count
}

/** Completed calls in the last `windowMs`, oldest first. */
export const callsWithin = (
  profile: BehaviourProfile,
  now: number,
  windowMs: number
): ReadonlyArray<RecordedCall> => {
  let first = profile.calls.length
  while (first > 0 && profile.calls[first - 1]!.at > now - windowMs) first--
  return profile.calls.slice(first)
}

/** Distinct guests (as hashes) touched by completed calls in the last `windowMs`. */
export const distinctGuestsWithin = (profile: BehaviourProfile, now: number, windowMs: number): number => {
  const seen = new Set<string>()
  for (const call of callsWithin(profile, now, windowMs)) for (const guest of call.guests) seen.add(guest)
  return seen.size
}
