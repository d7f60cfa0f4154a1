import type { Tool } from "../../../src/tools/Tool.js"
import type { Fixtures } from "./fixtures.js"

/**
 * Arguments for any tool, derived from its input JSON Schema (the one
 * tools/list shows) and the seeded sandbox, so tools added later take part in
 * the fidelity run without anyone writing a scenario: required fields get a
 * value by name (ids, dates, codes) or from the schema (enum, minimum, the
 * "e.g. X" of a description); one call per record state for id fields and
 * per value of enum fields; one call with an id no record has (an OHIP 404); one call with every optional
 * field that has a value (query parameters).
 */
export interface ToolScenario {
  readonly tool: string
  readonly label: string
  readonly args: Readonly<Record<string, unknown>>
}

type Node = Readonly<Record<string, unknown>>

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value)

/** The property's own schema, with a single-entry allOf flattened ({ allOf: [{ $ref, minimum }] }). */
const flatten = (schema: Node): Node => {
  const allOf = schema["allOf"]
  return Array.isArray(allOf) && allOf.length === 1 && isNode(allOf[0]) ? { ...allOf[0], ...schema } : schema
}

const exampleIn = (schema: Node): string | undefined => {
  const example = /e\.g\.\s*([A-Za-z0-9_-]+)/.exec(String(schema["description"] ?? ""))?.[1]
  if (example === undefined) return undefined
  const pattern = typeof schema["pattern"] === "string" ? new RegExp(schema["pattern"]) : undefined
  return pattern === undefined || pattern.test(example) ? example : undefined
}

/** Candidate values of one argument, best first; empty when none is known. */
export const candidatesFor = (fixtures: Fixtures, name: string, raw: Node): ReadonlyArray<unknown> => {
  const schema = flatten(raw)
  const lower = name.toLowerCase()
  if (lower === "hotelid") return [fixtures.hotelId]
  if (lower.endsWith("reservationid")) return fixtures.reservationIds
  if (lower.endsWith("profileid") || lower.endsWith("guestid")) return fixtures.profileIds
  if (lower.includes("confirmationnumber")) return [fixtures.confirmationNumber]
  if (/^(departure(date|to)?|arrivalto|enddate|todate|dateto|to|until)$/.test(lower)) return [fixtures.day(3)]
  if (/^(departurefrom)$/.test(lower)) return [fixtures.day(1)]
  if (/^(arrival(date|from)?|startdate|fromdate|datefrom|staydate|date|from)$/.test(lower)) return [fixtures.day(1)]
  if (lower === "surname" || lower === "lastname") return [fixtures.guest.surname]
  if (lower === "givenname" || lower === "firstname") return [fixtures.guest.givenName]
  if (lower === "email" && fixtures.guest.email !== undefined) return [fixtures.guest.email]
  if (lower === "city" && fixtures.guest.city !== undefined) return [fixtures.guest.city]
  if (lower === "roomtype") return ["KING"]
  if (lower === "rateplancode") return ["BAR"]
  if (lower === "roomnumber" || lower === "roomid") return ["101"]
  if (lower === "adults") return [2]
  if (lower === "children") return [0]
  if (lower === "limit") return [5]
  if (lower === "offset") return [0]
  if (lower === "guest") return [{ profileId: fixtures.profileIds[0] }]
  if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return schema["enum"]
  const example = exampleIn(schema)
  if (schema["type"] === "string" && example !== undefined) return [example]
  if (schema["type"] === "boolean") return [false]
  if (schema["type"] === "integer" || schema["type"] === "number" || schema["$ref"] === "#/$defs/Int") {
    return [typeof schema["minimum"] === "number" ? Math.max(schema["minimum"], 1) : 1]
  }
  if (schema["type"] === "array" && isNode(schema["items"])) {
    const item = candidatesFor(fixtures, name.replace(/s$/, ""), schema["items"])[0]
    return item === undefined ? [] : [[item]]
  }
  return []
}

const isIdField = (name: string) => /id$/i.test(name) && name.toLowerCase() !== "hotelid"

/** The generic scenarios of one tool, or none when a required field has no known value. */
export const genericScenarios = <R>(tool: Tool<R>, fixtures: Fixtures): ReadonlyArray<ToolScenario> => {
  const properties = isNode(tool.inputSchema["properties"]) ? tool.inputSchema["properties"] : {}
  const required = Array.isArray(tool.inputSchema["required"]) ? tool.inputSchema["required"] as ReadonlyArray<string> : []
  const values = Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, isNode(schema) ? candidatesFor(fixtures, name, schema) : []])
  )
  if (required.some((name) => (values[name] ?? []).length === 0)) return []
  const base = Object.fromEntries(required.map((name) => [name, values[name]?.[0]]))
  const scenario = (label: string, args: Record<string, unknown>): ToolScenario => ({ tool: tool.name, label, args })
  const idFields = required.filter(isIdField)
  const perRecord = idFields.flatMap((name) =>
    (values[name] ?? []).slice(1).map((value) => scenario(`${name} = ${String(value)}`, { ...base, [name]: value }))
  )
  // Every other value of an enum field (kinds, statuses) reaches the operations a tool picks by it.
  const enumFields = Object.keys(properties).filter((name) => {
    const schema = properties[name]
    return isNode(schema) && Array.isArray(flatten(schema)["enum"]) && !isIdField(name)
  })
  const perValue = enumFields.flatMap((name) =>
    (values[name] ?? []).slice(required.includes(name) ? 1 : 0, 8).map((value) =>
      scenario(`${name} = ${String(value)}`, { ...base, [name]: value })
    )
  )
  const notFound = idFields.map((name) => scenario(`unknown ${name}`, { ...base, [name]: fixtures.unknownId }))
  const optional = Object.keys(properties).filter((name) => !required.includes(name) && (values[name] ?? []).length > 0)
  const everything = optional.length === 0
    ? []
    : [scenario("every optional field", { ...base, ...Object.fromEntries(optional.map((name) => [name, values[name]?.[0]])) })]
  return [scenario("required fields", base), ...perRecord, ...perValue, ...notFound, ...everything]
}
