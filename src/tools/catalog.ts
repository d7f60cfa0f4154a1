import type { OperaConnection } from "../connectors/opera/client/OperaConnection.js"
import type { SecurityConfig } from "../config/SecurityConfig.js"
import type { OperaClient } from "../connectors/opera/client/OperaClient.js"
import type { TokenCache } from "../connectors/opera/client/TokenCache.js"
import type { AuditLog } from "../security/AuditLog.js"
import type { RateLimiter } from "../security/RateLimiter.js"
import type { Redactor } from "../security/Redactor.js"
import type { ThreatMonitor } from "../security/ThreatMonitor.js"
import type { CallContext } from "./CallContext.js"
import { bookActivity } from "../connectors/opera/tools/activities/bookActivity.js"
import { cancelActivity } from "../connectors/opera/tools/activities/cancelActivity.js"
import { listActivities } from "../connectors/opera/tools/activities/listActivities.js"
import { createBlock } from "../connectors/opera/tools/blocks/createBlock.js"
import { getBlock } from "../connectors/opera/tools/blocks/getBlock.js"
import { pickUpBlockReservation } from "../connectors/opera/tools/blocks/pickUpBlockReservation.js"
import { searchBlocks } from "../connectors/opera/tools/blocks/searchBlocks.js"
import { getDailyRevenue } from "../connectors/opera/tools/cashiering/getDailyRevenue.js"
import { getFinancialPostings } from "../connectors/opera/tools/cashiering/getFinancialPostings.js"
import { getFolio } from "../connectors/opera/tools/cashiering/getFolio.js"
import { getPostingSummary } from "../connectors/opera/tools/cashiering/getPostingSummary.js"
import { postCharge } from "../connectors/opera/tools/cashiering/postCharge.js"
import { postPayment } from "../connectors/opera/tools/cashiering/postPayment.js"
import { transferCharge } from "../connectors/opera/tools/cashiering/transferCharge.js"
import { assignRoom } from "../connectors/opera/tools/frontDesk/assignRoom.js"
import { checkInGuest } from "../connectors/opera/tools/frontDesk/checkInGuest.js"
import { checkOutGuest } from "../connectors/opera/tools/frontDesk/checkOutGuest.js"
import { getNoShowReport } from "../connectors/opera/tools/frontDesk/getNoShowReport.js"
import { getOccupancyReport } from "../connectors/opera/tools/frontDesk/getOccupancyReport.js"
import { getRoomStatusStatistics } from "../connectors/opera/tools/frontDesk/getRoomStatusStatistics.js"
import { getSuggestedRooms } from "../connectors/opera/tools/frontDesk/getSuggestedRooms.js"
import { listArrivals } from "../connectors/opera/tools/frontDesk/listArrivals.js"
import { listDepartures } from "../connectors/opera/tools/frontDesk/listDepartures.js"
import { listInHouseGuests } from "../connectors/opera/tools/frontDesk/listInHouseGuests.js"
import { moveRoom } from "../connectors/opera/tools/frontDesk/moveRoom.js"
import { unassignRoom } from "../connectors/opera/tools/frontDesk/unassignRoom.js"
import { walkInGuest } from "../connectors/opera/tools/frontDesk/walkInGuest.js"
import { addGuestPreference } from "../connectors/opera/tools/guests/addGuestPreference.js"
import { createCompanyProfile } from "../connectors/opera/tools/guests/createCompanyProfile.js"
import { createGuestProfile } from "../connectors/opera/tools/guests/createGuestProfile.js"
import { createTravelAgentProfile } from "../connectors/opera/tools/guests/createTravelAgentProfile.js"
import { findMergeCandidates } from "../connectors/opera/tools/guests/findMergeCandidates.js"
import { getCompanyProfile } from "../connectors/opera/tools/guests/getCompanyProfile.js"
import { getGuestPreferences } from "../connectors/opera/tools/guests/getGuestPreferences.js"
import { getGuestProfile } from "../connectors/opera/tools/guests/getGuestProfile.js"
import { getGuestStayHistory } from "../connectors/opera/tools/guests/getGuestStayHistory.js"
import { getProfileMemberships } from "../connectors/opera/tools/guests/getProfileMemberships.js"
import { getTravelAgentProfile } from "../connectors/opera/tools/guests/getTravelAgentProfile.js"
import { requestGuestAnonymization } from "../connectors/opera/tools/guests/requestGuestAnonymization.js"
import { searchGuests } from "../connectors/opera/tools/guests/searchGuests.js"
import { setGuestPrivacyOptions } from "../connectors/opera/tools/guests/setGuestPrivacyOptions.js"
import { updateGuestProfile } from "../connectors/opera/tools/guests/updateGuestProfile.js"
import { createMaintenanceRequest } from "../connectors/opera/tools/housekeeping/createMaintenanceRequest.js"
import { getHousekeepingOverview } from "../connectors/opera/tools/housekeeping/getHousekeepingOverview.js"
import { getInventoryStatistics } from "../connectors/opera/tools/housekeeping/getInventoryStatistics.js"
import { listHousekeepingTasks } from "../connectors/opera/tools/housekeeping/listHousekeepingTasks.js"
import { listMaintenanceRequests } from "../connectors/opera/tools/housekeeping/listMaintenanceRequests.js"
import { listOutOfOrderRooms } from "../connectors/opera/tools/housekeeping/listOutOfOrderRooms.js"
import { listRooms } from "../connectors/opera/tools/housekeeping/listRooms.js"
import { releaseOutOfOrderRoom } from "../connectors/opera/tools/housekeeping/releaseOutOfOrderRoom.js"
import { resolveMaintenanceRequest } from "../connectors/opera/tools/housekeeping/resolveMaintenanceRequest.js"
import { setRoomOutOfOrder } from "../connectors/opera/tools/housekeeping/setRoomOutOfOrder.js"
import { updateRoomStatus } from "../connectors/opera/tools/housekeeping/updateRoomStatus.js"
import { getBestAvailableRates } from "../connectors/opera/tools/rates/getBestAvailableRates.js"
import { getHotelAvailability } from "../connectors/opera/tools/rates/getHotelAvailability.js"
import { getPackage } from "../connectors/opera/tools/rates/getPackage.js"
import { getRatePlan } from "../connectors/opera/tools/rates/getRatePlan.js"
import { getRestrictions } from "../connectors/opera/tools/rates/getRestrictions.js"
import { listPackages } from "../connectors/opera/tools/rates/listPackages.js"
import { listRatePlans } from "../connectors/opera/tools/rates/listRatePlans.js"
import { addReservationPackage } from "../connectors/opera/tools/reservations/addReservationPackage.js"
import { cancelReservation } from "../connectors/opera/tools/reservations/cancelReservation.js"
import { createReservation } from "../connectors/opera/tools/reservations/createReservation.js"
import { getCancellationHistory } from "../connectors/opera/tools/reservations/getCancellationHistory.js"
import { getGuestMessages } from "../connectors/opera/tools/reservations/getGuestMessages.js"
import { getLinkedReservations } from "../connectors/opera/tools/reservations/getLinkedReservations.js"
import { getReservation } from "../connectors/opera/tools/reservations/getReservation.js"
import { getReservationActivityLog } from "../connectors/opera/tools/reservations/getReservationActivityLog.js"
import { getReservationStatistics } from "../connectors/opera/tools/reservations/getReservationStatistics.js"
import { linkReservations } from "../connectors/opera/tools/reservations/linkReservations.js"
import { modifyReservation } from "../connectors/opera/tools/reservations/modifyReservation.js"
import { postGuestMessage } from "../connectors/opera/tools/reservations/postGuestMessage.js"
import { reinstateReservation } from "../connectors/opera/tools/reservations/reinstateReservation.js"
import { removeReservationPackages } from "../connectors/opera/tools/reservations/removeReservationPackages.js"
import { searchReservations } from "../connectors/opera/tools/reservations/searchReservations.js"
import { unlinkReservation } from "../connectors/opera/tools/reservations/unlinkReservation.js"
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
  | ThreatMonitor
  | Redactor
  | CallContext

/** Every tool this server has, in the order tools/list shows them. */
export const catalog: ReadonlyArray<Tool<ToolServices>> = [
  searchReservations,
  getReservation,
  createReservation,
  modifyReservation,
  cancelReservation,
  reinstateReservation,
  getCancellationHistory,
  getReservationStatistics,
  addReservationPackage,
  removeReservationPackages,
  linkReservations,
  unlinkReservation,
  getLinkedReservations,
  postGuestMessage,
  getGuestMessages,
  getReservationActivityLog,
  searchGuests,
  getGuestProfile,
  createGuestProfile,
  updateGuestProfile,
  getCompanyProfile,
  createCompanyProfile,
  getTravelAgentProfile,
  createTravelAgentProfile,
  getProfileMemberships,
  getGuestPreferences,
  addGuestPreference,
  getGuestStayHistory,
  findMergeCandidates,
  requestGuestAnonymization,
  setGuestPrivacyOptions,
  getHotelAvailability,
  getRestrictions,
  listRatePlans,
  getRatePlan,
  getBestAvailableRates,
  listPackages,
  getPackage,
  getFolio,
  postCharge,
  postPayment,
  transferCharge,
  getFinancialPostings,
  getPostingSummary,
  getDailyRevenue,
  listArrivals,
  listDepartures,
  listInHouseGuests,
  walkInGuest,
  checkInGuest,
  checkOutGuest,
  assignRoom,
  unassignRoom,
  getSuggestedRooms,
  moveRoom,
  getRoomStatusStatistics,
  getOccupancyReport,
  getNoShowReport,
  listRooms,
  updateRoomStatus,
  listOutOfOrderRooms,
  setRoomOutOfOrder,
  releaseOutOfOrderRoom,
  getHousekeepingOverview,
  listHousekeepingTasks,
  listMaintenanceRequests,
  createMaintenanceRequest,
  resolveMaintenanceRequest,
  getInventoryStatistics,
  searchBlocks,
  getBlock,
  createBlock,
  pickUpBlockReservation,
  listActivities,
  bookActivity,
  cancelActivity,
  securityHealthCheck,
  getSecurityReport,
  listHotels,
  describeTools
]
