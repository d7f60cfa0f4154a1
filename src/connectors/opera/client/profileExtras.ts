import type { OperaRequest } from "./OperaRequest.js"
import { defined, LinksAndWarnings } from "./schemas/common.js"
import { ProfileEnvelope } from "./schemas/profile.js"
import {
  CompanyEnvelope,
  MatchedProfiles,
  MemberInformation,
  Preferences,
  StayHistory,
  ValidatedForgetProfiles
} from "./schemas/profileExtras.js"

/**
 * OHIP profiles (crm) beyond guest search and read: company and travel-agent
 * profiles, memberships, preferences, stay history, match candidates and the
 * GDPR forget (anonymise) operations. Compact records come from
 * ./schemas/profileExtrasSummary.ts.
 */
export * from "./schemas/profileExtrasSummary.js"

export interface NewCompany {
  readonly hotelId: string
  /** Company, or Agent for a travel agent (crm `profileTypeType`). */
  readonly profileType: "Company" | "Agent"
  readonly name: string
  readonly iataCode?: string
  readonly email?: string
  readonly phone?: string
  readonly city?: string
  readonly countryCode?: string
  readonly commissionCode?: string
}

/** postCompanyProfile: creates a company or travel-agent profile; the id comes back in the self link. */
export const createCompanyProfile = (input: NewCompany): OperaRequest => ({
  module: "crm",
  operationId: "postCompanyProfile",
  method: "POST",
  template: "/companies",
  body: {
    companyDetails: defined({
      company: defined({
        companyName: input.name,
        iATAInfo: input.iataCode === undefined ? undefined : { iATACompany: input.iataCode },
        commissionCode: input.commissionCode
      }),
      addresses: input.city === undefined && input.countryCode === undefined ? undefined : {
        addressInfo: [{
          address: defined({
            cityName: input.city,
            country: input.countryCode === undefined ? undefined : { code: input.countryCode },
            type: "BUSINESS",
            primaryInd: true
          })
        }]
      },
      telephones: input.phone === undefined ? undefined : {
        telephoneInfo: [{ telephone: { phoneTechType: "PHONE", phoneUseType: "BUSINESS", phoneNumber: input.phone, primaryInd: true } }]
      },
      emails: input.email === undefined ? undefined : {
        emailInfo: [{ email: { emailAddress: input.email, type: "EMAIL", primaryInd: true } }]
      },
      profileType: input.profileType
    })
  },
  hotelId: input.hotelId
})
export const CreateCompanyProfileResponse = LinksAndWarnings

/** getCompanyProfile (companies and travel agents alike). */
export const getCompanyProfile = (input: { readonly hotelId: string; readonly profileId: string }): OperaRequest => ({
  module: "crm",
  operationId: "getCompanyProfile",
  method: "GET",
  template: "/companies/{corporateID}",
  params: { corporateID: input.profileId },
  query: { fetchInstructions: ["Profile", "Address", "Communication"] },
  hotelId: input.hotelId
})
export const GetCompanyProfileResponse = CompanyEnvelope

/** getProfile with the profile's memberships. */
export const getProfileMemberships = (input: { readonly hotelId: string; readonly profileId: string }): OperaRequest => ({
  module: "crm",
  operationId: "getProfile",
  method: "GET",
  template: "/profiles/{profileId}",
  params: { profileId: input.profileId },
  query: { fetchInstructions: ["Profile", "Membership"] },
  hotelId: input.hotelId
})
export const GetProfileMembershipsResponse = ProfileEnvelope

/** getMembershipDetails: nights, stays and points of one membership of a profile. */
export const getMembershipDetails = (input: {
  readonly hotelId: string
  readonly profileId: string
  readonly membershipType: string
  readonly membershipId: string
}): OperaRequest => ({
  module: "crm",
  operationId: "getMembershipDetails",
  method: "GET",
  template: "/profiles/{profileId}/memberships/info",
  params: { profileId: input.profileId },
  query: { membershipType: input.membershipType, membershipId: input.membershipId },
  hotelId: input.hotelId
})
export const GetMembershipDetailsResponse = MemberInformation

/** getPreferenceForProfile. */
export const getPreferences = (input: { readonly hotelId: string; readonly profileId: string }): OperaRequest => ({
  module: "crm",
  operationId: "getPreferenceForProfile",
  method: "GET",
  template: "/profiles/{profileId}/preferences",
  params: { profileId: input.profileId },
  hotelId: input.hotelId
})
export const GetPreferencesResponse = Preferences

/** postPreference: body is the spec's `preference`. */
export const addPreference = (input: {
  readonly hotelId: string
  readonly profileId: string
  readonly preferenceType: string
  readonly preferenceCode: string
}): OperaRequest => ({
  module: "crm",
  operationId: "postPreference",
  method: "POST",
  template: "/profiles/{profileId}/preferences",
  params: { profileId: input.profileId },
  body: {
    preferenceCollections: [{
      preference: [{ preferenceCode: input.preferenceCode, hotels: [input.hotelId], global: false }],
      preferenceType: input.preferenceType
    }],
    profileIdList: [{ id: input.profileId, type: "Profile" }]
  },
  hotelId: input.hotelId
})
export const AddPreferenceResponse = LinksAndWarnings

/** getStayHistory: past stays and future reservations. */
export const getStayHistory = (input: { readonly hotelId: string; readonly profileId: string; readonly limit?: number }): OperaRequest => ({
  module: "crm",
  operationId: "getStayHistory",
  method: "GET",
  template: "/profiles/{profileId}/stayHistory",
  params: { profileId: input.profileId },
  query: defined({
    hotelId: input.hotelId,
    fetchInstructions: ["HistoryReservation", "FutureReservation"],
    limit: input.limit === undefined ? undefined : [input.limit]
  }),
  hotelId: input.hotelId
})
export const GetStayHistoryResponse = StayHistory

/** getMatchProfiles: other profiles OPERA considers the same person. */
export const getMatchProfiles = (input: { readonly hotelId: string; readonly profileId: string }): OperaRequest => ({
  module: "crm",
  operationId: "getMatchProfiles",
  method: "GET",
  template: "/profiles/{profileId}/matches",
  params: { profileId: input.profileId },
  query: { hotelId: input.hotelId },
  hotelId: input.hotelId
})
export const GetMatchProfilesResponse = MatchedProfiles

/** validateForgetProfiles: may these profiles be anonymised, and if not, why. */
export const validateForgetProfiles = (input: { readonly hotelId: string; readonly profileIds: ReadonlyArray<string> }): OperaRequest => ({
  module: "crm",
  operationId: "validateForgetProfiles",
  method: "PUT",
  template: "/validateForgetProfiles",
  body: { validateForgetProfilesCriteria: { profiles: input.profileIds.map((id) => ({ id, type: "Profile" })) } },
  hotelId: input.hotelId
})
export const ValidateForgetProfilesResponse = ValidatedForgetProfiles

/** deleteProfile: OPERA's "forget": anonymises a guest profile. Not retried: a repeat would hit an anonymised profile. */
export const forgetProfile = (input: { readonly hotelId: string; readonly profileId: string }): OperaRequest => ({
  module: "crm",
  operationId: "deleteProfile",
  method: "DELETE",
  template: "/profiles/{profileId}",
  params: { profileId: input.profileId },
  hotelId: input.hotelId,
  idempotent: false
})
export const ForgetProfileResponse = LinksAndWarnings
