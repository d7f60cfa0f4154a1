import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { toIncomingMessage } from "@effect/platform-node/NodeHttpServerRequest"
import { Clock, Duration, Effect, Either } from "effect"
import type { FaultStore } from "./faults.js"
import { gate } from "./gate.js"
import type { RouteFailure, RouteResponse } from "./ohipErrors.js"
import { badRequest, ohipFailure } from "./ohipErrors.js"
import type { RouteEnv, SandboxRoute } from "./route.js"
import { matchRoute } from "./routeTable.js"
import type { TrafficLog } from "./traffic.js"

/**
 * The sandbox's one HTTP handler: match the OHIP operation, apply injected
 * faults, check the caller as the OHIP gateway would, parse the body, run
 * the operation, and record the exchange.
 */
export interface SandboxRuntime {
  readonly env: RouteEnv
  readonly faults: FaultStore
  readonly traffic: TrafficLog
  readonly hotelIds: ReadonlyArray<string>
}

const jsonContentType = "application/json;charset=UTF-8"

const groupQuery = (params: URLSearchParams): Record<string, ReadonlyArray<string>> => {
  const grouped: Record<string, Array<string>> = {}
  for (const [key, value] of params) (grouped[key] ??= []).push(value)
  return grouped
}

const parseJson = (text: string): Either.Either<unknown, RouteFailure> =>
  Either.try({ try: () => JSON.parse(text) as unknown, catch: () => badRequest("The request body is not valid JSON.") })

/** The body as the operation consumes it; for traffic, whatever could be read. */
const readBody = (
  route: SandboxRoute | undefined,
  headers: Readonly<Record<string, string>>,
  text: string
): Either.Either<unknown, RouteFailure> => {
  const contentType = (headers["content-type"] ?? "").toLowerCase()
  if (route?.body === "form") {
    return Either.right(
      contentType.startsWith("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(text)) : undefined
    )
  }
  if (route?.body === "json") {
    if (text.trim() === "") return Either.left(badRequest("This operation needs a JSON request body."))
    if (!contentType.includes("application/json")) {
      return Either.left(ohipFailure(415, "The request body must be sent as application/json.", "UNSUPPORTED_MEDIA_TYPE"))
    }
    return parseJson(text)
  }
  return Either.right(text.trim() === "" ? undefined : Either.getOrElse(parseJson(text), () => text))
}

const asResponse = (failure: RouteFailure): RouteResponse => ({
  status: failure.status,
  body: failure.body,
  ...(failure.headers === undefined ? {} : { headers: failure.headers })
})

const toResponse = (answer: RouteResponse, malformed: boolean) => {
  const text = JSON.stringify(answer.body ?? {})
  return HttpServerResponse.text(malformed ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text, {
    status: answer.status,
    contentType: jsonContentType,
    ...(answer.headers === undefined ? {} : { headers: answer.headers })
  })
}

export const makeSandboxApp = (runtime: SandboxRuntime) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const atMillis = yield* Clock.currentTimeMillis
    const url = new URL(request.url, "http://sandbox.invalid")
    const headers: Record<string, string> = { ...request.headers }
    const text = yield* request.text.pipe(Effect.orElseSucceed(() => ""))
    const match = matchRoute(request.method, url.pathname)
    const route = match._tag === "Matched" ? match.route : undefined
    const body = readBody(route, headers, text)
    const decision = yield* runtime.faults.take({ operationId: route?.operationId, method: request.method, path: url.pathname })
    if (decision.latencyMillis > 0) yield* Effect.sleep(Duration.millis(decision.latencyMillis))

    const serve = Effect.gen(function*() {
      switch (match._tag) {
        case "NoRoute":
          return yield* ohipFailure(404, "No OHIP operation of this sandbox has this path.", "NOT_FOUND")
        case "MethodNotAllowed":
          return yield* ohipFailure(405, `This path accepts ${match.allowed.join(", ")}.`, "METHOD_NOT_ALLOWED", {
            allow: match.allowed.join(", ")
          })
        case "Matched": {
          const hotelId = match.route.auth === "bearer" ? yield* gate(runtime, headers, match.params) : ""
          const parsed = yield* body
          return yield* match.route.handler(
            { method: request.method, path: url.pathname, params: match.params, query: groupQuery(url.searchParams), headers, body: parsed, hotelId },
            runtime.env
          )
        }
      }
    })

    const fault = decision.fault
    const answer: RouteResponse | undefined = yield* (() => {
      switch (fault?._tag) {
        case "ConnectionReset":
          return Effect.sync(() => toIncomingMessage(request).socket.destroy()).pipe(
            Effect.as(undefined)
          )
        case "Status":
          return Effect.succeed(asResponse(ohipFailure(fault.status, "The service is temporarily unavailable.", "SERVICE_UNAVAILABLE")))
        case "RateLimited":
          return Effect.succeed(asResponse(ohipFailure(429, "Too many requests: retry after the delay in Retry-After.", "TOO_MANY_REQUESTS", {
            "retry-after": String(fault.retryAfterSeconds)
          })))
        case "Unauthorized":
          return Effect.succeed(asResponse(ohipFailure(401, "The access token is not valid.", "UNAUTHORIZED")))
        default:
          return serve.pipe(
            Effect.catchAll((failure) => Effect.succeed(asResponse(failure))),
            // A sandbox bug answers 500 like OPERA would; the log names the operation, never the request data.
            Effect.catchAllDefect(() =>
              Effect.logError(`sandbox: ${route?.operationId ?? "unmatched request"} failed unexpectedly`).pipe(
                Effect.as(asResponse(ohipFailure(500, "The sandbox failed to process this request.", "INTERNAL_ERROR")))
              )
            )
          )
      }
    })()

    yield* runtime.traffic.record({
      atMillis,
      method: request.method,
      path: url.pathname,
      query: groupQuery(url.searchParams),
      headers,
      body: Either.getOrElse(body, () => text === "" ? undefined : text),
      route: route === undefined ? undefined : { module: route.module, operationId: route.operationId, template: route.template },
      status: answer?.status ?? 0,
      responseHeaders: answer?.headers ?? {},
      responseBody: answer?.body,
      fault: fault?._tag
    })
    return answer === undefined
      ? HttpServerResponse.empty({ status: 500 })
      : toResponse(answer, fault?._tag === "MalformedJson")
  })
