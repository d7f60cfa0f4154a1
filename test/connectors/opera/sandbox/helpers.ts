import path from "node:path"
import { fileURLToPath } from "node:url"
import type { ErrorObject } from "ajv"
import { Effect, Redacted } from "effect"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import { requestPath } from "../../../../src/connectors/opera/client/OperaRequest.js"
import type { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { requestProblems as checkWireRequest } from "../../../../scripts/fidelity/checks/exchange.js"
import { defaultSpecsDir, makeOhipSpecs } from "../../../../scripts/fidelity/ohip/specs.js"

/** Test helpers: plain HTTP to a running sandbox, and validation against Oracle's OHIP specs. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..")
export const specsDir = defaultSpecsDir(repoRoot)

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

export const http = (url: string, init: RequestInit = {}): Effect.Effect<Answer> =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    const text = await response.text()
    let json: unknown = undefined
    try {
      json = text === "" ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

/** Like `http`, but a network failure is a value (for connection-reset tests). */
export const httpAttempt = (url: string, init: RequestInit = {}) =>
  Effect.promise(() => fetch(url, init).then((response) => response.text().then(() => response.status), (error: unknown) => error))

export const basicAuth = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`

export interface TokenRequestOverrides {
  readonly form?: Record<string, string>
  readonly headers?: Record<string, string | undefined>
}

export const requestToken = (sandbox: Sandbox, overrides: TokenRequestOverrides = {}) => {
  const headers: Record<string, string | undefined> = {
    "content-type": "application/x-www-form-urlencoded",
    authorization: basicAuth(sandbox.credentials.clientId, Redacted.value(sandbox.credentials.clientSecret)),
    "x-app-key": Redacted.value(sandbox.credentials.appKey),
    enterpriseId: sandbox.credentials.enterpriseId,
    ...overrides.headers
  }
  return http(`${sandbox.baseUrl}/oauth/v1/tokens`, {
    method: "POST",
    headers: Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    body: new URLSearchParams(overrides.form ?? { grant_type: "client_credentials", scope: sandbox.credentials.scope }).toString()
  })
}

export const accessToken = (sandbox: Sandbox) =>
  requestToken(sandbox).pipe(Effect.map((answer) => String(answer.json.access_token)))

export interface CallOptions {
  readonly body?: unknown
  readonly hotelId?: string | undefined
  readonly headers?: Record<string, string | undefined>
  readonly query?: string
}

/** One data call the way OHIP expects it: Bearer token, x-app-key, x-hotelid. */
export const callOhip = (sandbox: Sandbox, token: string, method: string, pathAndQuery: string, options: CallOptions = {}) => {
  const headers: Record<string, string | undefined> = {
    authorization: `Bearer ${token}`,
    "x-app-key": Redacted.value(sandbox.credentials.appKey),
    "x-hotelid": "hotelId" in options ? options.hotelId : sandbox.hotelId,
    ...(options.body === undefined ? {} : { "content-type": "application/json;charset=UTF-8" }),
    ...options.headers
  }
  return http(`${sandbox.baseUrl}${pathAndQuery}${options.query ?? ""}`, {
    method,
    headers: Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
  })
}

/** Query string of an OperaRequest: arrays repeat the key (the spec's `multi` format). */
export const queryString = (request: OperaRequest): string => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item))
  }
  const text = search.toString()
  return text === "" ? "" : `?${text}`
}

/** Sends an OperaRequest built by a client module, as the OperaClient would. */
export const send = (sandbox: Sandbox, token: string, request: OperaRequest) =>
  callOhip(sandbox, token, request.method, requestPath(request), {
    query: queryString(request),
    hotelId: request.hotelId,
    ...(request.body === undefined ? {} : { body: request.body })
  })

// ---- OHIP spec validation: Oracle's Swagger definitions through the fidelity suite's ajv conversion ----

const specs = makeOhipSpecs(specsDir)

export const loadSpec = (module: string) => specs.load(module)

/** The operation as the spec has it; `operation` is the raw operation object. */
export const findOperation = (module: string, operationId: string) => {
  const found = specs.operation(module, operationId)
  return { path: found.path, method: found.method, operation: found.raw as any, parameters: found.parameters as Array<any>, basePath: found.basePath }
}

/** Errors of a value against `#/definitions/<name>`. */
export const definitionErrors = (module: string, definition: string, value: unknown) =>
  specs.definitionErrors(module, definition, value)

/** Errors of a response body against the operation's `responses[status].schema`. */
export const responseErrors = (module: string, operationId: string, status: number, body: unknown) => {
  const check = specs.responseCheck(specs.operation(module, operationId), status, body)
  if (check._tag !== "Checked") throw new Error(`${operationId} defines no body for ${status}`)
  return check.errors
}

/** Errors of a request body against the operation's body parameter. */
export const requestBodyErrors = (module: string, operationId: string, body: unknown) => {
  const errors = specs.requestBodyErrors(specs.operation(module, operationId), body)
  if (errors === undefined) throw new Error(`${operationId} takes no body`)
  return errors
}

/** Problems of a request's method, template and query against the operation's declared parameters. */
export const requestProblems = (request: OperaRequest): ReadonlyArray<string> => {
  const found = specs.operation(request.module, request.operationId)
  const problems: Array<string> = []
  if (found.method !== request.method) problems.push(`method ${request.method} but spec says ${found.method}`)
  if (found.path !== request.template) problems.push(`template ${request.template} but spec says ${found.path}`)
  const query = new URLSearchParams(queryString(request))
  const wire = Object.fromEntries([...new Set(query.keys())].map((key) => [key, query.getAll(key)]))
  const checked = checkWireRequest(specs, found, { method: found.method, path: found.basePath + found.path, query: wire, headers: {}, body: undefined })
  return [...problems, ...checked.filter((problem) => problem.startsWith("query parameter") || problem.startsWith("required query"))]
}

export const describeErrors = (errors: ReadonlyArray<ErrorObject>) => specs.describeErrors(errors)
