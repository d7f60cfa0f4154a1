import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { Ajv } from "ajv"
import type { ErrorObject, ValidateFunction } from "ajv"
import addFormatsModule from "ajv-formats"
import { Effect, Redacted } from "effect"
import type { OperaRequest } from "../../src/opera/OperaRequest.js"
import { requestPath } from "../../src/opera/OperaRequest.js"
import type { Sandbox } from "../../src/sandbox/Sandbox.js"

/** Test helpers: plain HTTP to a running sandbox, and validation against Oracle's OHIP specs. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const specsDir = path.resolve(repoRoot, "../shared/ohip-specs")

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

// ---- OHIP spec validation (ajv over Oracle's Swagger definitions) ----

type Spec = {
  readonly basePath: string
  readonly paths: Record<string, Record<string, any>>
  readonly parameters?: Record<string, any>
  readonly definitions: Record<string, unknown>
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const ajv = new Ajv({ strict: false, allErrors: true, logger: false })
addFormats(ajv)
for (const format of ["int32", "int64", "float", "double", "byte", "binary", "password"]) ajv.addFormat(format, true)

const specs = new Map<string, Spec>()
export const loadSpec = (module: string): Spec => {
  const cached = specs.get(module)
  if (cached !== undefined) return cached
  const spec = JSON.parse(readFileSync(path.join(specsDir, `${module}.json`), "utf8")) as Spec
  specs.set(module, spec)
  ajv.addSchema({ $id: `${module}.json`, definitions: spec.definitions })
  return spec
}

const rebase = (module: string, schema: unknown): unknown =>
  JSON.parse(JSON.stringify(schema).replaceAll("\"#/definitions/", `"${module}.json#/definitions/`))

const validators = new Map<string, ValidateFunction>()
const compiled = (module: string, key: string, schema: unknown) => {
  loadSpec(module)
  const cacheKey = `${module}:${key}`
  const existing = validators.get(cacheKey)
  if (existing !== undefined) return existing
  const validate = ajv.compile(rebase(module, schema) as object)
  validators.set(cacheKey, validate)
  return validate
}

const errorsOf = (validate: ValidateFunction, value: unknown): ReadonlyArray<ErrorObject> =>
  validate(value) ? [] : [...(validate.errors ?? [])]

export const findOperation = (module: string, operationId: string) => {
  const spec = loadSpec(module)
  for (const [specPath, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (operation?.operationId === operationId) {
        const parameters = [...(operations["parameters"] ?? []), ...(operation.parameters ?? [])].map((parameter: any) =>
          parameter.$ref === undefined ? parameter : spec.parameters?.[String(parameter.$ref).split("/").at(-1) ?? ""]
        )
        return { path: specPath, method: method.toUpperCase(), operation, parameters, basePath: spec.basePath }
      }
    }
  }
  throw new Error(`${module}.json has no operation ${operationId}`)
}

/** Errors of a value against `#/definitions/<name>`. */
export const definitionErrors = (module: string, definition: string, value: unknown) =>
  errorsOf(compiled(module, `def:${definition}`, { $ref: `#/definitions/${definition}` }), value)

/** Errors of a response body against the operation's `responses[status].schema`. */
export const responseErrors = (module: string, operationId: string, status: number, body: unknown) => {
  const schema = findOperation(module, operationId).operation.responses?.[String(status)]?.schema
  if (schema === undefined) throw new Error(`${operationId} defines no body for ${status}`)
  return errorsOf(compiled(module, `res:${operationId}:${status}`, schema), body)
}

/** Errors of a request body against the operation's body parameter. */
export const requestBodyErrors = (module: string, operationId: string, body: unknown) => {
  const parameter = findOperation(module, operationId).parameters.find((entry: any) => entry.in === "body")
  if (parameter === undefined) throw new Error(`${operationId} takes no body`)
  return errorsOf(compiled(module, `req:${operationId}`, parameter.schema), body)
}

/** Problems of a request's path, method and query against the operation's declared parameters. */
export const requestProblems = (request: OperaRequest): ReadonlyArray<string> => {
  const found = findOperation(request.module, request.operationId)
  const problems: Array<string> = []
  if (found.method !== request.method) problems.push(`method ${request.method} but spec says ${found.method}`)
  if (found.path !== request.template) problems.push(`template ${request.template} but spec says ${found.path}`)
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value === undefined) continue
    const parameter = found.parameters.find((entry: any) => entry.in === "query" && entry.name === name)
    if (parameter === undefined) {
      problems.push(`query parameter ${name} is not declared`)
      continue
    }
    const { description: _description, in: _in, name: _name, required: _required, collectionFormat: _format, ...schema } = parameter
    const values = Array.isArray(value) ? value : [value]
    const errors = errorsOf(compiled(request.module, `q:${request.operationId}:${name}`, schema), schema.type === "array" ? values : values[0])
    if (errors.length > 0) problems.push(`query parameter ${name}: ${ajv.errorsText([...errors])}`)
  }
  return problems
}

export const describeErrors = (errors: ReadonlyArray<ErrorObject>) => ajv.errorsText([...errors], { separator: "\n" })
