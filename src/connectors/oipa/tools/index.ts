import { clientPortfolio } from "./clientPortfolio.js"
import { expiringPolicies } from "./expiringPolicies.js"
import { getPolicyDetails } from "./getPolicyDetails.js"
import { policyCountsByStatus } from "./policyCountsByStatus.js"
import { searchClients } from "./searchClients.js"
import { searchPolicies } from "./searchPolicies.js"

/** The OIPA connector's tools, all read-only; each needs `OipaDatabase`. */
export const oipaTools = [
  searchPolicies,
  getPolicyDetails,
  policyCountsByStatus,
  searchClients,
  clientPortfolio,
  expiringPolicies
] as const
