/**
 * Field classes of guest PII, recognised by key name in OHIP bodies (and the
 * usual spellings elsewhere). Keys are compared lower-cased with everything
 * but letters and digits removed, so `cardNumber`, `card_number` and
 * `CardNumber` are one key.
 */
export const fieldClasses = ["card", "idDocument", "email", "phone", "name", "address", "birthDate"] as const
export type FieldClass = typeof fieldClasses[number]

/** Classes a tool may show in clear because showing them is its job; cards and ID documents never. */
export type RevealableClass = Exclude<FieldClass, "card" | "idDocument">

const normalize = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, "")

const exactly = (...keys: ReadonlyArray<string>) => new RegExp(`^(${keys.join("|")})$`)

const rules: ReadonlyArray<readonly [FieldClass, RegExp]> = [
  [
    "card",
    exactly(
      "(credit|payment|debit|charge|bank)?card(number|num|no)(masked)?",
      "pan",
      "primaryaccountnumber",
      "cvv2?",
      "cvc2?",
      "(card)?securitycode",
      "track[12](data)?"
    )
  ],
  [
    "idDocument",
    exactly(
      "idnumber(masked)?",
      "identificationnumber",
      "doc(ument)?number",
      "passport(number|no)?",
      "nationalid(number)?",
      "personalid(number)?",
      "drivers?licen[cs]e(number)?",
      "taxid(number)?",
      "(payee)?taxnumber",
      "ssn",
      "socialsecuritynumber",
      "visanumber"
    )
  ],
  ["email", /(email|emailaddress)$/],
  ["phone", /(phone|phonenumber|telephone|telephonenumber|mobile|mobilenumber|cellphone|fax|faxnumber)$/],
  [
    "name",
    exactly(
      "givenname",
      "firstname",
      "middlename",
      "surname",
      "lastname",
      "familyname",
      "fullname",
      "guestname",
      "guestdisplayname",
      "guestfullname",
      "primaryguestname",
      "accompanyingguestnames?",
      "sharernames?",
      "personname",
      "altname",
      "alternatenames",
      "profilename",
      "alternate(givenname|surname|fullname|name)",
      "cardholdername",
      "nameoncard",
      "holdername",
      "payeename",
      "maidenname",
      "birthname",
      "name[23]"
    )
  ],
  ["address", exactly("addressline\\d*", "street(address)?", "streetline\\d*", "postalcode", "postcode", "zip(code)?")],
  ["birthDate", exactly("birthdate(masked)?", "dateofbirth", "dob", "birthday")]
]

export const classifyKey = (key: string): FieldClass | undefined => {
  const normalized = normalize(key)
  for (const [fieldClass, pattern] of rules) if (pattern.test(normalized)) return fieldClass
  return undefined
}

/**
 * Keys that hold a guest (or several): in an object under one of them, a
 * combined `name` is the guest's name. (`name` alone is too common to classify
 * everywhere: hotels, room types, rate plans, blocks and companies have one.)
 */
const personKeys = new Set([
  "guest",
  "guests",
  "primaryguest",
  "reservationguest",
  "reservationguests",
  "accompanyingguest",
  "accompanyingguests",
  "accompanyguest",
  "accompanyguests",
  "additionalguests",
  "sharer",
  "sharers",
  "sharerguests",
  "guestprofile",
  "guestprofiles",
  "person",
  "persons",
  "customer",
  "traveler",
  "travelers",
  "occupant",
  "occupants"
])

export const isPersonKey = (key: string): boolean => personKeys.has(normalize(key))

/** Combined-name keys that are a person's name inside a person (see isPersonKey and carriesPersonName). */
const personNameKeys = new Set(["name", "displayname", "combinedname", "formattedname", "names"])

export const isPersonNameKey = (key: string): boolean => personNameKeys.has(normalize(key))

/** A key only a person has: an object with one is a person, and its combined `name` is theirs. */
const givenOrFamilyName = /^(givenname|firstname|middlename|surname|lastname|familyname)$/

export const carriesPersonName = (key: string): boolean => givenOrFamilyName.test(normalize(key))

/** Free text written by guests or staff: returned as untrusted data. */
const freeTextKeys = new Set([
  "text",
  "comment",
  "comments",
  "commenttext",
  "commenttitle",
  "note",
  "notes",
  "notetext",
  "remark",
  "remarks",
  "specialrequest",
  "specialrequests",
  "specialinstructions",
  "instructions",
  "message",
  "messagetext",
  "tracetext",
  "freetext",
  "guestmessage"
])

export const isFreeTextKey = (key: string): boolean => freeTextKeys.has(normalize(key))

/**
 * Record identifiers (`id`, `reservationId`, `profileId`, OIPA's `policyGuid`…): left untouched by
 * value patterns, so an id that happens to pass the Luhn check, or a GUID's runs of digits, stay usable.
 */
export const isIdentifierKey = (key: string): boolean =>
  key === "id" || key === "guid" || /[a-z0-9](Id|Guid|GUID)$/.test(key)
