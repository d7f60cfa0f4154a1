import type { OhipOperation, OhipSpecs } from "./specs.js"

/**
 * Matching a request path to a spec's path templates, the way OHIP routes it:
 * a `{name}` segment takes one percent-encoded segment, and a template with
 * fewer parameters (more literal segments) wins over one with more.
 */
export interface PathMatch {
  readonly operation: OhipOperation
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** The path parameters of `fullPath` under `basePath + template`, or undefined when it does not match. */
export const matchTemplate = (
  basePath: string,
  template: string,
  fullPath: string
): Readonly<Record<string, string>> | undefined => {
  const names: Array<string> = []
  const source = (basePath + template).split("/").map((segment) => {
    const name = /^\{([^}]+)\}$/.exec(segment)?.[1]
    if (name === undefined) return escape(segment)
    names.push(name)
    return "([^/]+)"
  }).join("/")
  const groups = new RegExp(`^${source}/?$`).exec(fullPath)
  if (groups === null) return undefined
  const values = groups.slice(1).map(decode)
  if (values.some((value) => value === undefined)) return undefined
  return Object.fromEntries(names.map((name, index) => [name, values[index] ?? ""]))
}

/** The operation of `module` that a method and full path name, if any. */
export const operationForPath = (
  specs: OhipSpecs,
  module: string,
  method: string,
  fullPath: string
): PathMatch | undefined =>
  specs.operations(module)
    .filter((operation) => operation.method === method.toUpperCase())
    .flatMap((operation) => {
      const params = matchTemplate(operation.basePath, operation.path, fullPath)
      return params === undefined ? [] : [{ operation, params }]
    })
    .sort((left, right) => Object.keys(left.params).length - Object.keys(right.params).length)[0]

/** The module a full path belongs to ("/rsv/v1/…" → "rsv"). */
export const moduleOfPath = (fullPath: string): string | undefined => /^\/([a-z]+)\/v1(\/|$)/.exec(fullPath)?.[1]
