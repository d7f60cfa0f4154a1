import type { OperaConnection } from "../config/OperaConnection.js"
import type { SecurityConfig } from "../config/SecurityConfig.js"
import type { OperaClient } from "../opera/OperaClient.js"
import type { TokenCache } from "../opera/TokenCache.js"
import { getGuestProfile } from "./guests/getGuestProfile.js"
import { searchGuests } from "./guests/searchGuests.js"
import { cancelReservation } from "./reservations/cancelReservation.js"
import { createReservation } from "./reservations/createReservation.js"
import { getReservation } from "./reservations/getReservation.js"
import { modifyReservation } from "./reservations/modifyReservation.js"
import { searchReservations } from "./reservations/searchReservations.js"
import { describeTools } from "./security/describeTools.js"
import { securityHealthCheck } from "./security/securityHealthCheck.js"
import type { Tool } from "./Tool.js"
import type { ToolDirectory } from "./ToolDirectory.js"

/** Services a tool handler may use. */
export type ToolServices = OperaClient | OperaConnection | TokenCache | SecurityConfig | ToolDirectory

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
  describeTools
]
