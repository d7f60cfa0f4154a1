import { Schema } from "effect"
import { CurrencyAmount, Links, OhipNumber, UniqueIdList, Warnings } from "./common.js"
import { Address, Email, Telephone } from "./profile.js"

/**
 * The parts of crm.json's definitions the profile extras read or write:
 * company / travel-agent profiles, membership figures, preferences, stay
 * history, match candidates and forget (anonymise)
 * validation. Every field is optional, as in the spec.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)
const number = optional(OhipNumber)

/** `companyProfileType` (the parts used here). */
export const CompanyDetails = Schema.Struct({
  company: optional(Schema.Struct({
    companyName: text,
    iATAInfo: optional(Schema.Struct({ iATACompany: text, iATAConsortia: text, iATAValidationResult: flag })),
    commissionCode: text,
    currencyCode: text,
    language: text,
    vipStatus: text,
    corporateIdType: text
  })),
  addresses: optional(Schema.Struct({ addressInfo: optional(Schema.Array(Schema.Struct({ address: optional(Address), id: text, type: text }))) })),
  telephones: optional(Schema.Struct({ telephoneInfo: optional(Schema.Array(Schema.Struct({ telephone: optional(Telephone), id: text, type: text }))) })),
  emails: optional(Schema.Struct({ emailInfo: optional(Schema.Array(Schema.Struct({ email: optional(Email), id: text, type: text }))) })),
  profileType: text,
  statusCode: text,
  registeredProperty: text,
  createDateTime: text
})
export type CompanyDetails = typeof CompanyDetails.Type

/** `company`: getCompanyProfile 200 and the body of postCompanyProfile. */
export const CompanyEnvelope = Schema.Struct({
  companyIdList: optional(UniqueIdList),
  companyDetails: optional(CompanyDetails),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type CompanyEnvelope = typeof CompanyEnvelope.Type

const MemberFigures = Schema.Struct({
  guestTotalNights: number,
  guestTotalStay: number,
  membershipTotalNights: number,
  membershipTotalStay: number,
  tierBaseRevenue: number,
  totalAwardPoints: number
})

/** `memberInformation` (getMembershipDetails 200). */
export const MemberInformation = Schema.Struct({
  memberInfo: optional(Schema.Struct({
    memberInfoDetails: optional(MemberFigures),
    memberInfoRangeDetails: optional(MemberFigures),
    nextTierPoints: number,
    pointsAvailable: number
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type MemberInformation = typeof MemberInformation.Type

/** `preferenceTypeType`. */
export const PreferenceGroup = Schema.Struct({
  preference: optional(Schema.Array(Schema.Struct({
    preferenceValue: text,
    description: text,
    global: flag,
    hotels: optional(Schema.Array(Schema.String)),
    preferenceCode: text
  }))),
  preferenceType: text,
  preferenceTypeDescription: text
})

/** `preference`: getPreferenceForProfile 200 and the body of postPreference. */
export const Preferences = Schema.Struct({
  preferenceCollections: optional(Schema.Array(PreferenceGroup)),
  profileIdList: optional(UniqueIdList),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type Preferences = typeof Preferences.Type

/** `stayReservationInfoType`. */
export const StayReservationInfo = Schema.Struct({
  reservationIdList: optional(UniqueIdList),
  roomStay: optional(Schema.Struct({
    arrivalDate: text,
    departureDate: text,
    adultCount: number,
    childCount: number,
    roomType: text,
    roomId: text,
    ratePlanCode: text,
    rateAmount: optional(CurrencyAmount)
  })),
  hotelId: text,
  reservationStatus: text,
  computedReservationStatus: text
})
export type StayReservationInfo = typeof StayReservationInfo.Type

const StayList = Schema.Struct({
  reservationInfo: optional(Schema.Array(StayReservationInfo)),
  hasMore: flag,
  totalResults: number,
  count: number
})

/** `profileStayHistory` (getStayHistory 200). */
export const StayHistory = Schema.Struct({
  profileStayDetails: optional(Schema.Struct({
    reservationInfoList: optional(Schema.Struct({ historyList: optional(StayList), futureList: optional(StayList) }))
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type StayHistory = typeof StayHistory.Type

/** `matchedProfiles` (getMatchProfiles 200). */
export const MatchedProfiles = Schema.Struct({
  matchProfiles: optional(Schema.Struct({ hotelId: text, profileIdList: optional(UniqueIdList), statusCode: text })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type MatchedProfiles = typeof MatchedProfiles.Type

/** `forgetProfilesCriteria` (validateForgetProfiles body). */
export const ForgetProfilesCriteria = Schema.Struct({
  validateForgetProfilesCriteria: optional(Schema.Struct({ profiles: optional(UniqueIdList), centralProfiles: optional(UniqueIdList) }))
})

/** `validatedForgetProfiles` (validateForgetProfiles 200). */
export const ValidatedForgetProfiles = Schema.Struct({
  validateForgetProfilesResults: optional(Schema.Array(Schema.Struct({
    profileId: optional(Schema.Struct({ id: text, type: text })),
    canBeForgotten: flag,
    status: text,
    failureReasons: optional(Schema.Array(Schema.Struct({ reasonCode: text, reasonDescription: text, expectedResolutionDate: text })))
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ValidatedForgetProfiles = typeof ValidatedForgetProfiles.Type
