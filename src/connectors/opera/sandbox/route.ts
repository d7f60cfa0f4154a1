import type { Effect } from "effect"
import type { OperaRequest } from "../client/OperaRequest.js"
import type { SandboxCredentials } from "./credentials.js"
import type { RouteFailure, RouteResponse } from "./ohipErrors.js"
import type { PropertyState } from "./PropertyState.js"
import type { TokenStore } from "./tokens.js"

/**
 * One OHIP operation the sandbox serves, as data: the route map (route →
 * OHIP operation) that the fidelity suite reads is the list of these.
 */
export type SandboxModule = "oauth" | OperaRequest["module"]

export interface SandboxRequest {
  readonly method: string
  /** Full path, e.g. "/rsv/v1/hotels/SAND01/reservations/500001". */
  readonly path: string
  /** Path parameters from the template, percent-decoded. */
  readonly params: Readonly<Record<string, string>>
  /** Every query parameter with all of its values (OHIP arrays repeat the key). */
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>
  /** Parsed JSON body, form fields for form routes, or undefined. */
  readonly body: unknown
  /** The x-hotelid of a data route, already checked against the hotels and the path. */
  readonly hotelId: string
}

/** What a handler may use: state and settings of the running sandbox. */
export interface RouteEnv {
  readonly property: PropertyState
  readonly tokens: TokenStore
  readonly credentials: SandboxCredentials
  readonly tokenLifetimeSeconds: number
  readonly baseUrl: string
}

export type RouteHandler = (request: SandboxRequest, env: RouteEnv) => Effect.Effect<RouteResponse, RouteFailure>

export interface SandboxRoute {
  readonly module: SandboxModule
  readonly operationId: string
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** The spec's path, relative to the module's base path: "/hotels/{hotelId}/reservations/{reservationId}". */
  readonly template: string
  /** "client": Basic client credentials (token endpoint); "bearer": token + x-app-key + x-hotelid. */
  readonly auth: "client" | "bearer"
  /** What the operation consumes. */
  readonly body: "none" | "json" | "form"
  readonly handler: RouteHandler
}

export const basePathOf = (module: SandboxModule): string => `/${module}/v1`

/** `{ module, operationId, method, path }` for every route: the route map. */
export const describeRoute = (route: SandboxRoute) => ({
  module: route.module,
  operationId: route.operationId,
  method: route.method,
  template: route.template,
  path: basePathOf(route.module) + route.template
})

/** Routes of one OHIP module that need a bearer token: (operationId, method, template, body, handler). */
export const bearerRoute = (module: SandboxRoute["module"]) =>
(
  operationId: string,
  method: SandboxRoute["method"],
  template: string,
  body: SandboxRoute["body"],
  handler: SandboxRoute["handler"]
): SandboxRoute => ({ module, operationId, method, template, auth: "bearer", body, handler })
