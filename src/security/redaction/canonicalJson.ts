/**
 * Canonical JSON: object keys sorted at every depth, `undefined` members
 * dropped, arrays in order. Two argument objects that mean the same call give
 * the same text whatever order their keys were written in, so a confirmation
 * binds to the call and not to its spelling.
 */
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)

const sortKeys = (_key: string, value: unknown): unknown =>
  isPlainObject(value)
    ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, value[key]]))
    : value

export const canonicalJson = (value: unknown): string => JSON.stringify(value, sortKeys) ?? "null"
