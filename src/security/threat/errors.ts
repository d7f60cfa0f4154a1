import { Schema } from "effect"
import { isoInstant } from "../errors.js"

/** The ThreatMonitor scored this call high risk and refused it. Names threats, never argument values. */
export class ThreatBlocked extends Schema.TaggedError<ThreatBlocked>()("ThreatBlocked", {
  tool: Schema.String,
  score: Schema.Number,
  threats: Schema.Array(Schema.String),
  message: Schema.String
}) {
  static of(tool: string, score: number, threats: ReadonlyArray<string>) {
    return new ThreatBlocked({
      tool,
      score,
      threats,
      message: `Refused: this call to ${tool} was scored high risk (${threats.join(", ")}). ` +
        "Slow down and narrow the request; if this is legitimate work, ask an administrator to review the security events."
    })
  }
}

/** The client is blocked after a security incident until `blockedUntil` (epoch ms). */
export class ClientBlocked extends Schema.TaggedError<ClientBlocked>()("ClientBlocked", {
  blockedUntil: Schema.Number,
  incidentId: Schema.String,
  message: Schema.String
}) {
  static until(blockedUntil: number, incidentId: string) {
    return new ClientBlocked({
      blockedUntil,
      incidentId,
      message: `This client is blocked after security incident ${incidentId}, until ${isoInstant(blockedUntil)}. ` +
        "The security team has been alerted; wait until then or ask an administrator to review the incident."
    })
  }
  /** A block an operator set (`opera-cloud-mcp clients block`). */
  static byOperator(blockedUntil: number) {
    return new ClientBlocked({
      blockedUntil,
      incidentId: "operator",
      message: `This client is blocked by an administrator until ${isoInstant(blockedUntil)}. ` +
        "Ask the security team to lift the block (opera-cloud-mcp clients unblock)."
    })
  }
}
