import { attemptsWithin, countCallsWithin } from "../BehaviourProfile.js"
import type { RecordedCall } from "../model.js"
import { ramp } from "../scoring.js"
import type { DetectedThreat, ThreatDetector } from "../ThreatDetector.js"

const found = (threats: ReadonlyArray<DetectedThreat>) => threats.filter((threat) => threat.score > 0)

// Answers that are a step of an ordinary call, not a failure: the token flow's first answer, a round waiting
// for the user, the user saying no.
const notAFailure = new Set(["ConfirmationRequired", "ConfirmationPending", "ConfirmationDeclined"])

// An outage (the connector's system, the way to it, our own plumbing) says nothing about the caller.
const callersFailure = (entry: RecordedCall) =>
  !entry.success && entry.failure !== "outage" && !notAFailure.has(entry.errorTag ?? "")

/** Brute force: failed or refused calls piling up (bad credentials, guessed ids, probing policy). */
export const bruteForce: ThreatDetector = {
  name: "brute_force",
  detect: (profile, call) => {
    const failures = countCallsWithin(profile, call.at, 5 * 60_000, callersFailure)
    return found([{
      name: "repeated_failures",
      score: ramp(failures, 4, 12),
      reason: `${failures} failed or refused calls in the last 5 minutes`
    }])
  }
}

/**
 * Burst rate: weak evidence on its own. Assistants work in bursts (the day's
 * arrivals read in half a minute), so a burst adds at most 0.3: it sharpens
 * what the other detectors see but never reaches medium alone.
 */
export const burstWeight = 0.3

export const burstRate: ThreatDetector = {
  name: "burst_rate",
  detect: (profile, call) => {
    const tenSeconds = attemptsWithin(profile, call.at, 10_000)
    const minute = attemptsWithin(profile, call.at, 60_000)
    const score = burstWeight * Math.min(1, Math.max(ramp(tenSeconds, 8, 24), ramp(minute, 40, 100)))
    return found([{
      name: "call_burst",
      score,
      reason: `${tenSeconds} calls in the last 10 seconds, ${minute} in the last minute`
    }])
  }
}

/**
 * Off-hours activity: alone it never reaches medium; it adds to what the other
 * detectors see, so the same behaviour is judged more strictly at 3 a.m.
 */
export const offHours: ThreatDetector = {
  name: "off_hours",
  detect: (_profile, call) => {
    if (!call.offHours) return []
    const score = !call.tool.annotations.readOnlyHint ? 0.3 : call.tool.touchesGuestData ? 0.15 : 0.05
    const kind = !call.tool.annotations.readOnlyHint ? "a write" : call.tool.touchesGuestData ? "a guest-data read" : "a call"
    return [{ name: "off_hours_activity", score, reason: `${kind} at ${call.hourOfDay}:00, inside the off-hours window` }]
  }
}
