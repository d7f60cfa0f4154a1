import { Schema } from "effect"

/**
 * Error bodies as OHIP sends them: the spec's `exceptionDetailType`
 * (RFC 7807 problem details with OPERA's `o:` extensions). Details name the
 * parameter or rule at fault; they never echo submitted text, only ids and
 * codes that already matched a record or the hotel's configuration.
 */
export interface RouteResponse {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

/** A handler's refusal, already shaped as the HTTP answer the client will see. */
export class RouteFailure extends Schema.TaggedError<RouteFailure>()("RouteFailure", {
  status: Schema.Number,
  body: Schema.Unknown,
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
}) {}

const problemTypes: Record<number, { readonly type: string; readonly title: string }> = {
  400: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.1", title: "Bad Request" },
  401: { type: "https://tools.ietf.org/html/rfc7235#section-3.1", title: "Unauthorized" },
  403: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.3", title: "Forbidden" },
  404: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.4", title: "Not Found" },
  405: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.5", title: "Method Not Allowed" },
  415: { type: "https://tools.ietf.org/html/rfc7231#section-6.5.13", title: "Unsupported Media Type" },
  429: { type: "https://tools.ietf.org/html/rfc6585#section-4", title: "Too Many Requests" },
  500: { type: "https://tools.ietf.org/html/rfc7231#section-6.6.1", title: "Internal Server Error" },
  502: { type: "https://tools.ietf.org/html/rfc7231#section-6.6.3", title: "Bad Gateway" },
  503: { type: "https://tools.ietf.org/html/rfc7231#section-6.6.4", title: "Service Unavailable" },
  504: { type: "https://tools.ietf.org/html/rfc7231#section-6.6.5", title: "Gateway Timeout" }
}

export const exceptionDetail = (status: number, detail: string, errorCode?: string) => {
  const problem = problemTypes[status] ?? { type: "about:blank", title: `HTTP ${status}` }
  return {
    type: problem.type,
    title: problem.title,
    status,
    detail,
    ...(errorCode === undefined ? {} : { "o:errorCode": errorCode })
  }
}

export const ohipFailure = (
  status: number,
  detail: string,
  errorCode?: string,
  headers?: Readonly<Record<string, string>>
): RouteFailure =>
  new RouteFailure({ status, body: exceptionDetail(status, detail, errorCode), ...(headers === undefined ? {} : { headers }) })

export const badRequest = (detail: string, errorCode = "INVALID_REQUEST") => ohipFailure(400, detail, errorCode)

/** A request that is well formed but breaks an OPERA business rule (OPERA answers these with 400 too). */
export const businessRule = (detail: string, errorCode: string) => ohipFailure(400, detail, errorCode)

export const notFound = (detail: string) => ohipFailure(404, detail, "NOT_FOUND")

export const unauthorized = (detail: string) => ohipFailure(401, detail, "UNAUTHORIZED")

export const forbidden = (detail: string) => ohipFailure(403, detail, "FORBIDDEN")

/** The OAuth endpoint answers in RFC 6749 form, not in OHIP problem details. */
export const oauthFailure = (status: 400 | 401 | 403, error: string, description: string): RouteFailure =>
  new RouteFailure({ status, body: { error, error_description: description } })
