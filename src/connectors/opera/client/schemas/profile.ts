import { Schema } from "effect"
import { Links, pagingFields, UniqueIdList, Warnings } from "./common.js"
import { PersonName } from "./reservation.js"

/**
 * The parts of crm.json's definitions this project reads or writes, named
 * after the spec's definitions. Every field is optional, as in the spec.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)

/** `countryNameType`. */
export const CountryName = Schema.Struct({ value: text, code: text })

/** `addressType`. */
export const Address = Schema.Struct({
  addressLine: optional(Schema.Array(Schema.String)),
  cityName: text,
  postalCode: text,
  state: text,
  country: optional(CountryName),
  language: text,
  type: text,
  typeDescription: text,
  primaryInd: flag
})

/** `telephoneType`. */
export const Telephone = Schema.Struct({
  phoneTechType: text,
  phoneUseType: text,
  phoneNumber: text,
  extension: text,
  primaryInd: flag
})

/** `emailType`. */
export const Email = Schema.Struct({
  emailAddress: text,
  type: text,
  emailFormat: text,
  primaryInd: flag
})

/** `profileMembershipType`. */
export const ProfileMembership = Schema.Struct({
  membershipType: text,
  membershipId: text,
  membershipLevel: text,
  membershipLevelDescription: text,
  programDescription: text,
  nameOnCard: text,
  inactive: flag
})
export type ProfileMembership = typeof ProfileMembership.Type

/** `customerType`. */
export const Customer = Schema.Struct({
  personName: optional(Schema.Array(PersonName)),
  birthDate: text,
  language: text,
  nationality: text,
  vipStatus: text,
  vipDescription: text,
  privateProfile: flag,
  blacklist: flag
})

/** `profileType` (crm) / `guestProfileType`: the detail of one profile. */
/** `privacyInfoType`: a guest's consent to being contacted and to data sharing. */
export const PrivacyInfo = Schema.Struct({
  marketResearchParticipation: flag,
  infoFromThirdParty: flag,
  allowPhone: flag,
  allowSMS: flag,
  allowEmail: flag,
  optInMailingList: flag,
  optInMarketResearch: flag,
  optInThirdParty: flag,
  optInPhone: flag,
  optInSms: flag,
  optInEmail: flag
})
export type PrivacyInfo = typeof PrivacyInfo.Type

export const ProfileDetails = Schema.Struct({
  customer: optional(Customer),
  addresses: optional(Schema.Struct({ addressInfo: optional(Schema.Array(Schema.Struct({ address: optional(Address), id: text, type: text }))) })),
  telephones: optional(Schema.Struct({ telephoneInfo: optional(Schema.Array(Schema.Struct({ telephone: optional(Telephone), id: text, type: text }))) })),
  emails: optional(Schema.Struct({ emailInfo: optional(Schema.Array(Schema.Struct({ email: optional(Email), id: text, type: text }))) })),
  profileMemberships: optional(Schema.Struct({ profileMembership: optional(Schema.Array(ProfileMembership)) })),
  privacyInfo: optional(PrivacyInfo),
  profileType: text,
  statusCode: text,
  registeredProperty: text,
  createDateTime: text,
  creatorId: text,
  lastModifyDateTime: text,
  lastModifierId: text,
  markForHistory: flag
})
export type ProfileDetails = typeof ProfileDetails.Type

/**
 * OPERA's published examples of getProfile / getGuestProfile answers nest the
 * profile as `profiles.profileInfo[]` instead of the defined fields: accept both.
 */
const ExampleProfiles = Schema.Struct({
  profileInfo: optional(Schema.Array(Schema.Struct({ profileIdList: optional(UniqueIdList), profile: optional(ProfileDetails) })))
})

/** `profile`: getProfile 200, putProfile 200 and the body of postProfile / putProfile. */
export const ProfileEnvelope = Schema.Struct({
  profileIdList: optional(UniqueIdList),
  profileDetails: optional(ProfileDetails),
  profiles: optional(ExampleProfiles),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ProfileEnvelope = typeof ProfileEnvelope.Type

/** `guest`: getGuestProfile 200 and the body of postGuestProfile. */
export const GuestEnvelope = Schema.Struct({
  guestIdList: optional(UniqueIdList),
  guestDetails: optional(ProfileDetails),
  profiles: optional(ExampleProfiles),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type GuestEnvelope = typeof GuestEnvelope.Type

/** `profileNameType`. */
export const ProfileName = Schema.Struct({
  name: text,
  fullName: text,
  givenName: text,
  middleName: text,
  nameTitle: text,
  nameType: text
})

/** `profileSummaryType`: the spec carries the name in `altName` ("Profile Name information for this profile"). */
export const ProfileSummary = Schema.Struct({
  altName: optional(ProfileName),
  /** Not in the spec's summary type, but in OPERA's own examples of profile bodies: read it when present. */
  customer: optional(Customer),
  addressInfo: optional(Schema.Struct({ address: optional(Address), id: text, type: text })),
  telephoneInfo: optional(Schema.Struct({ telephone: optional(Telephone), id: text, type: text })),
  emailInfo: optional(Schema.Struct({ email: optional(Email), id: text, type: text })),
  profileMembership: optional(ProfileMembership),
  citizenCountry: optional(CountryName),
  vipStatus: optional(Schema.Struct({ value: text, code: text })),
  profileType: text,
  statusCode: text,
  privateProfile: flag,
  registeredProperty: text,
  createDateTime: text,
  lastModifyDateTime: text
})
export type ProfileSummary = typeof ProfileSummary.Type

/** `profileSummaries` (getProfiles 200). */
export const ProfileSummaries = Schema.Struct({
  profileSummaries: optional(Schema.Struct({
    profileInfo: optional(Schema.Array(Schema.Struct({ profileIdList: optional(UniqueIdList), profile: optional(ProfileSummary) }))),
    ...pagingFields
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ProfileSummaries = typeof ProfileSummaries.Type

/** `status` (postProfile / postGuestProfile 201): only links; the new id is in the self link and Location. */
export const ProfileStatus = Schema.Struct({
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ProfileStatus = typeof ProfileStatus.Type
