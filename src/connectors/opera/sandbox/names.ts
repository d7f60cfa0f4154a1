/**
 * Word lists for the seeded property. Every person is fictional; e-mail
 * domains are the IANA-reserved example.com / example.org, and phone numbers
 * use the 555-01xx range set aside for fiction.
 */
export const givenNames = [
  "Amelia", "Liam", "Olivia", "Noah", "Emma", "Mateo", "Sofia", "Lucas", "Isla", "Ethan",
  "Maya", "Leo", "Chloe", "Arjun", "Hana", "Kofi", "Ingrid", "Tomasz", "Aiko", "Diego",
  "Priya", "Jonas", "Elena", "Marcus", "Freya", "Omar", "Clara", "Rafael", "Nadia", "Henrik",
  "Yuki", "Zara", "Felix", "Leila", "Bruno", "Astrid", "Samuel", "Ines", "Victor", "Mila"
] as const

export const surnames = [
  "Ashcombe", "Brightwater", "Calloway", "Dunmore", "Everly", "Fairbanks", "Greyson", "Hollander",
  "Ivers", "Jessamine", "Kettering", "Lindqvist", "Marlowe", "Northcott", "Okafor", "Pemberton",
  "Quintero", "Ravensworth", "Sandoval", "Thornbury", "Underhill", "Vantongeren", "Whitlock",
  "Yardley", "Zelinski", "Abernathy", "Blackwood", "Castellano", "Delacroix", "Eastwick",
  "Fenwick", "Galloway", "Hargreave", "Ishikawa", "Juarez", "Kowalczyk", "Lockhart", "Moreau",
  "Nakamura", "Oyelaran", "Petrakis", "Rosenthal", "Silvestri", "Tanaka", "Valdivia", "Wexford"
] as const

export interface CityEntry {
  readonly city: string
  readonly state: string
  readonly postalCode: string
  readonly countryCode: string
  readonly countryName: string
}

export const cities: ReadonlyArray<CityEntry> = [
  { city: "Springfield", state: "IL", postalCode: "62701", countryCode: "US", countryName: "United States of America" },
  { city: "Riverton", state: "WY", postalCode: "82501", countryCode: "US", countryName: "United States of America" },
  { city: "Fairview", state: "OR", postalCode: "97024", countryCode: "US", countryName: "United States of America" },
  { city: "Lakewood", state: "CO", postalCode: "80226", countryCode: "US", countryName: "United States of America" },
  { city: "Georgetown", state: "TX", postalCode: "78626", countryCode: "US", countryName: "United States of America" },
  { city: "Toronto", state: "ON", postalCode: "M5V 2T6", countryCode: "CA", countryName: "Canada" },
  { city: "Manchester", state: "ENG", postalCode: "M1 1AA", countryCode: "GB", countryName: "United Kingdom" },
  { city: "Lyon", state: "ARA", postalCode: "69002", countryCode: "FR", countryName: "France" },
  { city: "Hamburg", state: "HH", postalCode: "20095", countryCode: "DE", countryName: "Germany" },
  { city: "Osaka", state: "27", postalCode: "530-0001", countryCode: "JP", countryName: "Japan" }
]

export const streets = [
  "Maple Avenue", "Harbor Street", "Orchard Lane", "Juniper Road", "Mill Street",
  "Cedar Court", "Willow Way", "Station Road", "Lakeview Drive", "Elm Terrace"
] as const

export const emailDomains = ["example.com", "example.org"] as const

export const vipLevels = [
  { code: "VIP1", description: "Returning guest" },
  { code: "VIP2", description: "Frequent guest" },
  { code: "VIP3", description: "Executive" }
] as const

export const membershipLevels = ["SILVER", "GOLD", "PLATINUM"] as const

export const cancellationReasons = [
  { code: "CHGPLANS", description: "Change of travel plans" },
  { code: "WEATHER", description: "Weather" },
  { code: "DUPL", description: "Duplicate booking" }
] as const
