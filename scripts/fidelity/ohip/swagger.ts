/**
 * Swagger 2.0 → JSON Schema draft-07, as ajv validates it.
 *
 * Oracle's OHIP files are Swagger 2.0: their schemas are almost draft-04 JSON
 * Schema, plus a few Swagger-only keywords. What is converted, and why:
 *
 * - `$ref: "#/definitions/X"` → `"<module>.json#/definitions/X"`: each spec's
 *   definitions are registered with ajv under the id `<module>.json`, so a
 *   schema taken out of the file (a response, a body parameter) still resolves.
 * - `x-nullable: true` → `{ anyOf: [schema, { type: "null" }] }`.
 * - `discriminator` (Swagger's form: the name of a property) → removed; the
 *   subtypes' own `allOf` still checks every field, and ajv's `discriminator`
 *   keyword means OpenAPI 3's object form.
 * - `type: "file"` → `{}` (any value: an upload is not JSON).
 * - `exclusiveMinimum: true` / `exclusiveMaximum: true` (draft-04 booleans) →
 *   draft-07 numbers taken from `minimum` / `maximum`.
 * - `format: "date"` (or `"date-time"`) with a `maxLength` shorter than the
 *   format itself (Oracle gives hundreds of date fields `maxLength: 8`, which no
 *   YYYY-MM-DD date fits, while OPERA sends YYYY-MM-DD): the `maxLength` is
 *   dropped; the format check stays.
 * - Annotations ajv does not know (`example`, `x-*`, `xml`, `externalDocs`) →
 *   removed, so nothing Swagger-only reaches the validator.
 * - Formats (see `swaggerFormats`): `date`, `date-time`, `email`, `uri`, … come
 *   from ajv-formats; `int32` and `int64` check the integer range; `byte`
 *   checks base64; `float`, `double`, `binary` and `password` only name a
 *   representation and accept any value of the declared type.
 * - Non-body parameters (path, query, header, formData) are turned into a
 *   schema of their own (`parameterSchema`): the Swagger fields of the
 *   parameter object (name, in, required, collectionFormat, …) are left out.
 *
 * Property names are never touched: only schema positions are walked, so a
 * property that happens to be called `example` or `discriminator` survives.
 */
export type JsonSchema = Record<string, unknown>

const annotationKeys = new Set(["example", "xml", "externalDocs", "discriminator"])
const schemaMaps = new Set(["properties", "definitions", "patternProperties"])
const schemaValues = new Set(["items", "additionalProperties", "not"])
const schemaLists = new Set(["allOf", "anyOf", "oneOf"])
const formatLengths: Readonly<Record<string, number>> = { date: 10, "date-time": 19 }

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Converts one Swagger 2.0 schema of `module` (and everything inside it). */
export const toJsonSchema = (module: string, schema: unknown): unknown => {
  if (!isRecord(schema)) return schema
  if (schema["type"] === "file") return {}
  const converted: JsonSchema = {}
  for (const [key, value] of Object.entries(schema)) {
    if (annotationKeys.has(key) || key.startsWith("x-")) continue
    if (key === "$ref" && typeof value === "string") {
      converted[key] = value.startsWith("#/definitions/") ? `${module}.json${value}` : value
    } else if (schemaMaps.has(key) && isRecord(value)) {
      converted[key] = Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, toJsonSchema(module, entry)]))
    } else if (schemaValues.has(key)) {
      converted[key] = toJsonSchema(module, value)
    } else if (schemaLists.has(key) && Array.isArray(value)) {
      converted[key] = value.map((entry) => toJsonSchema(module, entry))
    } else {
      converted[key] = value
    }
  }
  for (const [flag, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (converted[flag] === true && typeof converted[bound] === "number") {
      converted[flag] = converted[bound]
      delete converted[bound]
    } else if (typeof converted[flag] === "boolean") {
      delete converted[flag]
    }
  }
  const formatLength = typeof converted["format"] === "string" ? formatLengths[converted["format"]] : undefined
  if (formatLength !== undefined && typeof converted["maxLength"] === "number" && converted["maxLength"] < formatLength) {
    delete converted["maxLength"]
  }
  return schema["x-nullable"] === true ? { anyOf: [converted, { type: "null" }] } : converted
}

/** A Swagger 2.0 parameter object (after `$ref` resolution). */
export interface SwaggerParameter {
  readonly name: string
  readonly in: "path" | "query" | "header" | "formData" | "body"
  readonly required?: boolean
  readonly schema?: unknown
  readonly type?: string
  readonly collectionFormat?: string
  readonly [key: string]: unknown
}

const parameterOnlyKeys = new Set(["name", "in", "required", "description", "collectionFormat", "allowEmptyValue"])

/** The schema of a body parameter, or of the value of any other parameter. */
export const parameterSchema = (module: string, parameter: SwaggerParameter): unknown => {
  if (parameter.in === "body") return toJsonSchema(module, parameter.schema ?? {})
  const schema = Object.fromEntries(Object.entries(parameter).filter(([key]) => !parameterOnlyKeys.has(key)))
  return toJsonSchema(module, schema)
}

/** Non-standard formats used by Swagger 2.0, registered on every validator. */
export const swaggerFormats = {
  int32: { type: "number", validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 },
  int64: { type: "number", validate: (value: number) => Number.isInteger(value) },
  float: { type: "number", validate: () => true },
  double: { type: "number", validate: () => true },
  byte: { type: "string", validate: (value: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 },
  binary: { type: "string", validate: () => true },
  password: { type: "string", validate: () => true }
} as const
