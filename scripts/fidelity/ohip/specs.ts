import { readFileSync } from "node:fs"
import path from "node:path"
import { Ajv } from "ajv"
import type { ErrorObject, ValidateFunction } from "ajv"
import addFormatsModule from "ajv-formats"
import { Schema } from "effect"
import type { SwaggerParameter } from "./swagger.js"
import { parameterSchema, swaggerFormats, toJsonSchema } from "./swagger.js"

/**
 * Oracle's OHIP Swagger files, read from a directory at run time (never
 * copied into the project), with ajv validators over their definitions.
 * Everything is synchronous: the files are local data and ajv is synchronous.
 * A spec that is missing, unparsable or not Swagger 2.0 throws
 * `OhipSpecUnreadable` naming the file; an unknown operation throws
 * `OhipOperationUnknown`.
 */
export class OhipSpecUnreadable extends Schema.TaggedError<OhipSpecUnreadable>()("OhipSpecUnreadable", {
  file: Schema.String,
  message: Schema.String
}) {}

export class OhipOperationUnknown extends Schema.TaggedError<OhipOperationUnknown>()("OhipOperationUnknown", {
  module: Schema.String,
  operationId: Schema.String,
  message: Schema.String
}) {}

export interface SwaggerResponse {
  readonly description?: string
  readonly schema?: unknown
  readonly examples?: Readonly<Record<string, unknown>>
  readonly $ref?: string
}

interface SwaggerSpec {
  readonly swagger: string
  readonly basePath: string
  readonly paths: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly parameters?: Readonly<Record<string, SwaggerParameter>>
  readonly responses?: Readonly<Record<string, SwaggerResponse>>
  readonly definitions?: Readonly<Record<string, unknown>>
  readonly consumes?: ReadonlyArray<string>
}

/** One operation of a spec, with `$ref`ed parameters and responses resolved. */
export interface OhipOperation {
  readonly module: string
  readonly operationId: string
  readonly method: string
  /** The spec's path template, relative to the base path. */
  readonly path: string
  readonly basePath: string
  readonly parameters: ReadonlyArray<SwaggerParameter>
  readonly responses: Readonly<Record<string, SwaggerResponse>>
  readonly consumes: ReadonlyArray<string>
  /** The operation object as it stands in the file. */
  readonly raw: Readonly<Record<string, unknown>>
}

/** What a response status is checked against. */
export type ResponseCheck =
  | { readonly _tag: "Undocumented" }
  | { readonly _tag: "NoSchema" }
  | { readonly _tag: "Checked"; readonly errors: ReadonlyArray<ErrorObject> }

const httpMethods = ["get", "put", "post", "delete", "patch", "head", "options"] as const
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

const newAjv = (coerceTypes: false | "array") => {
  const ajv = new Ajv({ strict: false, strictSchema: true, allErrors: true, logger: false, coerceTypes })
  addFormats(ajv)
  for (const [name, format] of Object.entries(swaggerFormats)) ajv.addFormat(name, format as never)
  return ajv
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const refName = (ref: unknown): string => String(ref).split("/").at(-1) ?? ""

export const defaultSpecsDir = (repoRoot: string) => path.resolve(repoRoot, "../shared/ohip-specs")

export type OhipSpecs = ReturnType<typeof makeOhipSpecs>

/** Specs of `specsDir`; each file is read and registered with ajv on first use. */
export const makeOhipSpecs = (specsDir: string) => {
  const bodies = newAjv(false)
  const values = newAjv("array")
  const loaded = new Map<string, SwaggerSpec>()
  const operationsByModule = new Map<string, ReadonlyArray<OhipOperation>>()
  const validators = new Map<string, ValidateFunction>()

  const load = (module: string): SwaggerSpec => {
    const cached = loaded.get(module)
    if (cached !== undefined) return cached
    const file = path.join(specsDir, `${module}.json`)
    let text: string
    try {
      text = readFileSync(file, "utf8")
    } catch (cause) {
      throw new OhipSpecUnreadable({ file, message: `OHIP spec ${file} cannot be read (${(cause as Error).message}).` })
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (cause) {
      throw new OhipSpecUnreadable({ file, message: `OHIP spec ${file} is not valid JSON (${(cause as Error).message}).` })
    }
    if (!isRecord(parsed) || parsed["swagger"] !== "2.0" || typeof parsed["basePath"] !== "string" || !isRecord(parsed["paths"])) {
      throw new OhipSpecUnreadable({ file, message: `OHIP spec ${file} is not a Swagger 2.0 file with basePath and paths.` })
    }
    const spec = parsed as unknown as SwaggerSpec
    const definitions = toJsonSchema(module, { definitions: spec.definitions ?? {} }) as Record<string, unknown>
    bodies.addSchema({ $id: `${module}.json`, ...definitions })
    loaded.set(module, spec)
    return spec
  }

  const resolveParameter = (spec: SwaggerSpec, parameter: unknown): SwaggerParameter | undefined =>
    isRecord(parameter) && typeof parameter["$ref"] === "string"
      ? spec.parameters?.[refName(parameter["$ref"])]
      : parameter as unknown as SwaggerParameter

  const resolveResponse = (spec: SwaggerSpec, response: SwaggerResponse): SwaggerResponse =>
    response.$ref === undefined ? response : spec.responses?.[refName(response.$ref)] ?? {}

  /** Every operation of a module's spec. */
  const operations = (module: string): ReadonlyArray<OhipOperation> => {
    const cached = operationsByModule.get(module)
    if (cached !== undefined) return cached
    const spec = load(module)
    const found = Object.entries(spec.paths).flatMap(([specPath, item]) => {
      const shared = Array.isArray(item["parameters"]) ? item["parameters"] : []
      return httpMethods.flatMap((method) => {
        const operation = item[method]
        if (!isRecord(operation) || typeof operation["operationId"] !== "string") return []
        const own = Array.isArray(operation["parameters"]) ? operation["parameters"] : []
        const responses = isRecord(operation["responses"]) ? operation["responses"] as Record<string, SwaggerResponse> : {}
        return [{
          module,
          operationId: operation["operationId"],
          method: method.toUpperCase(),
          path: specPath,
          basePath: spec.basePath,
          parameters: [...shared, ...own].flatMap((parameter) => resolveParameter(spec, parameter) ?? []),
          responses: Object.fromEntries(Object.entries(responses).map(([status, response]) => [status, resolveResponse(spec, response)])),
          consumes: Array.isArray(operation["consumes"]) ? operation["consumes"] as Array<string> : spec.consumes ?? [],
          raw: operation
        } satisfies OhipOperation]
      })
    })
    operationsByModule.set(module, found)
    return found
  }

  const findOperation = (module: string, operationId: string): OhipOperation | undefined =>
    operations(module).find((candidate) => candidate.operationId === operationId)

  const operation = (module: string, operationId: string): OhipOperation => {
    const found = findOperation(module, operationId)
    if (found === undefined) {
      throw new OhipOperationUnknown({ module, operationId, message: `${module}.json has no operation ${operationId}.` })
    }
    return found
  }

  const compiled = (ajv: Ajv, key: string, schema: () => unknown): ValidateFunction => {
    const existing = validators.get(key)
    if (existing !== undefined) return existing
    const validate = ajv.compile(schema() as object)
    validators.set(key, validate)
    return validate
  }

  const errorsOf = (validate: ValidateFunction, value: unknown): ReadonlyArray<ErrorObject> =>
    validate(value) ? [] : [...(validate.errors ?? [])]

  /** Errors of a value against `#/definitions/<name>` of a module. */
  const definitionErrors = (module: string, definition: string, value: unknown) => {
    load(module)
    return errorsOf(compiled(bodies, `${module}:def:${definition}`, () => ({ $ref: `${module}.json#/definitions/${definition}` })), value)
  }

  /** Errors of a JSON value against a raw Swagger schema of `module`. */
  const schemaErrors = (module: string, key: string, schema: unknown, value: unknown) => {
    load(module)
    return errorsOf(compiled(bodies, `${module}:${key}`, () => toJsonSchema(module, schema)), value)
  }

  /** The response documented for a status (or `default`), if any. */
  const documentedResponse = (found: OhipOperation, status: number): SwaggerResponse | undefined =>
    found.responses[String(status)] ?? found.responses["default"]

  /** A response body against the schema the operation documents for its status. */
  const responseCheck = (found: OhipOperation, status: number, body: unknown): ResponseCheck => {
    const response = documentedResponse(found, status)
    if (response === undefined) return { _tag: "Undocumented" }
    if (response.schema === undefined) return { _tag: "NoSchema" }
    return { _tag: "Checked", errors: schemaErrors(found.module, `res:${found.operationId}:${status}`, response.schema, body) }
  }

  /** Errors of a request body against the operation's body parameter (none if it takes no body). */
  const requestBodyErrors = (found: OhipOperation, body: unknown) => {
    const parameter = found.parameters.find((entry) => entry.in === "body")
    if (parameter === undefined) return undefined
    return schemaErrors(found.module, `req:${found.operationId}`, parameter.schema ?? {}, body)
  }

  /** Errors of a non-body parameter's value (strings from the wire, coerced to the declared type). */
  const parameterErrors = (found: OhipOperation, parameter: SwaggerParameter, value: unknown) => {
    load(found.module)
    const key = `${found.module}:param:${found.operationId}:${parameter.in}:${parameter.name}`
    return errorsOf(compiled(values, key, () => parameterSchema(found.module, parameter)), value)
  }

  const describeErrors = (errors: ReadonlyArray<ErrorObject>) => bodies.errorsText([...errors], { separator: "\n" })

  return {
    specsDir,
    load,
    operations,
    findOperation,
    operation,
    definitionErrors,
    schemaErrors,
    documentedResponse,
    responseCheck,
    requestBodyErrors,
    parameterErrors,
    describeErrors
  } as const
}
