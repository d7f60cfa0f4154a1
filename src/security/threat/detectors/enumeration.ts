import { minuteMs } from "../BehaviourProfile.js"
import { unknownLookupsWithin } from "../IdLookups.js"
import { ramp } from "../scoring.js"
import type { DetectedThreat, ThreatDetector } from "../ThreatDetector.js"

const found = (threats: ReadonlyArray<DetectedThreat>) => threats.filter((threat) => threat.score > 0)

/**
 * Id enumeration: reservation or profile ids looked up that no result had
 * shown the client, above all runs of nearby ids and ids OPERA does not know.
 * An assistant reads the ids a listing gave it (a group block's consecutive
 * reservations included); a guess is the exception, a run of them is a scan.
 */
export const idEnumeration: ThreatDetector = {
  name: "id_enumeration",
  detect: (profile, call) => {
    const counts = unknownLookupsWithin(profile, call.at, 10 * minuteMs, call.lookups ?? [])
    const guessing = (call.lookups ?? []).some((lookup) => !lookup.known)
    // The next guessed lookup is the one to stop; other calls only carry the history.
    const weight = guessing ? 1 : 0.5
    return found([
      {
        name: "unknown_ids",
        score: weight * ramp(counts.distinct, 10, 40),
        reason: `${counts.distinct} ids looked up in the last 10 minutes that no result had shown this client`
      },
      {
        name: "nearby_ids",
        score: weight * ramp(counts.inRuns, 4, 16),
        reason: `${counts.inRuns} ids looked up in the last 10 minutes in runs of nearby ids`
      },
      {
        name: "ids_not_found",
        score: weight * ramp(counts.notFound, 2, 8),
        reason: `${counts.notFound} guessed ids not found in the last 10 minutes`
      }
    ])
  }
}
