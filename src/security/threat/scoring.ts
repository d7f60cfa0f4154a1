import type { ThreatFinding, ThreatLevel } from "./model.js"

/**
 * Detector scores are on one scale: 1 means "this alone should stop the call
 * at the default sensitivity", 0.5 "watch this client more closely". A
 * detector usually returns `ramp(observed, soft, hard)`: 0 up to `soft`, 1 at
 * `hard`, rising linearly in between and capped at `rampCap`.
 */
export const rampCap = 2

export const ramp = (observed: number, soft: number, hard: number): number =>
  observed <= soft ? 0 : Math.min(rampCap, (observed - soft) / (hard - soft))

export const mediumAt = 0.5
export const highAt = 1

/**
 * `OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY` (0–1) scales the summed score
 * by `0.3 + sensitivity`: 1.0 at the default 0.7, 0.3 at 0 (only blatant abuse
 * is caught), 1.3 at 1.
 */
export const sensitivityFactor = (sensitivity: number): number => 0.3 + Math.min(1, Math.max(0, sensitivity))

/**
 * Raised monitoring (after a medium assessment) multiplies the score by this,
 * which is the same as lowering every threshold by a third.
 */
export const raisedMonitoringFactor = 1.5

export const levelOf = (score: number): ThreatLevel =>
  score >= highAt ? "high" : score >= mediumAt ? "medium" : "low"

/** Sum of the findings, scaled; rounded to 3 decimals so reports stay readable. */
export const totalScore = (
  findings: ReadonlyArray<ThreatFinding>,
  sensitivity: number,
  raised: boolean
): number => {
  const sum = findings.reduce((total, finding) => total + finding.score, 0)
  const scaled = sum * sensitivityFactor(sensitivity) * (raised ? raisedMonitoringFactor : 1)
  return Math.round(scaled * 1000) / 1000
}
