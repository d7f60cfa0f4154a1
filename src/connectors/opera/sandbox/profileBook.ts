import { Either, Schema } from "effect"
import type { ProfileDetails } from "../client/schemas/profile.js"
import { single, WholeNumberParam } from "./decode.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, notFound } from "./ohipErrors.js"
import type { GuestAddress, GuestRecord, PropertySnapshot } from "./property.js"

/**
 * Guest profiles: the getProfiles search (parameter names from crm.json)
 * and the create / change rules, as pure steps over a property snapshot.
 */
type Step<A> = Either.Either<readonly [A, PropertySnapshot], RouteFailure>

const optional = Schema.optional

export const ProfileSearchQuery = Schema.Struct({
  limit: optional(single(WholeNumberParam)),
  offset: optional(single(WholeNumberParam)),
  profileName: optional(single(Schema.String)),
  givenName: optional(single(Schema.String)),
  email: optional(single(Schema.String)),
  phone: optional(single(Schema.String)),
  communication: optional(single(Schema.String)),
  city: optional(single(Schema.String)),
  countryCode: optional(single(Schema.String)),
  postalCode: optional(single(Schema.String)),
  membership: optional(single(Schema.String)),
  membershipLevel: optional(single(Schema.String)),
  searchString: optional(single(Schema.String)),
  profileIds: optional(Schema.Array(Schema.String)),
  vipCodes: optional(Schema.Array(Schema.String)),
  profileType: optional(Schema.Array(Schema.Literal(
    "Guest", "Agent", "Company", "Group", "Source", "Employee", "Hotel", "Vendor", "Contact", "Purge",
    "BusinessHeader", "BillingAccount", "Activity", "Potential", "Account"
  )))
})
export type ProfileSearchQuery = typeof ProfileSearchQuery.Type

export const profileSearchHints: Readonly<Record<string, string>> = {
  limit: "a whole number",
  offset: "a whole number",
  profileType: "a profile type from the specification (Guest, Company, …)"
}

const startsWith = (value: string | undefined, prefix: string) =>
  value !== undefined && value.toLowerCase().startsWith(prefix.trim().toLowerCase())

const digits = (value: string) => value.replace(/\D/g, "")

const sameText = (value: string | undefined, wanted: string) =>
  value !== undefined && value.toLowerCase() === wanted.trim().toLowerCase()

const phoneMatches = (phone: string | undefined, wanted: string) =>
  digits(wanted) !== "" && digits(phone ?? "").endsWith(digits(wanted))

const profileMatches = (query: ProfileSearchQuery, guest: GuestRecord) =>
  (query.profileType === undefined || query.profileType.includes("Guest")) &&
  (query.profileName === undefined || startsWith(guest.surname, query.profileName)) &&
  (query.givenName === undefined || startsWith(guest.givenName, query.givenName)) &&
  (query.email === undefined || sameText(guest.email, query.email)) &&
  (query.phone === undefined || phoneMatches(guest.phone, query.phone)) &&
  (query.communication === undefined ||
    sameText(guest.email, query.communication) || phoneMatches(guest.phone, query.communication)) &&
  (query.city === undefined || sameText(guest.address?.city, query.city)) &&
  (query.countryCode === undefined || sameText(guest.address?.countryCode, query.countryCode)) &&
  (query.postalCode === undefined || sameText(guest.address?.postalCode, query.postalCode)) &&
  (query.membership === undefined || guest.membership?.number === query.membership.trim()) &&
  (query.membershipLevel === undefined || sameText(guest.membership?.level, query.membershipLevel)) &&
  (query.searchString === undefined || startsWith(guest.surname, query.searchString) ||
    startsWith(guest.givenName, query.searchString) || sameText(guest.email, query.searchString)) &&
  (query.profileIds === undefined || query.profileIds.includes(guest.profileId)) &&
  (query.vipCodes === undefined || (guest.vip !== undefined && query.vipCodes.includes(guest.vip.code)))

export const searchProfiles = (snapshot: PropertySnapshot, query: ProfileSearchQuery) => {
  const found = [...snapshot.guests.values()]
    .filter((guest) => profileMatches(query, guest))
    .sort((left, right) =>
      left.surname === right.surname
        ? Number(left.profileId) - Number(right.profileId)
        : left.surname < right.surname ? -1 : 1
    )
  const limit = Math.min(Math.max(query.limit ?? 20, 1), 200)
  const offset = query.offset ?? 0
  return { rows: found.slice(offset, offset + limit), offset, limit, totalResults: found.length }
}

export const findGuest = (snapshot: PropertySnapshot, profileId: string): Either.Either<GuestRecord, RouteFailure> => {
  const guest = snapshot.guests.get(profileId)
  return guest === undefined ? Either.left(notFound("No profile has this id.")) : Either.right(guest)
}

const withGuest = (snapshot: PropertySnapshot, guest: GuestRecord): PropertySnapshot => ({
  ...snapshot,
  guests: new Map(snapshot.guests).set(guest.profileId, guest)
})

/** Adds a minimal guest profile (used when a reservation names a new guest). */
export const createGuest = (
  snapshot: PropertySnapshot,
  hotelId: string,
  name: { readonly givenName: string; readonly surname: string },
  nowIso: string
): readonly [GuestRecord, PropertySnapshot] => {
  const guest: GuestRecord = {
    profileId: String(snapshot.nextProfileNumber),
    registeredProperty: hotelId,
    givenName: name.givenName.trim(),
    surname: name.surname.trim(),
    email: undefined,
    phone: undefined,
    address: undefined,
    language: "E",
    vip: undefined,
    membership: undefined,
    createdAt: nowIso,
    modifiedAt: nowIso
  }
  return [guest, { ...withGuest(snapshot, guest), nextProfileNumber: snapshot.nextProfileNumber + 1 }] as const
}

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** Reads the changes a `profileType` body asks for and applies them to `base`. */
const applyDetails = (base: GuestRecord, details: ProfileDetails | undefined): Either.Either<GuestRecord, RouteFailure> => {
  if (details?.profileType !== undefined && details.profileType !== "Guest") {
    return Either.left(badRequest("The sandbox keeps guest profiles only: profileType must be Guest.", "UNSUPPORTED_PROFILE_TYPE"))
  }
  const names = details?.customer?.personName ?? []
  const name = names.find((entry) => entry.nameType === undefined || entry.nameType.toLowerCase() === "primary")
  if (name !== undefined && name.surname !== undefined && name.surname.trim() === "") {
    return Either.left(badRequest("The primary person name needs a surname.", "NAME_REQUIRED"))
  }
  const email = details?.emails?.emailInfo?.[0]?.email?.emailAddress
  if (email !== undefined && !emailPattern.test(email)) {
    return Either.left(badRequest("emails.emailInfo[0].email.emailAddress is not a valid e-mail address.", "INVALID_EMAIL"))
  }
  const phone = details?.telephones?.telephoneInfo?.[0]?.telephone?.phoneNumber
  if (phone !== undefined && digits(phone).length < 4) {
    return Either.left(badRequest("telephones.telephoneInfo[0].telephone.phoneNumber needs at least four digits.", "INVALID_PHONE"))
  }
  const address = details?.addresses?.addressInfo?.[0]?.address
  const changedAddress: GuestAddress | undefined = address === undefined ? base.address : {
    addressLine: address.addressLine?.[0] ?? base.address?.addressLine ?? "",
    city: address.cityName ?? base.address?.city ?? "",
    state: address.state ?? base.address?.state ?? "",
    postalCode: address.postalCode ?? base.address?.postalCode ?? "",
    countryCode: address.country?.code ?? base.address?.countryCode ?? "",
    countryName: address.country?.value ?? base.address?.countryName ?? ""
  }
  const vipCode = details?.customer?.vipStatus
  return Either.right({
    ...base,
    givenName: name?.givenName?.trim() ?? base.givenName,
    surname: name?.surname?.trim() ?? base.surname,
    email: email ?? base.email,
    phone: phone ?? base.phone,
    address: changedAddress,
    language: details?.customer?.language ?? base.language,
    ...(details?.privacyInfo === undefined ? {} : { privacy: mergePrivacy(base.privacy, details.privacyInfo) }),
    vip: vipCode === undefined
      ? base.vip
      : vipCode === "" ? undefined : { code: vipCode, description: details?.customer?.vipDescription ?? vipCode }
  })
}

/** Consent flags the request sets replace the stored ones; flags it leaves out stay as they were. */
const mergePrivacy = (
  stored: Readonly<Record<string, boolean>> | undefined,
  requested: Readonly<Record<string, boolean | undefined>>
): Readonly<Record<string, boolean>> => ({
  ...stored,
  ...Object.fromEntries(Object.entries(requested).filter((entry): entry is [string, boolean] => entry[1] !== undefined))
})

/** postProfile / postGuestProfile: a new guest profile; a primary name with a surname is required. */
export const createProfile = (
  snapshot: PropertySnapshot,
  hotelId: string,
  details: ProfileDetails | undefined,
  nowIso: string
): Step<GuestRecord> => {
  const surname = details?.customer?.personName?.find((entry) => entry.surname !== undefined)?.surname
  if (surname === undefined || surname.trim() === "") {
    return Either.left(badRequest("A guest profile needs customer.personName with a surname.", "NAME_REQUIRED"))
  }
  const [blank, next] = createGuest(snapshot, hotelId, { givenName: "", surname }, nowIso)
  return applyDetails(blank, details).pipe(Either.map((guest) => [guest, withGuest(next, guest)] as const))
}

/** putProfile: changes name, e-mail, phone, address, language or VIP status. */
export const changeProfile = (
  snapshot: PropertySnapshot,
  profileId: string,
  details: ProfileDetails | undefined,
  nowIso: string
): Step<GuestRecord> =>
  findGuest(snapshot, profileId).pipe(
    Either.flatMap((current) => applyDetails(current, details)),
    Either.map((changed) => {
      const guest = { ...changed, modifiedAt: nowIso }
      return [guest, withGuest(snapshot, guest)] as const
    })
  )
