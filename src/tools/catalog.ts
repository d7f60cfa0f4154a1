import type { OperaConnection } from "../config/OperaConnection.js"
import type { SecurityConfig } from "../config/SecurityConfig.js"
import type { OperaClient } from "../opera/OperaClient.js"
import type { TokenCache } from "../opera/TokenCache.js"
import type { AuditLog } from "../security/AuditLog.js"
import type { RateLimiter } from "../security/RateLimiter.js"
import { getGuestProfile } from "./guests/getGuestProfile.js"
import { searchGuests } from "./guests/searchGuests.js"
import { cancelReservation } from "./reservations/cancelReservation.js"
import { createReservation } from "./reservations/createReservation.js"
import { getReservation } from "./reservations/getReservation.js"
import { modifyReservation } from "./reservations/modifyReservation.js"
import { searchReservations } from "./reservations/searchReservations.js"
import { describeTools } from "./security/describeTools.js"
import { getSecurityReport } from "./security/getSecurityReport.js"
import { listHotels } from "./security/listHotels.js"
import { securityHealthCheck } from "./security/securityHealthCheck.js"
import type { Tool } from "./Tool.js"
import type { ToolDirectory } from "./ToolDirectory.js"

/** Services a tool handler may use. */
export type ToolServices =
  | OperaClient
  | OperaConnection
  | TokenCache
  | SecurityConfig
  | ToolDirectory
  | AuditLog
  | RateLimiter

/** Every tool this server has, in the order tools/list shows them. */
export const catalog: ReadonlyArray<Tool<ToolServices>> = [
  searchReservations,
  getReservation,
  createReservation,
  modifyReservation,
  cancelReservation,
  searchGuests,
  getGuestProfile,
  securityHealthCheck,
  getSecurityReport,
  listHotels,
  describeTools
]
