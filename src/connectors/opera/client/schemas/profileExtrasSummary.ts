import { Option, Schema } from "effect"
import { defined, idOfType } from "./common.js"
import type { ProfileMembership } from "./profile.js"
import type {
  CompanyEnvelope,
  MatchedProfiles,
  MemberInformation,
  Preferences,
  StayHistory,
  StayReservationInfo,
  ValidatedForgetProfiles
} from "./profileExtras.js"

/**
 * Compact records of the profile extras, and the mappings from OHIP bodies
 * to them. Output Schemas are plain JSON shapes.
 */
const optional = Schema.optional

export const CompanySummary = Schema.Struct({
  profileId: Schema.String,
  /** OPERA's profile type: Company, or Agent for a travel agent. */
  profileType: optional(Schema.String),
  name: optional(Schema.String),
  iataCode: optional(Schema.String),
  email: optional(Schema.String),
  phone: optional(Schema.String),
  city: optional(Schema.String),
  country: optional(Schema.String),
  commissionCode: optional(Schema.String),
  status: optional(Schema.String)
})
export type CompanySummary = typeof CompanySummary.Type

/** getCompanyProfile answer → the company or travel agent. */
export const companyFromEnvelope = (body: CompanyEnvelope): Option.Option<CompanySummary> => {
  const ids = body.companyIdList
  const profileId = idOfType(ids, "Profile") ?? ids?.[0]?.id
  const details = body.companyDetails
  if (profileId === undefined || details === undefined) return Option.none()
  const address = details.addresses?.addressInfo?.[0]?.address
  return Option.some(defined({
    profileId,
    profileType: details.profileType,
    name: details.company?.companyName,
    iataCode: details.company?.iATAInfo?.iATACompany,
    email: details.emails?.emailInfo?.[0]?.email?.emailAddress,
    phone: details.telephones?.telephoneInfo?.[0]?.telephone?.phoneNumber,
    city: address?.cityName,
    country: address?.country?.code,
    commissionCode: details.company?.commissionCode,
    status: details.statusCode
  }))
}

export const MembershipSummary = Schema.Struct({
  type: optional(Schema.String),
  number: optional(Schema.String),
  level: optional(Schema.String),
  levelDescription: optional(Schema.String),
  program: optional(Schema.String),
  active: Schema.Boolean
})
export type MembershipSummary = typeof MembershipSummary.Type

export const summarizeMembership = (membership: ProfileMembership): MembershipSummary =>
  defined({
    type: membership.membershipType,
    number: membership.membershipId,
    level: membership.membershipLevel,
    levelDescription: membership.membershipLevelDescription,
    program: membership.programDescription,
    active: membership.inactive !== true
  })

export const MemberFigures = Schema.Struct({
  totalNights: optional(Schema.Number),
  totalStays: optional(Schema.Number),
  pointsAvailable: optional(Schema.Number),
  nextTierPoints: optional(Schema.Number)
})
export type MemberFigures = typeof MemberFigures.Type

export const figuresFromMemberInfo = (body: MemberInformation): MemberFigures => {
  const info = body.memberInfo
  return defined({
    totalNights: info?.memberInfoDetails?.membershipTotalNights ?? info?.memberInfoDetails?.guestTotalNights,
    totalStays: info?.memberInfoDetails?.membershipTotalStay ?? info?.memberInfoDetails?.guestTotalStay,
    pointsAvailable: info?.pointsAvailable ?? info?.memberInfoDetails?.totalAwardPoints,
    nextTierPoints: info?.nextTierPoints
  })
}

export const PreferenceSummary = Schema.Struct({
  type: Schema.String,
  code: Schema.String,
  description: optional(Schema.String),
  hotels: optional(Schema.Array(Schema.String))
})
export type PreferenceSummary = typeof PreferenceSummary.Type

export const preferencesFrom = (body: Preferences): ReadonlyArray<PreferenceSummary> =>
  (body.preferenceCollections ?? []).flatMap((group) =>
    (group.preference ?? []).flatMap((preference) =>
      group.preferenceType === undefined || preference.preferenceCode === undefined ? [] : [defined({
        type: group.preferenceType,
        code: preference.preferenceCode,
        description: preference.description,
        hotels: preference.hotels
      })]
    )
  )

export const StaySummary = Schema.Struct({
  reservationId: Schema.String,
  confirmationNumber: optional(Schema.String),
  hotelId: optional(Schema.String),
  status: optional(Schema.String),
  arrivalDate: optional(Schema.String),
  departureDate: optional(Schema.String),
  roomType: optional(Schema.String),
  roomNumber: optional(Schema.String),
  ratePlanCode: optional(Schema.String),
  rate: optional(Schema.Struct({ amount: Schema.Number, currencyCode: optional(Schema.String) }))
})
export type StaySummary = typeof StaySummary.Type

const summarizeStay = (info: StayReservationInfo): Option.Option<StaySummary> => {
  const reservationId = idOfType(info.reservationIdList, "Reservation")
  if (reservationId === undefined) return Option.none()
  const stay = info.roomStay
  return Option.some(defined({
    reservationId,
    confirmationNumber: idOfType(info.reservationIdList, "Confirmation"),
    hotelId: info.hotelId,
    status: info.reservationStatus,
    arrivalDate: stay?.arrivalDate,
    departureDate: stay?.departureDate,
    roomType: stay?.roomType,
    roomNumber: stay?.roomId,
    ratePlanCode: stay?.ratePlanCode,
    rate: stay?.rateAmount?.amount === undefined
      ? undefined
      : defined({ amount: stay.rateAmount.amount, currencyCode: stay.rateAmount.currencyCode })
  }))
}

/** getStayHistory → past stays and future reservations. */
export const staysFromHistory = (body: StayHistory) => {
  const lists = body.profileStayDetails?.reservationInfoList
  const of = (list: { readonly reservationInfo?: ReadonlyArray<StayReservationInfo> | undefined } | undefined) =>
    (list?.reservationInfo ?? []).flatMap((info) => Option.toArray(summarizeStay(info)))
  return { past: of(lists?.historyList), future: of(lists?.futureList) }
}

/** getMatchProfiles → OPERA's verdict and the other profiles it matched. */
export const matchesFrom = (body: MatchedProfiles, profileId: string) => ({
  verdict: body.matchProfiles?.statusCode ?? "MatchNotFound",
  profileIds: (body.matchProfiles?.profileIdList ?? []).flatMap((entry) =>
    entry.id === undefined || entry.id === profileId ? [] : [entry.id]
  )
})

export const ForgetCheck = Schema.Struct({
  profileId: Schema.String,
  canBeForgotten: Schema.Boolean,
  status: optional(Schema.String),
  reasons: Schema.Array(Schema.Struct({ code: optional(Schema.String), description: optional(Schema.String) }))
})
export type ForgetCheck = typeof ForgetCheck.Type

/** validateForgetProfiles → the verdict for one profile. */
export const forgetCheckFrom = (body: ValidatedForgetProfiles, profileId: string): Option.Option<ForgetCheck> =>
  Option.fromNullable(body.validateForgetProfilesResults?.find((result) => result.profileId?.id === profileId)).pipe(
    Option.map((result) => defined({
      profileId,
      canBeForgotten: result.canBeForgotten === true,
      status: result.status,
      reasons: (result.failureReasons ?? []).map((reason) => defined({ code: reason.reasonCode, description: reason.reasonDescription }))
    }))
  )
