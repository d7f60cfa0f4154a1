import type { ThreatDetector } from "../ThreatDetector.js"
import { bruteForce, burstRate, offHours } from "./activity.js"
import { idEnumeration } from "./enumeration.js"
import { bulkGuestAccess, rateManipulation, unusualBookingPattern } from "./hotel.js"
import { injectionArguments } from "./injection.js"

export { bruteForce, bulkGuestAccess, burstRate, idEnumeration, injectionArguments, offHours, rateManipulation, unusualBookingPattern }

/** The detectors every ThreatMonitor runs unless the hotel replaces them. */
export const builtInDetectors: ReadonlyArray<ThreatDetector> = [
  bruteForce,
  burstRate,
  bulkGuestAccess,
  idEnumeration,
  unusualBookingPattern,
  rateManipulation,
  offHours,
  injectionArguments
]
