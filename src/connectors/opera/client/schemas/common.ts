import { Schema } from "effect"

/**
 * Pieces shared by every OHIP module spec (`#/definitions/...` in rsv.json,
 * crm.json, …). All fields are optional as in the spec; unknown fields are
 * ignored on decode, so a newer OPERA release does not break decoding.
 */
const optional = Schema.optional

/**
 * A JSON number. OPERA's own examples send numbers as strings ("adults": "1")
 * and its Java back end accepts both, so decoding does too.
 */
export const OhipNumber = Schema.Union(Schema.Number, Schema.NumberFromString)

/** `uniqueID_Type`: `{ id, type, idContext }`; type is e.g. "Reservation", "Confirmation", "Profile". */
export const UniqueId = Schema.Struct({
  id: optional(Schema.String),
  type: optional(Schema.String),
  idContext: optional(Schema.String)
})
export type UniqueId = typeof UniqueId.Type

export const UniqueIdList = Schema.Array(UniqueId)

/** `instanceLink`. */
export const InstanceLink = Schema.Struct({
  href: optional(Schema.String),
  rel: optional(Schema.String),
  templated: optional(Schema.Boolean),
  method: optional(Schema.String),
  operationId: optional(Schema.String),
  title: optional(Schema.String)
})

export const Links = Schema.Array(InstanceLink)

/** `warningType`. */
export const Warning = Schema.Struct({
  value: optional(Schema.String),
  shortText: optional(Schema.String),
  code: optional(Schema.String),
  status: optional(Schema.String)
})

export const Warnings = Schema.Array(Warning)

/** `currencyAmountType`. */
export const CurrencyAmount = Schema.Struct({
  amount: optional(OhipNumber),
  currencyCode: optional(Schema.String)
})

/** `exceptionDetailType`: the body of every OHIP error response. */
export const ExceptionDetail = Schema.Struct({
  type: optional(Schema.String),
  title: optional(Schema.String),
  status: optional(Schema.Number),
  detail: optional(Schema.String),
  instance: optional(Schema.String),
  "o:errorCode": optional(Schema.String),
  "o:errorPath": optional(Schema.String)
})
export type ExceptionDetail = typeof ExceptionDetail.Type

/** `operaVersion`: the answer of every `ping…Service` operation. */
export const OperaVersion = Schema.Struct({
  operaVersion: optional(Schema.String),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type OperaVersion = typeof OperaVersion.Type

/** `status` (crm) and the other bodies that only carry links and warnings. */
export const LinksAndWarnings = Schema.Struct({
  links: optional(Links),
  warnings: optional(Warnings)
})

/** The paging fields OHIP puts next to a result list. */
// Oracle's own examples send counts as strings ("1") as often as numbers.
export const pagingFields = {
  totalPages: optional(OhipNumber),
  offset: optional(OhipNumber),
  limit: optional(OhipNumber),
  hasMore: optional(Schema.Boolean),
  totalResults: optional(OhipNumber),
  count: optional(OhipNumber)
} as const

export const Paging = Schema.Struct({
  offset: Schema.Number,
  limit: Schema.Number,
  hasMore: Schema.Boolean,
  totalResults: Schema.Number,
  count: Schema.Number
})
export type Paging = typeof Paging.Type

/** The id of a given type in a `uniqueID_Type` list, e.g. the "Confirmation" number of a reservation. */
export const idOfType = (ids: ReadonlyArray<UniqueId> | undefined, type: string): string | undefined =>
  ids?.find((entry) => entry.type?.toLowerCase() === type.toLowerCase())?.id

/** The last path segment of the first link with the given rel (how OHIP reports a created record's id). */
export const idFromLinks = (links: ReadonlyArray<typeof InstanceLink.Type> | undefined, rel = "self") => {
  const href = links?.find((link) => link.rel === rel)?.href
  if (href === undefined) return undefined
  const segment = href.split("?")[0]?.split("/").filter((part) => part.length > 0).at(-1)
  return segment === undefined ? undefined : decodeURIComponent(segment)
}

/**
 * Drops undefined fields, so a record can be built from optional inputs
 * under exactOptionalPropertyTypes (and JSON bodies carry no empty keys).
 */
export const defined = <A extends Record<string, unknown>>(record: A): Defined<A> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Defined<A>

export type Defined<A> =
  & { readonly [K in keyof A as undefined extends A[K] ? never : K]: A[K] }
  & { readonly [K in keyof A as undefined extends A[K] ? K : never]?: Exclude<A[K], undefined> }
