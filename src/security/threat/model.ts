import type { ReservedSlot } from "../state/StateStore.js"
import type { ToolInfo } from "../../tools/ToolInfo.js"

export type ThreatLevel = "low" | "medium" | "high"

/**
 * One named threat a detector found. `reason` is read by people (alerts, the
 * audit log, the refused caller): it states counts and field names only, never
 * an argument value, a guest name or any other personal data.
 */
export interface ThreatFinding {
  readonly detector: string
  readonly name: string
  readonly score: number
  readonly reason: string
}

/** What `ThreatMonitor.assess` concludes about one call. */
export interface Assessment {
  readonly score: number
  readonly level: ThreatLevel
  readonly threats: ReadonlyArray<ThreatFinding>
}

/** Reservation facts of a write, as the pipeline knows them after the call. */
export interface ReservationFacts {
  readonly arrival?: string
  readonly departure?: string
  /** A keyed hash of the guest's name (the monitor hashes it again with its own key). */
  readonly guestNameHash?: string
  readonly rateAmount?: number
  /** The rate plan's own nightly amount, to compare `rateAmount` with. */
  readonly ratePlanAmount?: number
}

/**
 * Why a call failed, as the detectors weigh it:
 * - `refused`: the pipeline refused it (policy, limits, arguments, a threat block);
 * - `rejected`: the connector's system refused the request (a bad value, a state it does not allow);
 * - `not_found`: the system has no record under the id asked for;
 * - `outage`: the system, the way to it or our own plumbing (audit log, shared state) was at fault:
 *   it says nothing about the caller.
 */
export type FailureKind = "refused" | "rejected" | "not_found" | "outage"

/** The outcome of one call, handed to `ThreatMonitor.record` after the handler ran. */
export interface CallOutcome {
  readonly success: boolean
  readonly errorTag?: string
  /** Why it failed, when it did. */
  readonly failure?: FailureKind
  /** OPERA profile ids the call read or touched; kept only as keyed hashes. */
  readonly guestIds?: ReadonlyArray<string>
  readonly reservationFacts?: ReservationFacts
  /** Ids of reservations, profiles, blocks… the result showed the client; kept only as keyed hashes. */
  readonly returnedIds?: ReadonlyArray<string>
  /** The decoded arguments, for the ids the call looked up; kept only as keyed hashes. */
  readonly args?: unknown
  readonly durationMs: number
  /** The OPERA throttle's slot the call's admission reserved and no request used: given back with the outcome. */
  readonly unusedSlot?: ReservedSlot
}

/**
 * How a call exposed the guests it touched: one guest's profile (contact
 * details), one guest's record (a reservation, a folio), a list, or nothing
 * read (a write shows back what the caller just wrote).
 */
export type GuestExposure = "profile" | "record" | "list" | "none"

/**
 * An id the call looked up (`reservationId`, `profileId`, …), as keyed hashes:
 * `key` of the id, `bucket` of its neighbourhood (prefix and number / 16), so
 * that runs of nearby ids can be counted without keeping the ids.
 */
export interface Lookup {
  readonly key: string
  readonly bucket: string
  /** The id was in a result this client had been shown before (a listing, a search). */
  readonly known: boolean
}

/** A completed call as the behaviour profile keeps it: no raw id, no name, no argument. */
export interface RecordedCall {
  readonly at: number
  readonly tool: string
  readonly writes: boolean
  readonly destructive: boolean
  readonly touchesGuestData: boolean
  readonly success: boolean
  readonly errorTag?: string
  /** Why it failed, when it did (entries without it count as the caller's failure). */
  readonly failure?: FailureKind
  /** Keyed hashes of the guest ids the call touched. */
  readonly guests: ReadonlyArray<string>
  /** How the guests were exposed; without it, a read of up to 3 guests is a record, more a list. */
  readonly exposure?: GuestExposure
  /** The ids the call looked up. */
  readonly lookups?: ReadonlyArray<Lookup>
  /** Keyed hashes of the ids the result showed. */
  readonly returned?: ReadonlyArray<string>
  /** A booking picked up from a group block: its dates are the block's, not a pattern. */
  readonly inBlock?: boolean
  readonly reservation?: ReservationFacts
}

/** The call being assessed, before it runs. */
export interface CallUnderAssessment {
  readonly clientId: string
  readonly tool: ToolInfo
  /** Decoded arguments. Detectors may inspect them but must never quote them in a reason. */
  readonly args: unknown
  /** Epoch milliseconds, from Clock. */
  readonly at: number
  /** Hour of day (0–23) in the hotel's time zone. */
  readonly hourOfDay: number
  /** Whether `hourOfDay` falls in the hotel's off-hours window (ThreatConfig). */
  readonly offHours: boolean
  /** The ids this call looks up, judged against what the client was shown (none when built by hand). */
  readonly lookups?: ReadonlyArray<Lookup>
}
