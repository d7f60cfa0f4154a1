import type { BehaviourProfile } from "./BehaviourProfile.js"
import { callAggregateWithin } from "./BehaviourProfile.js"
import type { Lookup, RecordedCall } from "./model.js"
import type { WindowAggregate } from "./WindowedLog.js"

/** A neighbourhood holding this many distinct unknown ids is a run of nearby ids. */
export const runFrom = 3

const bump = (counts: Map<string, number>, key: string, by: 1 | -1): number => {
  const count = Math.max(0, (counts.get(key) ?? 0) + by)
  if (count === 0) counts.delete(key)
  else counts.set(key, count)
  return count
}

/**
 * The ids a client looked up without having been shown them (guessed,
 * dictated, or enumerated), over a window: how many distinct ones, how many
 * sit in runs of nearby ids, how many OPERA did not find.
 */
class UnknownLookups implements WindowAggregate<RecordedCall> {
  readonly keys = new Map<string, number>()
  readonly missing = new Map<string, number>()
  /** Per neighbourhood, its distinct ids (with how many calls looked each up). */
  readonly neighbourhoods = new Map<string, Map<string, number>>()
  /** Distinct ids in neighbourhoods of at least `runFrom`. */
  inRuns = 0

  private change(call: RecordedCall, by: 1 | -1) {
    const notFound = call.failure === "not_found"
    for (const lookup of call.lookups ?? []) {
      if (lookup.known) continue
      bump(this.keys, lookup.key, by)
      if (notFound) bump(this.missing, lookup.key, by)
      const ids = this.neighbourhoods.get(lookup.bucket) ?? new Map<string, number>()
      const before = ids.size
      bump(ids, lookup.key, by)
      const after = ids.size
      this.inRuns += (after >= runFrom ? after : 0) - (before >= runFrom ? before : 0)
      if (after === 0) this.neighbourhoods.delete(lookup.bucket)
      else this.neighbourhoods.set(lookup.bucket, ids)
    }
  }

  add(call: RecordedCall) {
    this.change(call, 1)
  }

  remove(call: RecordedCall) {
    this.change(call, -1)
  }
}
const unknownLookups = Symbol("unknownLookups")

export interface UnknownLookupCounts {
  /** Distinct ids looked up that no result had shown the client. */
  readonly distinct: number
  /** How many of them sit in runs of nearby ids (sequential or close together). */
  readonly inRuns: number
  /** How many of them OPERA did not find. */
  readonly notFound: number
}

/**
 * Unknown lookups of the completed calls in the last `windowMs`, with those
 * of the call being assessed (`current`) counted in as if it had completed.
 */
export const unknownLookupsWithin = (
  profile: BehaviourProfile,
  now: number,
  windowMs: number,
  current: ReadonlyArray<Lookup> = []
): UnknownLookupCounts => {
  const window = callAggregateWithin(profile, unknownLookups, now, windowMs, () => new UnknownLookups())
  let distinct = window.keys.size
  let inRuns = window.inRuns
  const added = new Map<string, Set<string>>()
  for (const lookup of current) {
    if (lookup.known || window.keys.has(lookup.key)) continue
    const extra = added.get(lookup.bucket) ?? new Set<string>()
    if (extra.has(lookup.key)) continue
    const before = (window.neighbourhoods.get(lookup.bucket)?.size ?? 0) + extra.size
    extra.add(lookup.key)
    added.set(lookup.bucket, extra)
    distinct++
    inRuns += before + 1 >= runFrom ? (before + 1 === runFrom ? runFrom : 1) : 0
  }
  return { distinct, inRuns, notFound: window.missing.size }
}
