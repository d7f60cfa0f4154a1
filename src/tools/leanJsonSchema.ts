/**
 * The JSON Schema a tool shows in `tools/list`, without what costs the model
 * tokens and tells it nothing: Effect's generated titles ("maxLength(80)",
 * "int") and descriptions ("a string matching the pattern ^\d{4}-…", "an
 * integer"), which repeat the keywords next to them; `$defs` entries inlined
 * where they are referenced (the only ones are integer refinements); single
 * `allOf` wrappers merged into their parent; `pattern`s (the server checks
 * every argument with its Schema and answers a wrong one with a message that
 * says what it must look like; dates say `format: "date"`, codes say so in
 * their description). Hand-written descriptions stay.
 * Output schemas name the fields of a result and how they nest, and leave out
 * the rest: a field that is a plain string, number or boolean shows as `{}`
 * (the model reads the value in the result), and `required`, `format`,
 * `additionalProperties: false` and the `type` of nested objects that list
 * their properties go. A result is the server's own, checked against its
 * Schema before it leaves; a client checking it against the listed schema
 * still can.
 */

type Node = Record<string, unknown>

// The descriptions Effect writes for its built-in filters; a hand-written one never starts this way.
const generatedDescription =
  /^an? (integer|number (between|less|greater)|string (matching|at (most|least)|with)|array (of|with)|non-empty|positive|negative|non-negative|non-positive|finite|valid)\b/

// Keywords whose value is a map of names to schemas, and those holding one schema or a list of them.
const schemaMaps = new Set(["properties", "$defs", "definitions", "patternProperties"])
const schemaValues = new Set(["items", "additionalProperties", "not", "propertyNames", "contains"])
const schemaLists = new Set(["allOf", "anyOf", "oneOf", "prefixItems"])

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value)

const refName = (ref: unknown): string | undefined =>
  typeof ref === "string" && ref.startsWith("#/$defs/") ? ref.slice("#/$defs/".length) : undefined

export interface LeanOptions {
  /** Output schemas: also drop `additionalProperties: false`. */
  readonly output: boolean
}

const scalarTypes = new Set(["string", "number", "integer", "boolean"])

const leanNode = (node: Node, defs: Node, options: LeanOptions, depth: number): Node => {
  if (depth > 64) return node
  if (options.output && depth > 0 && scalarTypes.has(node.type as string) && Object.keys(node).length === 1) return {}
  let current: Node = node
  // Inline a reference to a definition (the reference's own keywords win).
  const referenced = refName(current.$ref)
  if (referenced !== undefined && isNode(defs[referenced])) {
    const { $ref: _ref, ...rest } = current
    current = { ...(defs[referenced]), ...rest }
  }
  const result: Node = {}
  for (const [key, value] of Object.entries(current)) {
    if (key === "$defs" || key === "$schema" || key === "title" || key === "pattern") continue
    if (key === "description" && typeof value === "string" && generatedDescription.test(value)) continue
    if (key === "required" && Array.isArray(value) && value.length === 0) continue
    if (options.output && (key === "required" || key === "format" || (key === "additionalProperties" && value === false))) continue
    if (options.output && depth > 0 && key === "type" && value === "object" && isNode(current.properties)) continue
    if (schemaMaps.has(key) && isNode(value)) {
      result[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, isNode(child) ? leanNode(child, defs, options, depth + 1) : child])
      )
    } else if (schemaValues.has(key) && isNode(value)) {
      result[key] = leanNode(value, defs, options, depth + 1)
    } else if (schemaLists.has(key) && Array.isArray(value)) {
      result[key] = value.map((child) => isNode(child) ? leanNode(child, defs, options, depth + 1) : child)
    } else {
      result[key] = value
    }
  }
  // `{ allOf: [x], …}` with nothing in x that the parent also says: one schema.
  const allOf = result.allOf
  if (Array.isArray(allOf) && allOf.length === 1 && isNode(allOf[0])) {
    const only = allOf[0]
    const { allOf: _wrapper, ...parent } = result
    const clash = Object.keys(only).some((key) => key in parent && JSON.stringify(parent[key]) !== JSON.stringify(only[key]))
    if (!clash) return { ...only, ...parent }
  }
  return result
}

/** A tool's JSON Schema as listed: see the module comment. The root stays an object schema. */
export const leanJsonSchema = <S extends Node>(schema: S, options: LeanOptions): S => {
  const defs = isNode(schema.$defs) ? schema.$defs : {}
  const leanDefs: Node = Object.fromEntries(
    Object.entries(defs).map(([name, child]) => [name, isNode(child) ? leanNode(child, {}, options, 1) : child])
  )
  const lean = leanNode(schema, leanDefs, options, 0)
  // A reference this pass could not inline keeps its definitions.
  return (JSON.stringify(lean).includes("\"$ref\"") ? { ...lean, $defs: leanDefs } : lean) as S
}
