/**
 * One call to an OHIP operation, described as data so the same description
 * drives the HTTP request, the route map and the fidelity checks.
 */
export type QueryValue = string | number | boolean | ReadonlyArray<string | number> | undefined

export interface OperaRequest {
  /** OHIP module file name, e.g. "rsv" (matches ohip-specs/<module>.json). */
  readonly module: "rsv" | "crm" | "fof" | "hsk" | "inv" | "par" | "rtp" | "csh" | "blk" | "act"
  /** The OHIP operationId this request implements, e.g. "getReservation". */
  readonly operationId: string
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** Path template relative to the module base path, as in the spec: "/hotels/{hotelId}/reservations". */
  readonly template: string
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, QueryValue>>
  readonly body?: unknown
  /** The hotel the call is for: sent as x-hotelid. */
  readonly hotelId: string
  /** Whether a retry after a failure is safe. Defaults: GET/PUT/DELETE yes, POST no. */
  readonly idempotent?: boolean
}

export const moduleBasePath = (module: OperaRequest["module"]): string => `/${module}/v1`

/** Fills a path template; every parameter is percent-encoded so an id can never add a path segment. */
export const fillTemplate = (template: string, params: Readonly<Record<string, string>> = {}): string =>
  template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params[name]
    return value === undefined ? `{${name}}` : encodeURIComponent(value)
  })

export const requestPath = (request: OperaRequest): string =>
  moduleBasePath(request.module) + fillTemplate(request.template, request.params)

export const isIdempotent = (request: OperaRequest): boolean =>
  request.idempotent ?? request.method !== "POST"
