import type { Exchange } from "../../../src/connectors/opera/sandbox/traffic.js"
import { matchTemplate } from "../ohip/paths.js"
import type { OhipOperation, OhipSpecs } from "../ohip/specs.js"
import type { SwaggerParameter } from "../ohip/swagger.js"

/**
 * One exchange as the sandbox recorded it, checked against the OHIP operation
 * it names. The request: method, path template and path parameters, query parameter names
 * and types, required headers, media type and body (JSON body schema or form
 * fields). Each problem is one sentence naming the parameter at fault; values
 * are never quoted, since headers carry tokens and keys.
 */
export type WireRequest = Pick<Exchange, "method" | "path" | "query" | "headers" | "body">

/** Headers every data call carries, whatever a spec marks as required. */
export const dataCallHeaders = ["authorization", "x-app-key", "x-hotelid"] as const

const mediaType = (value: string | undefined) => value?.split(";")[0]?.trim().toLowerCase()

const wireValue = (parameter: SwaggerParameter, values: ReadonlyArray<string>): unknown => {
  if (parameter.type !== "array") return values[0]
  const format = parameter.collectionFormat ?? "csv"
  if (format === "multi") return [...values]
  const separator = { csv: ",", ssv: " ", tsv: "\t", pipes: "|" }[format] ?? ","
  return values.flatMap((value) => value.split(separator))
}

export const requestProblems = (specs: OhipSpecs, operation: OhipOperation, request: WireRequest): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const named = (where: SwaggerParameter["in"]) => operation.parameters.filter((parameter) => parameter.in === where)
  const check = (parameter: SwaggerParameter, value: unknown, label: string) => {
    const errors = specs.parameterErrors(operation, parameter, value)
    if (errors.length > 0) problems.push(`${label} ${parameter.name}: ${specs.describeErrors(errors)}`)
  }

  if (request.method.toUpperCase() !== operation.method) {
    problems.push(`method ${request.method} but ${operation.operationId} is ${operation.method}`)
  }
  const params = matchTemplate(operation.basePath, operation.path, request.path)
  if (params === undefined) {
    problems.push(`path does not match ${operation.basePath}${operation.path}`)
  } else {
    for (const [name, value] of Object.entries(params)) {
      const parameter = named("path").find((entry) => entry.name === name)
      if (parameter === undefined) problems.push(`path parameter ${name} is not declared`)
      else check(parameter, value, "path parameter")
    }
  }

  for (const [name, values] of Object.entries(request.query)) {
    const parameter = named("query").find((entry) => entry.name === name)
    if (parameter === undefined) {
      problems.push(`query parameter ${name} is not declared by ${operation.operationId}`)
    } else if (parameter.type !== "array" && values.length > 1) {
      problems.push(`query parameter ${name} is sent ${values.length} times but is not an array`)
    } else {
      check(parameter, wireValue(parameter, values), "query parameter")
    }
  }
  for (const parameter of named("query")) {
    if (parameter.required === true && request.query[parameter.name] === undefined) {
      problems.push(`required query parameter ${parameter.name} is missing`)
    }
  }

  const isData = operation.module !== "oauth"
  for (const parameter of named("header")) {
    const value = request.headers[parameter.name.toLowerCase()]
    if (value === undefined) {
      if (parameter.required === true) problems.push(`required header ${parameter.name} is missing`)
    } else {
      check(parameter, value, "header")
    }
  }
  if (isData) {
    for (const name of dataCallHeaders) {
      if (request.headers[name] === undefined) problems.push(`header ${name} is missing`)
    }
    if (!/^Bearer \S+$/.test(request.headers["authorization"] ?? "")) {
      problems.push("authorization header is not a Bearer token")
    }
  }

  const bodyParameter = named("body")[0]
  const formParameters = named("formData")
  const sentBody = request.body !== undefined
  if (sentBody && operation.consumes.length > 0) {
    const sent = mediaType(request.headers["content-type"])
    if (!operation.consumes.some((accepted) => mediaType(accepted) === sent)) {
      problems.push(`content-type ${sent ?? "(none)"} is not one ${operation.operationId} consumes (${operation.consumes.join(", ")})`)
    }
  }
  if (bodyParameter !== undefined) {
    if (!sentBody) {
      if (bodyParameter.required === true) problems.push("required body is missing")
    } else {
      const errors = specs.requestBodyErrors(operation, request.body) ?? []
      if (errors.length > 0) problems.push(`body: ${specs.describeErrors(errors)}`)
    }
  } else if (formParameters.length > 0) {
    const fields = typeof request.body === "object" && request.body !== null ? request.body as Record<string, unknown> : {}
    for (const [name, value] of Object.entries(fields)) {
      const parameter = formParameters.find((entry) => entry.name === name)
      if (parameter === undefined) problems.push(`form field ${name} is not declared`)
      else check(parameter, value, "form field")
    }
    for (const parameter of formParameters) {
      if (parameter.required === true && fields[parameter.name] === undefined) {
        problems.push(`required form field ${parameter.name} is missing`)
      }
    }
  } else if (sentBody) {
    problems.push(`a body is sent but ${operation.operationId} takes none`)
  }
  return problems
}

/**
 * One answer of the sandbox, checked against the schema its operation
 * documents for that status (error bodies included). The body is checked as
 * it went over the wire (the sandbox sends `{}` for an empty answer).
 */
export type WireResponse = Pick<Exchange, "status" | "responseBody" | "fault">

export type ResponseVerdict =
  | { readonly _tag: "Validated"; readonly problems: ReadonlyArray<string> }
  /** No answer to check: the connection was reset by an injected fault. */
  | { readonly _tag: "NoAnswer" }

/** The JSON a body serialises to, as the client parses it. */
export const onTheWire = (body: unknown): unknown => JSON.parse(JSON.stringify(body ?? {}))

export const responseVerdict = (specs: OhipSpecs, operation: OhipOperation, response: WireResponse): ResponseVerdict => {
  if (response.status === 0) return { _tag: "NoAnswer" }
  const check = specs.responseCheck(operation, response.status, onTheWire(response.responseBody))
  switch (check._tag) {
    case "Undocumented":
      return {
        _tag: "Validated",
        problems: [`status ${response.status} is not documented for ${operation.operationId} (documented: ${
          Object.keys(operation.responses).join(", ")
        })`]
      }
    case "NoSchema":
      return { _tag: "Validated", problems: [] }
    case "Checked":
      return {
        _tag: "Validated",
        problems: check.errors.length === 0 ? [] : [`${response.status} body: ${specs.describeErrors(check.errors)}`]
      }
  }
}
