import { Effect, Option, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import type { CompanySummary, NewCompany } from "../../client/profileExtras.js"
import { companyFromEnvelope, createCompanyProfile, CreateCompanyProfileResponse, getCompanyProfile, GetCompanyProfileResponse } from "../../client/profileExtras.js"
import { getProfile, GetProfileResponse, guestFromProfile } from "../../client/profiles.js"
import { idFromLinks } from "../../client/schemas/common.js"
import { HotelId, hotelFor, optional } from "../../../../tools/fields.js"
import type { CallFacts } from "../../../../tools/Tool.js"
import { ToolError } from "../../../../tools/Tool.js"
import { ProfileId } from "./getGuestProfile.js"

/** Fields and reads shared by the profile-extras tools. */
export { ProfileId }

export const OnProfile = { hotelId: optional(HotelId), profileId: ProfileId } as const

export const profileFacts = (input: { readonly hotelId?: string; readonly profileId: string }, summary?: (hotelId: string) => string) =>
  hotelFor(input.hotelId).pipe(Effect.map((hotelId): CallFacts => ({
    hotelId,
    objectIds: [input.profileId],
    ...(summary === undefined ? {} : { summary: summary(hotelId) })
  })))

const Text = (max: number, description: string) =>
  Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(max)).annotations({ description })

export const Email = Schema.String.pipe(
  Schema.pattern(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: () => "must be an e-mail address" }),
  Schema.maxLength(254)
).annotations({ description: "E-mail address" })

export const Phone = Schema.String.pipe(
  Schema.pattern(/^\+?[0-9 ()-]{4,30}$/, { message: () => "must be a phone number (digits, spaces, + ( ) -)" })
).annotations({ description: "Phone number, e.g. +44 20 7946 0000" })

export const CountryCode = Schema.String.pipe(
  Schema.pattern(/^[A-Z]{2}$/, { message: () => "must be a two-letter ISO country code in capitals, e.g. GB" })
).annotations({ description: "ISO 3166 country code, e.g. GB, US, NL" })

/** The guest details a profile can be created or updated with; every one optional. */
export const GuestDetailsFields = {
  givenName: optional(Text(80, "Given (first) name")),
  surname: optional(Text(80, "Surname (family name)")),
  email: optional(Email),
  phone: optional(Phone),
  address: optional(Schema.Struct({
    line: optional(Text(80, "Street and number")),
    city: optional(Text(80, "City")),
    postalCode: optional(Text(20, "Postal code")),
    state: optional(Text(40, "State or region")),
    countryCode: optional(CountryCode)
  }).annotations({ description: "Home address; only the given parts change" })),
  language: optional(Schema.String.pipe(Schema.pattern(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})?$/)).annotations({ description: "Language code, e.g. E or en" })),
  vipCode: optional(Schema.String.pipe(Schema.pattern(/^[A-Z0-9]{0,20}$/)).annotations({ description: "VIP code configured at the hotel, e.g. VIP1; empty clears it" }))
} as const

/** Reads a guest profile back after a change (getProfile). */
export const readGuest = (hotelId: string, profileId: string) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(getProfile({ hotelId, profileId }), GetProfileResponse)),
    Effect.flatMap((body) =>
      Option.match(guestFromProfile(body), {
        onNone: () => Effect.fail(new ToolError({ message: `OPERA returned no guest profile for id ${profileId}.` })),
        onSome: Effect.succeed
      })
    )
  )

/** Reads a company or travel-agent profile (getCompanyProfile). */
export const readCompany = (hotelId: string, profileId: string) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(getCompanyProfile({ hotelId, profileId }), GetCompanyProfileResponse)),
    Effect.flatMap((body) =>
      Option.match(companyFromEnvelope(body), {
        onNone: () => Effect.fail(new ToolError({ message: `OPERA returned no company or travel agent profile for id ${profileId}.` })),
        onSome: Effect.succeed
      })
    )
  )

/** Creates a company or travel-agent profile (postCompanyProfile) and reads it back. */
export const createCompany = (input: NewCompany) =>
  Effect.gen(function*() {
    const client = yield* OperaClient
    const body = yield* client.execute(createCompanyProfile(input), CreateCompanyProfileResponse)
    const profileId = idFromLinks(body.links)
    if (profileId === undefined) return yield* new ToolError({ message: "OPERA accepted the profile but returned no profile id." })
    return yield* readCompany(input.hotelId, profileId)
  })

export const companyLine = (company: CompanySummary) =>
  [
    `profile ${company.profileId}`,
    company.profileType === "Agent" ? "travel agent" : company.profileType?.toLowerCase(),
    company.name,
    company.iataCode !== undefined ? `IATA ${company.iataCode}` : undefined,
    [company.city, company.country].filter(Boolean).join(", "),
    company.email,
    company.phone,
    company.commissionCode !== undefined ? `commission ${company.commissionCode}` : undefined
  ].filter((part) => part !== undefined && part !== "").join(" | ")

/** Input fields of a new company or travel-agent profile. */
export const CompanyFields = {
  hotelId: optional(HotelId),
  name: Text(40, "Name as OPERA shows it (at most 40 characters)"),
  email: optional(Email),
  phone: optional(Phone),
  city: optional(Text(80, "City")),
  countryCode: optional(CountryCode)
} as const
