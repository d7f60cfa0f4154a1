import type { ThreatDetector } from "../ThreatDetector.js"
import { bruteForce, burstRate, offHours } from "./activity.js"
import { bulkGuestAccess, rateManipulation, unusualBookingPattern } from "./hotel.js"
import { injectionArguments } from "./injection.js"

export { bruteForce, bulkGuestAccess, burstRate, injectionArguments, offHours, rateManipulation, unusualBookingPattern }

/** The detectors every ThreatMonitor runs unless the hotel replaces them. */
export const builtInDetectors: ReadonlyArray<ThreatDetector> = [
  bruteForce,
  burstRate,
  bulkGuestAccess,
  unusualBookingPattern,
  rateManipulation,
  offHours,
  injectionArguments
]
