import type { SecurityConfig } from "../config/SecurityConfig.js"
import type { AuditLog } from "../security/AuditLog.js"
import type { RateLimiter } from "../security/RateLimiter.js"
import type { Redactor } from "../security/Redactor.js"
import type { ThreatMonitor } from "../security/ThreatMonitor.js"
import type { CallContext } from "./CallContext.js"
import type { Connector } from "./Connector.js"
import type { ToolDirectory } from "./ToolDirectory.js"

/**
 * Services any tool handler may use, whatever its connector: the pipeline
 * provides them per call. A connector's own client services are bound to its
 * tools by the connector (see `bindTool`).
 */
export type ToolServices =
  | SecurityConfig
  | ToolDirectory
  | AuditLog
  | RateLimiter
  | ThreatMonitor
  | Redactor
  | CallContext
  | Connector
