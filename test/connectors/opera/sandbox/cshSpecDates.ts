import type { ErrorObject } from "ajv"
import { expect } from "vitest"
import { definitionErrors, describeErrors, responseErrors } from "./helpers.js"

/**
 * Oracle's csh, par and rtp specs give many `format: date` fields a
 * `maxLength` of 8, which no YYYY-MM-DD date (10 characters) fits, yet OPERA
 * answers with such dates. Validation here keeps every other rule and only
 * forgives that one contradiction, for values that are real ISO dates.
 */
const valueAt = (body: unknown, pointer: string): unknown =>
  pointer.split("/").slice(1).reduce<unknown>(
    (node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined),
    body
  )

const isDateLengthQuirk = (body: unknown) => (error: ErrorObject) =>
  error.keyword === "maxLength" && (error.params as { limit?: number }).limit === 8 &&
  /^\d{4}-\d{2}-\d{2}$/.test(String(valueAt(body, error.instancePath)))

export const specErrors = (module: string, operationId: string, status: number, body: unknown) =>
  responseErrors(module, operationId, status, body).filter((error) => !isDateLengthQuirk(body)(error))

export const expectValidAnswer = (
  module: string,
  operationId: string,
  status: number,
  answer: { readonly status: number; readonly json: unknown; readonly text: string }
) => {
  expect(answer.status, answer.text).toBe(status)
  expect(describeErrors(specErrors(module, operationId, status, answer.json))).toBe("No errors")
}

export const expectOhipError = (module: string, answer: { readonly status: number; readonly json: any }, status: number, code: string) => {
  expect(answer.status).toBe(status)
  expect(describeErrors(definitionErrors(module, "exceptionDetailType", answer.json))).toBe("No errors")
  expect(answer.json["o:errorCode"]).toBe(code)
}
