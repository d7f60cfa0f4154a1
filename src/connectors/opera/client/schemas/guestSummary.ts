import { Option, Schema } from "effect"
import type { Paging, UniqueId } from "./common.js"
import { defined, idFromLinks, idOfType } from "./common.js"
import type {
  GuestEnvelope,
  ProfileDetails,
  ProfileEnvelope,
  ProfileMembership,
  ProfileStatus,
  ProfileSummaries,
  ProfileSummary
} from "./profile.js"

/**
 * The compact guest record an AI assistant reads, and the mappings from
 * OHIP profile bodies to it. Tolerant: absent fields stay absent.
 */
export const GuestSummary = Schema.Struct({
  profileId: Schema.String,
  name: Schema.optional(Schema.String),
  givenName: Schema.optional(Schema.String),
  surname: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  phone: Schema.optional(Schema.String),
  city: Schema.optional(Schema.String),
  country: Schema.optional(Schema.String),
  vip: Schema.optional(Schema.Struct({ code: Schema.String, description: Schema.optional(Schema.String) })),
  membership: Schema.optional(Schema.Struct({
    type: Schema.optional(Schema.String),
    number: Schema.optional(Schema.String),
    level: Schema.optional(Schema.String)
  })),
  status: Schema.optional(Schema.String)
})
export type GuestSummary = typeof GuestSummary.Type

const joinName = (givenName: string | undefined, surname: string | undefined) => {
  const name = [givenName, surname].filter((part) => part !== undefined && part !== "").join(" ")
  return name === "" ? undefined : name
}

const membershipOf = (membership: ProfileMembership | undefined) =>
  membership === undefined
    ? undefined
    : defined({ type: membership.membershipType, number: membership.membershipId, level: membership.membershipLevel })

/** A crm `profileType` (getProfile, getGuestProfile, putProfile) as a guest record. */
export const summarizeProfileDetails = (profileId: string, details: ProfileDetails): GuestSummary => {
  const names = details.customer?.personName ?? []
  const name = names.find((entry) => entry.nameType?.toLowerCase() === "primary") ?? names[0]
  const address = details.addresses?.addressInfo?.find((entry) => entry.address?.primaryInd === true)?.address ??
    details.addresses?.addressInfo?.[0]?.address
  const phone = details.telephones?.telephoneInfo?.find((entry) => entry.telephone?.primaryInd === true)?.telephone ??
    details.telephones?.telephoneInfo?.[0]?.telephone
  const email = details.emails?.emailInfo?.find((entry) => entry.email?.primaryInd === true)?.email ??
    details.emails?.emailInfo?.[0]?.email
  const vipCode = details.customer?.vipStatus
  return defined({
    profileId,
    name: joinName(name?.givenName, name?.surname),
    givenName: name?.givenName,
    surname: name?.surname,
    email: email?.emailAddress,
    phone: phone?.phoneNumber,
    city: address?.cityName,
    country: address?.country?.code ?? address?.country?.value,
    vip: vipCode === undefined || vipCode === "" ? undefined : defined({ code: vipCode, description: details.customer?.vipDescription }),
    membership: membershipOf(details.profileMemberships?.profileMembership?.[0]),
    status: details.statusCode
  })
}

/** One getProfiles row (`profileSummaryType`) as a guest record. */
export const summarizeProfileSummary = (profileId: string, summary: ProfileSummary): GuestSummary => {
  const personName = summary.customer?.personName?.[0]
  const givenName = summary.altName?.givenName ?? personName?.givenName
  const surname = summary.altName?.name ?? personName?.surname
  return defined({
    profileId,
    name: summary.altName?.fullName ?? joinName(givenName, surname),
    givenName,
    surname,
    email: summary.emailInfo?.email?.emailAddress,
    phone: summary.telephoneInfo?.telephone?.phoneNumber,
    city: summary.addressInfo?.address?.cityName,
    country: summary.addressInfo?.address?.country?.code ?? summary.addressInfo?.address?.country?.value,
    vip: summary.vipStatus?.code === undefined ? undefined : defined({ code: summary.vipStatus.code, description: summary.vipStatus.value }),
    membership: membershipOf(summary.profileMembership),
    status: summary.statusCode
  })
}

const profileIdOf = (ids: ReadonlyArray<UniqueId> | undefined) =>
  idOfType(ids, "Profile") ?? ids?.[0]?.id

/** getProfiles answer → guest records and OHIP paging. */
export const guestsFromSearch = (
  body: ProfileSummaries
): { readonly guests: ReadonlyArray<GuestSummary>; readonly paging: Paging } => {
  const page = body.profileSummaries
  const guests = (page?.profileInfo ?? []).flatMap((row) => {
    const profileId = profileIdOf(row.profileIdList)
    return profileId === undefined ? [] : [summarizeProfileSummary(profileId, row.profile ?? {})]
  })
  const offset = page?.offset ?? 0
  const totalResults = page?.totalResults ?? guests.length
  return {
    guests,
    paging: {
      offset,
      limit: page?.limit ?? guests.length,
      hasMore: page?.hasMore ?? offset + guests.length < totalResults,
      totalResults,
      count: page?.count ?? guests.length
    }
  }
}

/** getProfile / putProfile answer → the guest; also reads the `profiles.profileInfo[]` form of Oracle's examples. */
export const guestFromProfile = (body: ProfileEnvelope): Option.Option<GuestSummary> => {
  const profileId = profileIdOf(body.profileIdList)
  if (profileId !== undefined && body.profileDetails !== undefined) {
    return Option.some(summarizeProfileDetails(profileId, body.profileDetails))
  }
  const nested = body.profiles?.profileInfo?.[0]
  const nestedId = profileIdOf(nested?.profileIdList)
  return nestedId === undefined || nested?.profile === undefined
    ? Option.none()
    : Option.some(summarizeProfileDetails(nestedId, nested.profile))
}

/** getGuestProfile answer → the guest. */
export const guestFromGuestEnvelope = (body: GuestEnvelope): Option.Option<GuestSummary> => {
  const guestId = profileIdOf(body.guestIdList)
  return guestId === undefined || body.guestDetails === undefined
    ? guestFromProfile({ ...(body.profiles === undefined ? {} : { profiles: body.profiles }) })
    : Option.some(summarizeProfileDetails(guestId, body.guestDetails))
}

/** postProfile / postGuestProfile answer (`status`) → the new profile's id, from its self link. */
export const createdProfileId = (body: ProfileStatus): Option.Option<string> => Option.fromNullable(idFromLinks(body.links))
