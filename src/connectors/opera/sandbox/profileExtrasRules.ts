import { Either } from "effect"
import type { CompanyDetails } from "../client/schemas/profileExtras.js"
import { nightsBetween } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, businessRule, notFound } from "./ohipErrors.js"
import type { CompanyRecord, PreferenceRecord, ProfileExtrasSnapshot } from "./profileExtrasState.js"
import { preferenceCatalog } from "./profileExtrasState.js"
import type { GuestRecord, PropertySnapshot } from "./property.js"

/**
 * The rules of the profile extras (crm) as pure steps: companies and travel
 * agents, preferences, match candidates, membership figures and the GDPR
 * forget (anonymise) checks.
 */
type Step<A, S> = Either.Either<readonly [A, S], RouteFailure>

const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** postCompanyProfile: a company or travel-agent profile; agents need a unique IATA number. */
export const createCompany = (
  extras: ProfileExtrasSnapshot,
  hotelId: string,
  details: CompanyDetails | undefined,
  nowIso: string
): Step<CompanyRecord, ProfileExtrasSnapshot> => {
  const profileType = details?.profileType ?? "Company"
  if (profileType !== "Company" && profileType !== "Agent") {
    return Either.left(badRequest("The sandbox keeps Company and Agent profiles through /companies.", "UNSUPPORTED_PROFILE_TYPE"))
  }
  const name = details?.company?.companyName?.trim() ?? ""
  if (name === "" || name.length > 40) {
    return Either.left(badRequest("companyDetails.company.companyName is required (at most 40 characters).", "NAME_REQUIRED"))
  }
  const iataCode = details?.company?.iATAInfo?.iATACompany
  if (profileType === "Agent" && (iataCode === undefined || !/^\d{7,8}$/.test(iataCode))) {
    return Either.left(badRequest("A travel agent profile needs company.iATAInfo.iATACompany: a 7 or 8 digit IATA number.", "IATA_REQUIRED"))
  }
  if (iataCode !== undefined && [...extras.companies.values()].some((entry) => entry.iataCode === iataCode)) {
    return Either.left(businessRule("A travel agent profile with this IATA number already exists.", "DUPLICATE_IATA"))
  }
  const email = details?.emails?.emailInfo?.[0]?.email?.emailAddress
  if (email !== undefined && !emailPattern.test(email)) {
    return Either.left(badRequest("emails.emailInfo[0].email.emailAddress is not a valid e-mail address.", "INVALID_EMAIL"))
  }
  const address = details?.addresses?.addressInfo?.[0]?.address
  const company: CompanyRecord = {
    profileId: String(extras.nextCompanyNumber),
    profileType,
    registeredProperty: hotelId,
    name,
    iataCode,
    corporateId: undefined,
    email,
    phone: details?.telephones?.telephoneInfo?.[0]?.telephone?.phoneNumber,
    city: address?.cityName,
    countryCode: address?.country?.code,
    commissionCode: details?.company?.commissionCode,
    createdAt: nowIso
  }
  return Either.right([company, {
    ...extras,
    companies: new Map(extras.companies).set(company.profileId, company),
    nextCompanyNumber: extras.nextCompanyNumber + 1
  }] as const)
}

export const findCompany = (extras: ProfileExtrasSnapshot, profileId: string): Either.Either<CompanyRecord, RouteFailure> => {
  const company = extras.companies.get(profileId)
  return company === undefined ? Either.left(notFound("No company or travel agent profile has this id.")) : Either.right(company)
}

/** A guest profile that still exists and has not been forgotten. */
export const liveGuest = (
  snapshot: PropertySnapshot,
  extras: ProfileExtrasSnapshot,
  profileId: string
): Either.Either<GuestRecord, RouteFailure> => {
  const guest = snapshot.guests.get(profileId)
  if (guest === undefined) return Either.left(notFound("No profile has this id."))
  if (extras.forgotten.has(profileId)) {
    return Either.left(businessRule(`Profile ${profileId} has been anonymised.`, "PROFILE_ANONYMIZED"))
  }
  return Either.right(guest)
}

/** postPreference: a code the hotel configures, not yet on the profile. */
export const addPreference = (
  extras: ProfileExtrasSnapshot,
  profileId: string,
  requested: { readonly type: string; readonly code: string; readonly hotelId: string },
  nowIso: string
): Step<PreferenceRecord, ProfileExtrasSnapshot> => {
  const known = preferenceCatalog.find((entry) => entry.type === requested.type && entry.code === requested.code)
  if (known === undefined) {
    const types = [...new Set(preferenceCatalog.map((entry) => entry.type))].join(", ")
    return Either.left(businessRule(
      `Preference ${requested.type}/${requested.code} is not configured at this hotel; preference types are ${types}.`,
      "INVALID_PREFERENCE"
    ))
  }
  const current = extras.preferences.get(profileId) ?? []
  if (current.some((entry) => entry.preferenceType === known.type && entry.preferenceCode === known.code)) {
    return Either.left(businessRule(`The profile already has preference ${known.type}/${known.code}.`, "PREFERENCE_EXISTS"))
  }
  const added: PreferenceRecord = {
    preferenceType: known.type,
    preferenceCode: known.code,
    description: known.description,
    hotelId: requested.hotelId,
    addedAt: nowIso
  }
  return Either.right([added, { ...extras, preferences: new Map(extras.preferences).set(profileId, [...current, added]) }] as const)
}

const sameText = (left: string | undefined, right: string | undefined) =>
  left !== undefined && right !== undefined && left.trim().toLowerCase() === right.trim().toLowerCase()

const digits = (value: string | undefined) => (value ?? "").replace(/\D/g, "")

/** getMatchProfiles: same surname plus the same e-mail or phone (merge), or the same first initial (tentative). */
export const matchesOf = (snapshot: PropertySnapshot, extras: ProfileExtrasSnapshot, guest: GuestRecord) => {
  const others = [...snapshot.guests.values()].filter((other) =>
    other.profileId !== guest.profileId && !extras.forgotten.has(other.profileId) && sameText(other.surname, guest.surname)
  )
  const strong = others.filter((other) =>
    sameText(other.email, guest.email) || (digits(guest.phone).length >= 6 && digits(other.phone) === digits(guest.phone))
  )
  const tentative = others.filter((other) =>
    !strong.includes(other) && other.givenName.charAt(0).toLowerCase() === guest.givenName.charAt(0).toLowerCase()
  )
  const statusCode = strong.length > 0 ? "MatchFoundMerge" : tentative.length > 0 ? "TentativeMatchFound" : "MatchNotFound"
  return { statusCode, profileIds: [...strong, ...tentative].map((other) => other.profileId) }
}

/** Nights, stays and room revenue of a guest's closed and current stays. */
export const stayFigures = (snapshot: PropertySnapshot, profileId: string) => {
  const stays = [...snapshot.reservations.values()].filter((entry) =>
    entry.profileId === profileId && (entry.status === "CheckedOut" || entry.status === "InHouse")
  )
  const nightsOf = (entry: (typeof stays)[number]) =>
    Math.max(0, nightsBetween(entry.arrivalDate, entry.status === "InHouse" ? snapshot.businessDate : entry.departureDate))
  const nights = stays.reduce((sum, entry) => sum + nightsOf(entry), 0)
  const revenue = stays.reduce((sum, entry) => sum + nightsOf(entry) * entry.rateAmount, 0)
  return { nights, stays: stays.length, revenue: Math.round(revenue * 100) / 100 }
}

/** validateForgetProfiles for one profile: reasons it cannot be anonymised yet. */
export const forgetCheck = (
  snapshot: PropertySnapshot,
  extras: ProfileExtrasSnapshot,
  profileId: string
): {
  readonly canBeForgotten: boolean
  readonly status?: "Anonymized"
  readonly reasons: ReadonlyArray<{ readonly reasonCode: string; readonly reasonDescription: string; readonly expectedResolutionDate?: string }>
} => {
  if (extras.forgotten.has(profileId)) {
    return { canBeForgotten: false, status: "Anonymized", reasons: [{ reasonCode: "ANONYMIZED", reasonDescription: "The profile is already anonymised." }] }
  }
  const open = [...snapshot.reservations.values()].filter((entry) =>
    entry.profileId === profileId && (entry.status === "Reserved" || entry.status === "InHouse")
  )
  const reasons = open.map((entry) => ({
    reasonCode: "ACTIVE_RESERVATION",
    reasonDescription: `Reservation ${entry.reservationId} is ${entry.status === "InHouse" ? "in house" : "still to arrive"}.`,
    expectedResolutionDate: entry.departureDate
  }))
  return { canBeForgotten: reasons.length === 0, reasons }
}

/** deleteProfile: replaces the guest's personal data; reservations keep the (now anonymous) profile id. */
export const anonymise = (snapshot: PropertySnapshot, profileId: string, nowIso: string): Step<GuestRecord, PropertySnapshot> => {
  const guest = snapshot.guests.get(profileId)
  if (guest === undefined) return Either.left(notFound("No profile has this id."))
  const forgotten: GuestRecord = {
    ...guest,
    givenName: "",
    surname: "Anonymized",
    email: undefined,
    phone: undefined,
    address: undefined,
    vip: undefined,
    membership: undefined,
    modifiedAt: nowIso
  }
  return Either.right([forgotten, { ...snapshot, guests: new Map(snapshot.guests).set(profileId, forgotten) }] as const)
}
