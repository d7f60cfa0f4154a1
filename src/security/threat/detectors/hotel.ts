import { callsMatchingWithin, minuteMs } from "../BehaviourProfile.js"
import { guestExposureWithin } from "../GuestExposure.js"
import type { CallUnderAssessment, RecordedCall } from "../model.js"
import { ramp } from "../scoring.js"
import type { DetectedThreat, ThreatDetector } from "../ThreatDetector.js"

const found = (threats: ReadonlyArray<DetectedThreat>) => threats.filter((threat) => threat.score > 0)

const argument = (args: unknown, name: string): unknown =>
  typeof args === "object" && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>)[name] : undefined

/**
 * Bulk guest-data access: many distinct guests' personal data in a short
 * time, the shape of a scrape. Guests are weighed by how they were exposed
 * (`exposureWeights`: a profile read 1, a reservation or folio ½, a list line
 * ⅒), so an assistant preparing the day's 60 arrivals in half a minute stays
 * below the windows, while reading profile after profile does not.
 */
export const bulkGuestAccess: ThreatDetector = {
  name: "bulk_guest_access",
  detect: (profile, call) => {
    const tenMinutes = guestExposureWithin(profile, call.at, 10 * minuteMs)
    const hour = guestExposureWithin(profile, call.at, 60 * minuteMs)
    const score = Math.max(ramp(tenMinutes, 60, 110), ramp(hour, 150, 300))
    // The next guest-data read is the one to stop; other tools only carry the history.
    const weight = call.tool.touchesGuestData ? 1 : 0.5
    return found([{
      name: "bulk_guest_access",
      score: score * weight,
      reason: `guest data of weight ${Math.round(tenMinutes)} exposed in the last 10 minutes, ${Math.round(hour)} in the last hour ` +
        "(a profile read weighs 1, a reservation or folio 0.5, a list line 0.1)"
    }])
  }
}

const stayKey = (arrival: unknown, departure: unknown) =>
  typeof arrival === "string" && typeof departure === "string" ? `${arrival}/${departure}` : undefined

const largestGroup = (keys: ReadonlyArray<string | undefined>): number => {
  const counts = new Map<string, number>()
  let largest = 0
  for (const key of keys) {
    if (key === undefined) continue
    const count = (counts.get(key) ?? 0) + 1
    counts.set(key, count)
    largest = Math.max(largest, count)
  }
  return largest
}

// Constants, so the profile keeps one window of these calls rather than scanning the history.
const isBookingWrite = (entry: RecordedCall) => entry.writes && entry.reservation !== undefined
// A group block's pick-ups share the block's dates by design.
const isLooseBookingWrite = (entry: RecordedCall) => isBookingWrite(entry) && entry.inBlock !== true
const isWrite = (entry: RecordedCall) => entry.writes

/**
 * Unusual booking pattern: many reservations created or cancelled for the same
 * stay dates or the same guest name within the hour (inventory blocking,
 * cancel-and-rebook churn), or a wave of cancellations. Pick-ups from a group
 * block are not "the same stay dates": the block is why they share them.
 */
export const unusualBookingPattern: ThreatDetector = {
  name: "unusual_booking_pattern",
  detect: (profile, call: CallUnderAssessment) => {
    const writes = callsMatchingWithin(profile, call.at, 60 * minuteMs, isBookingWrite)
    const loose = callsMatchingWithin(profile, call.at, 60 * minuteMs, isLooseBookingWrite)
    const current = call.tool.annotations.readOnlyHint || argument(call.args, "blockId") !== undefined
      ? undefined
      : stayKey(argument(call.args, "arrivalDate"), argument(call.args, "departureDate"))
    const sameStay = largestGroup([...loose.map((entry) => stayKey(entry.reservation?.arrival, entry.reservation?.departure)), current])
    const sameGuest = largestGroup(writes.map((entry) => entry.reservation?.guestNameHash))
    const cancels = writes.filter((entry) => entry.destructive).length +
      (call.tool.annotations.destructiveHint ? 1 : 0)
    return found([
      {
        name: "same_stay_bookings",
        score: ramp(sameStay, 6, 14),
        reason: `${sameStay} reservations written for the same stay dates in the last hour`
      },
      {
        name: "same_guest_bookings",
        score: ramp(sameGuest, 4, 10),
        reason: `${sameGuest} reservations written for the same guest name in the last hour`
      },
      {
        name: "cancellation_wave",
        score: ramp(cancels, 8, 20),
        reason: `${cancels} cancellations in the last hour`
      }
    ])
  }
}

const deviation = (entry: RecordedCall): number => {
  const rate = entry.reservation?.rateAmount
  const plan = entry.reservation?.ratePlanAmount
  return rate !== undefined && plan !== undefined && plan > 0 ? Math.abs(rate - plan) / plan : 0
}

/**
 * Rate manipulation: rates written far from the rate plan's amount, or many
 * manual rate overrides. One deep discount is worth watching (medium); two, or
 * one plus a run of overrides, stop the client.
 */
export const rateManipulation: ThreatDetector = {
  name: "rate_manipulation",
  detect: (profile, call) => {
    const writes = callsMatchingWithin(profile, call.at, 60 * minuteMs, isWrite)
    const farOff = writes.map(deviation).filter((value) => value > 0.25)
    const deviationScore = farOff.reduce((total, value) => total + 0.5 * Math.min(1, ramp(value, 0.25, 0.75)), 0)
    const currentOverride = !call.tool.annotations.readOnlyHint && typeof argument(call.args, "rateAmount") === "number"
    const overrides = writes.filter((entry) => entry.reservation?.rateAmount !== undefined).length +
      (currentOverride ? 1 : 0)
    const largest = Math.round(Math.max(0, ...farOff) * 100)
    return found([
      {
        name: "rate_far_from_plan",
        score: deviationScore,
        reason: `${farOff.length} rates written more than 25% from the rate plan in the last hour (largest ${largest}%)`
      },
      {
        name: "rate_overrides",
        score: ramp(overrides, 5, 15),
        reason: `${overrides} manual rate overrides in the last hour`
      }
    ])
  }
}
