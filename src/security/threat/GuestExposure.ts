import type { BehaviourProfile } from "./BehaviourProfile.js"
import { callAggregateWithin } from "./BehaviourProfile.js"
import type { GuestExposure, RecordedCall } from "./model.js"
import type { WindowAggregate } from "./WindowedLog.js"

/**
 * What one guest's exposure weighs: a profile read (contact details) is the
 * full unit, a reservation or folio half, a line in a list a tenth; what a
 * write shows back is what the caller just wrote. A guest counts once, at the
 * heaviest way they were exposed in the window.
 */
export const exposureWeights: Readonly<Record<GuestExposure, number>> = { profile: 1, record: 0.5, list: 0.1, none: 0 }

/** More guests than this in one result make it a list. */
export const listFrom = 4

/** The exposure of a recorded call: its own, or judged from its shape when built by hand. */
export const exposureOf = (call: RecordedCall): GuestExposure =>
  call.exposure ?? (call.writes ? "none" : call.guests.length >= listFrom ? "list" : "record")

const ranks: ReadonlyArray<GuestExposure> = ["list", "record", "profile"]

class WeightedGuests implements WindowAggregate<RecordedCall> {
  /** Per guest, how many calls in the window exposed them at each rank. */
  private readonly counts = new Map<string, [number, number, number]>()
  weight = 0

  private heaviest(counts: readonly [number, number, number]): number {
    for (let rank = 2; rank >= 0; rank--) if (counts[rank]! > 0) return exposureWeights[ranks[rank]!]
    return 0
  }

  private change(call: RecordedCall, by: 1 | -1) {
    const rank = ranks.indexOf(exposureOf(call))
    if (rank < 0) return
    for (const guest of call.guests) {
      const counts = this.counts.get(guest) ?? [0, 0, 0]
      const before = this.heaviest(counts)
      counts[rank] = Math.max(0, counts[rank]! + by)
      const after = this.heaviest(counts)
      this.weight += after - before
      if (after === 0) this.counts.delete(guest)
      else this.counts.set(guest, counts)
    }
  }

  add(call: RecordedCall) {
    this.change(call, 1)
  }

  remove(call: RecordedCall) {
    this.change(call, -1)
  }
}
const weightedGuests = Symbol("weightedGuests")

/**
 * Distinct guests exposed by completed calls in the last `windowMs`, each
 * weighed by `exposureWeights`: 60 profiles read one by one weigh 60, the same
 * 60 guests seen in three list pages weigh 6.
 */
export const guestExposureWithin = (profile: BehaviourProfile, now: number, windowMs: number): number =>
  Math.round(callAggregateWithin(profile, weightedGuests, now, windowMs, () => new WeightedGuests()).weight * 1000) / 1000

class ShownIds implements WindowAggregate<RecordedCall> {
  readonly counts = new Map<string, number>()
  add(call: RecordedCall) {
    for (const id of call.returned ?? []) this.counts.set(id, (this.counts.get(id) ?? 0) + 1)
  }
  remove(call: RecordedCall) {
    for (const id of call.returned ?? []) {
      const count = this.counts.get(id) ?? 0
      if (count <= 1) this.counts.delete(id)
      else this.counts.set(id, count - 1)
    }
  }
}
const shownIds = Symbol("shownIds")

/** Whether a result of the last `windowMs` showed the client this id (as its keyed hash). */
export const wasShownWithin = (profile: BehaviourProfile, now: number, windowMs: number, idHash: string): boolean =>
  callAggregateWithin(profile, shownIds, now, windowMs, () => new ShownIds()).counts.has(idHash)
