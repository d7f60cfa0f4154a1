import type { OperaRequest } from "./OperaRequest.js"
import { defined, OperaVersion } from "./schemas/common.js"
import { GuestEnvelope, ProfileEnvelope, ProfileStatus, ProfileSummaries } from "./schemas/profile.js"

/**
 * OHIP guest profiles (crm): one pure request builder per operation, the
 * Schema its answer decodes with, and mappings to a compact guest record
 * (re-exported from ./schemas/guestSummary.ts). Inputs are already-decoded
 * tool arguments.
 */
export * from "./schemas/guestSummary.js"

export interface ProfileSearch {
  readonly hotelId: string
  readonly surname?: string
  readonly givenName?: string
  readonly email?: string
  readonly phone?: string
  readonly city?: string
  readonly membershipNumber?: string
  readonly profileIds?: ReadonlyArray<string>
  readonly limit?: number
  readonly offset?: number
}

/** getProfiles, restricted to guest profiles. */
export const searchProfiles = (input: ProfileSearch): OperaRequest => ({
  module: "crm",
  operationId: "getProfiles",
  method: "GET",
  template: "/profiles",
  query: defined({
    profileName: input.surname,
    givenName: input.givenName,
    email: input.email,
    phone: input.phone,
    city: input.city,
    membership: input.membershipNumber,
    profileIds: input.profileIds,
    profileType: ["Guest"],
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const SearchProfilesResponse = ProfileSummaries

/** getProfile. */
export const getProfile = (input: { readonly hotelId: string; readonly profileId: string }): OperaRequest => ({
  module: "crm",
  operationId: "getProfile",
  method: "GET",
  template: "/profiles/{profileId}",
  params: { profileId: input.profileId },
  hotelId: input.hotelId
})
export const GetProfileResponse = ProfileEnvelope

/** getGuestProfile. */
export const getGuestProfile = (input: { readonly hotelId: string; readonly guestId: string }): OperaRequest => ({
  module: "crm",
  operationId: "getGuestProfile",
  method: "GET",
  template: "/guests/{guestId}",
  params: { guestId: input.guestId },
  hotelId: input.hotelId
})
export const GetGuestProfileResponse = GuestEnvelope

export interface GuestDetailsInput {
  readonly givenName?: string
  readonly surname?: string
  readonly email?: string
  readonly phone?: string
  readonly address?: {
    readonly line?: string
    readonly city?: string
    readonly postalCode?: string
    readonly state?: string
    readonly countryCode?: string
  }
  readonly language?: string
  readonly vipCode?: string
}

/** The spec's `profileType` for the given guest details; only the given parts are sent. */
const profileDetails = (input: GuestDetailsInput) =>
  defined({
    customer: defined({
      personName: input.givenName === undefined && input.surname === undefined
        ? undefined
        : [defined({ givenName: input.givenName, surname: input.surname, nameType: "Primary" })],
      language: input.language,
      vipStatus: input.vipCode
    }),
    addresses: input.address === undefined ? undefined : {
      addressInfo: [{
        address: defined({
          addressLine: input.address.line === undefined ? undefined : [input.address.line],
          cityName: input.address.city,
          postalCode: input.address.postalCode,
          state: input.address.state,
          country: input.address.countryCode === undefined ? undefined : { code: input.address.countryCode },
          type: "HOME",
          primaryInd: true
        })
      }]
    },
    telephones: input.phone === undefined ? undefined : {
      telephoneInfo: [{ telephone: { phoneTechType: "PHONE", phoneUseType: "HOME", phoneNumber: input.phone, primaryInd: true } }]
    },
    emails: input.email === undefined ? undefined : {
      emailInfo: [{ email: { emailAddress: input.email, type: "EMAIL", primaryInd: true } }]
    },
    profileType: "Guest"
  })

/** postProfile: creates a guest profile; the new id comes back in the self link (see createdProfileId). */
export const createProfile = (input: GuestDetailsInput & { readonly hotelId: string; readonly surname: string }): OperaRequest => ({
  module: "crm",
  operationId: "postProfile",
  method: "POST",
  template: "/profiles",
  body: { profileDetails: profileDetails(input) },
  hotelId: input.hotelId
})
export const CreateProfileResponse = ProfileStatus

/** postGuestProfile: the same through the guest resource. */
export const createGuestProfile = (input: GuestDetailsInput & { readonly hotelId: string; readonly surname: string }): OperaRequest => ({
  module: "crm",
  operationId: "postGuestProfile",
  method: "POST",
  template: "/guests",
  body: { guestDetails: profileDetails(input) },
  hotelId: input.hotelId
})
export const CreateGuestProfileResponse = ProfileStatus

/** putProfile: changes only the given parts of a guest profile. */
export const updateProfile = (input: GuestDetailsInput & { readonly hotelId: string; readonly profileId: string }): OperaRequest => ({
  module: "crm",
  operationId: "putProfile",
  method: "PUT",
  template: "/profiles/{profileId}",
  params: { profileId: input.profileId },
  body: { profileIdList: [{ id: input.profileId, type: "Profile" }], profileDetails: profileDetails(input) },
  hotelId: input.hotelId
})
export const UpdateProfileResponse = ProfileEnvelope

/** pingProfileService. */
export const pingProfileService = (hotelId: string): OperaRequest => ({
  module: "crm",
  operationId: "pingProfileService",
  method: "GET",
  template: "/services/profile/status",
  hotelId
})
export const PingProfileServiceResponse = OperaVersion

/** The consent flags a guest can give or withdraw (crm `privacyInfoType`). */
export interface PrivacyChoices {
  readonly allowEmail?: boolean
  readonly allowPhone?: boolean
  readonly allowSMS?: boolean
  readonly optInMailingList?: boolean
  readonly optInMarketResearch?: boolean
  readonly optInThirdParty?: boolean
}

/** putProfile carrying only `privacyInfo`: the guest's contact and data-sharing consent. */
export const setPrivacyOptions = (
  input: { readonly hotelId: string; readonly profileId: string; readonly privacy: PrivacyChoices }
): OperaRequest => ({
  module: "crm",
  operationId: "putProfile",
  method: "PUT",
  template: "/profiles/{profileId}",
  params: { profileId: input.profileId },
  body: { profileIdList: [{ id: input.profileId, type: "Profile" }], profileDetails: { privacyInfo: input.privacy } },
  hotelId: input.hotelId
})
export const SetPrivacyOptionsResponse = ProfileEnvelope
