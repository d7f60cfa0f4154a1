/**
 * The library entry point (`import { AppLayer, … } from "opera-cloud-mcp"`): the runtime as a Layer, and the
 * seams a hotel composes its own rules into. `effect` is a peer dependency, so the tags here are the ones the
 * caller's own `effect` import sees.
 */
export type { AppExtensions, Mode } from "./Runtime.js"
export { AppLayer, LoggingLive, StderrJsonLogger } from "./Runtime.js"
export type { AccessRule } from "./security/AccessPolicy.js"
export { AccessPolicy, AccessRules } from "./security/AccessPolicy.js"
export { AuditLog } from "./security/AuditLog.js"
export { ThreatMonitor } from "./security/ThreatMonitor.js"
export type { BehaviourProfile } from "./security/threat/BehaviourProfile.js"
export type { DetectedThreat, DetectorResult, ThreatDetector } from "./security/threat/ThreatDetector.js"
export { ThreatDetectors } from "./security/threat/ThreatDetector.js"
export type { CallUnderAssessment } from "./security/threat/model.js"
export { Sandbox } from "./connectors/opera/sandbox/Sandbox.js"
export type { SandboxOptions } from "./connectors/opera/sandbox/Sandbox.js"
export type { CallContextShape } from "./tools/CallContext.js"
export { CallContext } from "./tools/CallContext.js"
export type { ToolInfo } from "./tools/ToolInfo.js"
export { ToolRegistry } from "./tools/ToolRegistry.js"
