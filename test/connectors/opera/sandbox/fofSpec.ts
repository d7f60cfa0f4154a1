import type { ErrorObject } from "ajv"
import { expect } from "@effect/vitest"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import { definitionErrors, describeErrors, requestBodyErrors, requestProblems, responseErrors } from "./helpers.js"

/**
 * Spec checks for the fof, hsk and inv routes. fof.json declares its dates
 * as `format: date` with `maxLength: 8`, which no "YYYY-MM-DD" date can meet
 * (OPERA itself sends ten characters); only that contradiction is forgiven.
 */
const valueAt = (body: unknown, pointer: string): unknown =>
  pointer.split("/").slice(1).reduce<unknown>(
    (node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined),
    body
  )

const real = (errors: ReadonlyArray<ErrorObject>, body: unknown) =>
  errors.filter((error) =>
    !(error.keyword === "maxLength" && (error.params as { limit?: number }).limit === 8 &&
      /^\d{4}-\d{2}-\d{2}$/.test(String(valueAt(body, error.instancePath))))
  )

export const expectValid = (request: OperaRequest, status: number, answer: { readonly status: number; readonly json: unknown }) => {
  expect(answer.status, JSON.stringify(answer.json)).toBe(status)
  expect(describeErrors(real(responseErrors(request.module, request.operationId, status, answer.json), answer.json))).toBe("No errors")
}

/** A request built by a client module must match the spec's path, method, query and body. */
export const expectWellFormed = (request: OperaRequest) => {
  expect(requestProblems(request)).toEqual([])
  if (request.body !== undefined) {
    expect(describeErrors(real(requestBodyErrors(request.module, request.operationId, request.body), request.body))).toBe("No errors")
  }
}

export const expectError = (answer: { readonly status: number; readonly json: any }, code: string, status = 400) => {
  expect(answer.status, JSON.stringify(answer.json)).toBe(status)
  expect(describeErrors(definitionErrors("fof", "exceptionDetailType", answer.json))).toBe("No errors")
  expect(answer.json["o:errorCode"]).toBe(code)
}
