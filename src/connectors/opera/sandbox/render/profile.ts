import type { Schema } from "effect"
import type { InstanceLink } from "../../client/schemas/common.js"
import type { ProfileDetails, ProfileSummary } from "../../client/schemas/profile.js"
import type { GuestRecord } from "../property.js"

/**
 * Guest records rendered as OHIP JSON: crm's `profileType` for one profile
 * and `profileSummaryType` for a search row.
 */
type Encoded<S extends Schema.Schema.Any> = Schema.Schema.Encoded<S>

const address = (guest: GuestRecord) =>
  guest.address === undefined ? undefined : {
    addressLine: [guest.address.addressLine],
    cityName: guest.address.city,
    postalCode: guest.address.postalCode,
    state: guest.address.state,
    country: { value: guest.address.countryName, code: guest.address.countryCode },
    language: guest.language,
    type: "HOME",
    typeDescription: "Home",
    primaryInd: true
  }

const telephone = (phone: string) => ({ phoneTechType: "PHONE", phoneUseType: "HOME", phoneNumber: phone, primaryInd: true })

const email = (emailAddress: string) => ({ emailAddress, type: "EMAIL", emailFormat: "HTML", primaryInd: true })

const membership = (guest: GuestRecord) =>
  guest.membership === undefined ? undefined : {
    membershipType: guest.membership.type,
    membershipId: guest.membership.number,
    membershipLevel: guest.membership.level,
    membershipLevelDescription: `${guest.membership.level.charAt(0)}${guest.membership.level.slice(1).toLowerCase()} level`,
    programDescription: "Harbour Guest Program",
    nameOnCard: `${guest.givenName} ${guest.surname}`.trim(),
    inactive: false
  }

export const renderProfileDetails = (guest: GuestRecord): Encoded<typeof ProfileDetails> => {
  const home = address(guest)
  const member = membership(guest)
  return {
    customer: {
      personName: [{ givenName: guest.givenName, surname: guest.surname, nameType: "Primary" }],
      language: guest.language,
      ...(guest.vip === undefined ? {} : { vipStatus: guest.vip.code, vipDescription: guest.vip.description }),
      privateProfile: false,
      blacklist: false
    },
    ...(home === undefined ? {} : { addresses: { addressInfo: [{ address: home, id: `${guest.profileId}01`, type: "Address" }] } }),
    ...(guest.phone === undefined ? {} : {
      telephones: { telephoneInfo: [{ telephone: telephone(guest.phone), id: `${guest.profileId}02`, type: "Telephone" }] }
    }),
    ...(guest.email === undefined ? {} : {
      emails: { emailInfo: [{ email: email(guest.email), id: `${guest.profileId}03`, type: "Email" }] }
    }),
    ...(member === undefined ? {} : { profileMemberships: { profileMembership: [member] } }),
    ...(guest.privacy === undefined ? {} : { privacyInfo: guest.privacy }),
    profileType: "Guest",
    statusCode: "Active",
    registeredProperty: guest.registeredProperty,
    createDateTime: guest.createdAt,
    creatorId: "SANDBOX",
    lastModifyDateTime: guest.modifiedAt,
    lastModifierId: "SANDBOX",
    markForHistory: false
  }
}

export const renderProfileSummary = (guest: GuestRecord): Encoded<typeof ProfileSummary> => {
  const home = address(guest)
  const member = membership(guest)
  return {
    altName: {
      name: guest.surname,
      givenName: guest.givenName,
      fullName: `${guest.givenName} ${guest.surname}`.trim(),
      nameType: "Primary"
    },
    ...(home === undefined ? {} : { addressInfo: { address: home, id: `${guest.profileId}01`, type: "Address" } }),
    ...(guest.phone === undefined ? {} : {
      telephoneInfo: { telephone: telephone(guest.phone), id: `${guest.profileId}02`, type: "Telephone" }
    }),
    ...(guest.email === undefined ? {} : { emailInfo: { email: email(guest.email), id: `${guest.profileId}03`, type: "Email" } }),
    ...(member === undefined ? {} : { profileMembership: member }),
    ...(guest.vip === undefined ? {} : { vipStatus: { code: guest.vip.code, value: guest.vip.description } }),
    profileType: "Guest",
    statusCode: "Active",
    privateProfile: false,
    registeredProperty: guest.registeredProperty,
    createDateTime: guest.createdAt,
    lastModifyDateTime: guest.modifiedAt
  }
}

export const profileIds = (guest: GuestRecord) => [{ id: guest.profileId, type: "Profile" }]

export const profileLink = (
  baseUrl: string,
  guest: GuestRecord,
  kind: "profiles" | "guests"
): Encoded<typeof InstanceLink> => ({
  href: `${baseUrl}/crm/v1/${kind}/${guest.profileId}`,
  rel: "self",
  templated: false,
  method: "GET",
  operationId: kind === "profiles" ? "getProfile" : "getGuestProfile"
})
