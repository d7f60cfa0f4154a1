import type { ThreatFinding } from "../threat/model.js"

/** What the ThreatMonitor hands the responder when a call scores high. */
export interface IncidentReport {
  readonly clientId: string
  readonly tool: string
  readonly score: number
  readonly threats: ReadonlyArray<ThreatFinding>
}

/**
 * Where an alert stands: not configured, switched off (automatic response off),
 * being sent (with retries), delivered, or given up on.
 */
export type AlertState = "not_configured" | "disabled" | "sending" | "delivered" | "failed"

export interface Incident extends IncidentReport {
  readonly id: string
  readonly openedAt: number
  /** Epoch ms; equals `openedAt` when automatic response is off (nothing blocked). */
  readonly blockedUntil: number
  readonly alerts: { readonly webhook: AlertState; readonly email: AlertState }
}

export interface BlockedClient {
  readonly clientId: string
  readonly until: number
  readonly incidentId: string
}

/** The JSON body of the webhook alert. No secret, no guest data: threat reasons hold counts only. */
export const alertBody = (incident: Incident, isoOf: (epochMs: number) => string) => ({
  type: "opera-cloud-mcp.security_incident",
  incidentId: incident.id,
  openedAt: isoOf(incident.openedAt),
  blockedUntil: isoOf(incident.blockedUntil),
  clientId: incident.clientId,
  tool: incident.tool,
  score: incident.score,
  level: "high",
  threats: incident.threats.map(({ detector, name, reason, score }) => ({ detector, name, reason, score }))
})

/** Plain-text email for the security team. */
export const alertText = (incident: Incident, isoOf: (epochMs: number) => string): string =>
  [
    `Security incident ${incident.id} opened at ${isoOf(incident.openedAt)}.`,
    "",
    `Client: ${incident.clientId}`,
    `Tool: ${incident.tool}`,
    `Risk score: ${incident.score} (high)`,
    `The client is blocked until ${isoOf(incident.blockedUntil)}.`,
    "",
    "Threats:",
    ...incident.threats.map((threat) => `- ${threat.detector}/${threat.name} (${threat.score.toFixed(2)}): ${threat.reason}`),
    "",
    "Review the audit log (opera-cloud-mcp audit report) for the calls around this time."
  ].join("\n")
