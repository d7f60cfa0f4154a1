import { Context, Layer } from "effect"
import type { BehaviourProfile } from "./BehaviourProfile.js"
import { builtInDetectors } from "./detectors/index.js"
import type { CallUnderAssessment } from "./model.js"

/** One threat a detector names, before the monitor tags it with the detector's name. */
export interface DetectedThreat {
  /** Short snake_case name, e.g. "bulk_guest_access". */
  readonly name: string
  /** On the scale of `scoring.ts`: 1 alone stops the call at the default sensitivity. */
  readonly score: number
  /** Counts and field names only: never an argument value or personal data. */
  readonly reason: string
}

/** What a detector returns: nothing, or the threats it sees (scores > 0). */
export type DetectorResult = ReadonlyArray<DetectedThreat>

/**
 * A pluggable risk rule. `detect` is pure and fast: it runs on every tool call
 * with the client's sliding `profile` (the attempt being assessed is already in
 * `profile.attempts`, its outcome not yet in `profile.calls`) and the `call`.
 *
 * A hotel adds its own rule as a Layer next to the built-ins:
 *
 * ```ts
 * const nightAuditExports: ThreatDetector = {
 *   name: "night_audit_exports",
 *   detect: (profile, call) =>
 *     call.tool.name === "get_folio" && call.hourOfDay === 3
 *       ? [{ name: "folio_export_at_night", score: 0.4, reason: "folio read during night audit" }]
 *       : []
 * }
 * const DetectorsLive = ThreatDetectors.add(nightAuditExports)
 * // ThreatMonitor.Default.pipe(Layer.provide(DetectorsLive), …)
 * ```
 */
export interface ThreatDetector {
  readonly name: string
  readonly detect: (profile: BehaviourProfile, call: CallUnderAssessment) => DetectorResult
}

/** The detectors the ThreatMonitor runs, in order. */
export class ThreatDetectors extends Context.Tag("opera/ThreatDetectors")<
  ThreatDetectors,
  ReadonlyArray<ThreatDetector>
>() {
  /** The built-in detectors only. */
  static readonly Default = Layer.succeed(ThreatDetectors, builtInDetectors)

  /** The built-ins plus the hotel's own detectors. */
  static readonly add = (...custom: ReadonlyArray<ThreatDetector>) =>
    Layer.succeed(ThreatDetectors, [...builtInDetectors, ...custom])

  /** Exactly these detectors (tests, or a hotel replacing a built-in). */
  static readonly only = (...detectors: ReadonlyArray<ThreatDetector>) => Layer.succeed(ThreatDetectors, detectors)
}
