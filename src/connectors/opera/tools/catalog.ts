import type { OperaConnection } from "../client/OperaConnection.js"
import type { OperaClient } from "../client/OperaClient.js"
import type { TokenCache } from "../client/TokenCache.js"
import { bookActivity } from "./activities/bookActivity.js"
import { cancelActivity } from "./activities/cancelActivity.js"
import { listActivities } from "./activities/listActivities.js"
import { createBlock } from "./blocks/createBlock.js"
import { getBlock } from "./blocks/getBlock.js"
import { pickUpBlockReservation } from "./blocks/pickUpBlockReservation.js"
import { searchBlocks } from "./blocks/searchBlocks.js"
import { getDailyRevenue } from "./cashiering/getDailyRevenue.js"
import { getFinancialPostings } from "./cashiering/getFinancialPostings.js"
import { getFolio } from "./cashiering/getFolio.js"
import { getPostingSummary } from "./cashiering/getPostingSummary.js"
import { postCharge } from "./cashiering/postCharge.js"
import { postPayment } from "./cashiering/postPayment.js"
import { transferCharge } from "./cashiering/transferCharge.js"
import { assignRoom } from "./frontDesk/assignRoom.js"
import { checkInGuest } from "./frontDesk/checkInGuest.js"
import { checkOutGuest } from "./frontDesk/checkOutGuest.js"
import { getNoShowReport } from "./frontDesk/getNoShowReport.js"
import { getOccupancyReport } from "./frontDesk/getOccupancyReport.js"
import { getRoomStatusStatistics } from "./frontDesk/getRoomStatusStatistics.js"
import { getSuggestedRooms } from "./frontDesk/getSuggestedRooms.js"
import { listArrivals } from "./frontDesk/listArrivals.js"
import { listDepartures } from "./frontDesk/listDepartures.js"
import { listInHouseGuests } from "./frontDesk/listInHouseGuests.js"
import { moveRoom } from "./frontDesk/moveRoom.js"
import { unassignRoom } from "./frontDesk/unassignRoom.js"
import { walkInGuest } from "./frontDesk/walkInGuest.js"
import { addGuestPreference } from "./guests/addGuestPreference.js"
import { createCompanyProfile } from "./guests/createCompanyProfile.js"
import { createGuestProfile } from "./guests/createGuestProfile.js"
import { createTravelAgentProfile } from "./guests/createTravelAgentProfile.js"
import { findMergeCandidates } from "./guests/findMergeCandidates.js"
import { getCompanyProfile } from "./guests/getCompanyProfile.js"
import { getGuestPreferences } from "./guests/getGuestPreferences.js"
import { getGuestProfile } from "./guests/getGuestProfile.js"
import { getGuestStayHistory } from "./guests/getGuestStayHistory.js"
import { getProfileMemberships } from "./guests/getProfileMemberships.js"
import { getTravelAgentProfile } from "./guests/getTravelAgentProfile.js"
import { requestGuestAnonymization } from "./guests/requestGuestAnonymization.js"
import { searchGuests } from "./guests/searchGuests.js"
import { setGuestPrivacyOptions } from "./guests/setGuestPrivacyOptions.js"
import { updateGuestProfile } from "./guests/updateGuestProfile.js"
import { createMaintenanceRequest } from "./housekeeping/createMaintenanceRequest.js"
import { getHousekeepingOverview } from "./housekeeping/getHousekeepingOverview.js"
import { getInventoryStatistics } from "./housekeeping/getInventoryStatistics.js"
import { listHousekeepingTasks } from "./housekeeping/listHousekeepingTasks.js"
import { listMaintenanceRequests } from "./housekeeping/listMaintenanceRequests.js"
import { listOutOfOrderRooms } from "./housekeeping/listOutOfOrderRooms.js"
import { listRooms } from "./housekeeping/listRooms.js"
import { releaseOutOfOrderRoom } from "./housekeeping/releaseOutOfOrderRoom.js"
import { resolveMaintenanceRequest } from "./housekeeping/resolveMaintenanceRequest.js"
import { setRoomOutOfOrder } from "./housekeeping/setRoomOutOfOrder.js"
import { updateRoomStatus } from "./housekeeping/updateRoomStatus.js"
import { getBestAvailableRates } from "./rates/getBestAvailableRates.js"
import { getHotelAvailability } from "./rates/getHotelAvailability.js"
import { getPackage } from "./rates/getPackage.js"
import { getRatePlan } from "./rates/getRatePlan.js"
import { getRestrictions } from "./rates/getRestrictions.js"
import { listPackages } from "./rates/listPackages.js"
import { listRatePlans } from "./rates/listRatePlans.js"
import { addReservationPackage } from "./reservations/addReservationPackage.js"
import { cancelReservation } from "./reservations/cancelReservation.js"
import { createReservation } from "./reservations/createReservation.js"
import { getCancellationHistory } from "./reservations/getCancellationHistory.js"
import { getGuestMessages } from "./reservations/getGuestMessages.js"
import { getLinkedReservations } from "./reservations/getLinkedReservations.js"
import { getReservation } from "./reservations/getReservation.js"
import { getReservationActivityLog } from "./reservations/getReservationActivityLog.js"
import { getReservationStatistics } from "./reservations/getReservationStatistics.js"
import { linkReservations } from "./reservations/linkReservations.js"
import { modifyReservation } from "./reservations/modifyReservation.js"
import { postGuestMessage } from "./reservations/postGuestMessage.js"
import { reinstateReservation } from "./reservations/reinstateReservation.js"
import { removeReservationPackages } from "./reservations/removeReservationPackages.js"
import { searchReservations } from "./reservations/searchReservations.js"
import { unlinkReservation } from "./reservations/unlinkReservation.js"
import { pipelineTools } from "../../../tools/security/pipelineTools.js"
import type { ToolServices } from "../../../tools/ToolServices.js"
import { listHotels } from "./listHotels.js"
import type { Tool } from "../../../tools/Tool.js"

/** Services an OPERA tool handler may use: the pipeline's, and OPERA's client (bound by the connector). */
export type OperaToolServices = ToolServices | OperaClient | OperaConnection | TokenCache

/** OPERA's tools, in the order tools/list shows them. */
export const operaTools: ReadonlyArray<Tool<OperaToolServices>> = [
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
  listHotels
]

/** Every tool of a server with the OPERA connector: OPERA's, then the pipeline's own. */
export const catalog: ReadonlyArray<Tool<OperaToolServices>> = [...operaTools, ...pipelineTools]

