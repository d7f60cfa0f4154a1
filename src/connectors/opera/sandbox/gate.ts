import { Effect } from "effect"
import { sameSecret } from "./credentials.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, forbidden, unauthorized } from "./ohipErrors.js"
import type { RouteEnv } from "./route.js"

/**
 * The checks the OHIP gateway makes before any data operation runs:
 * a live Bearer token, the application key, and a hotel the caller may use.
 * Answers with the x-hotelid on success.
 */
export const gate = (
  runtime: { readonly env: RouteEnv; readonly hotelIds: ReadonlyArray<string> },
  headers: Readonly<Record<string, string>>,
  params: Readonly<Record<string, string>>
): Effect.Effect<string, RouteFailure> =>
  Effect.gen(function*() {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers["authorization"] ?? "")?.[1]
    if (bearer === undefined) {
      return yield* unauthorized("An Authorization header with a Bearer access token is required.")
    }
    switch (yield* runtime.env.tokens.check(bearer)) {
      case "unknown":
        return yield* unauthorized("The access token is not valid.")
      case "expired":
        return yield* unauthorized("The access token has expired: request a new one.")
      case "revoked":
        return yield* unauthorized("The access token has been revoked: request a new one.")
      case "valid":
        break
    }
    const appKey = headers["x-app-key"]
    if (appKey === undefined) {
      return yield* unauthorized("The x-app-key header is required.")
    }
    if (!sameSecret(appKey, runtime.env.credentials.appKey)) {
      return yield* forbidden("The x-app-key header does not hold the application key of this client.")
    }
    const hotelId = headers["x-hotelid"]
    if (hotelId === undefined || hotelId.trim() === "") {
      return yield* badRequest("The x-hotelid header is required.", "HOTEL_ID_REQUIRED")
    }
    if (!runtime.hotelIds.includes(hotelId)) {
      return yield* forbidden("The x-hotelid header names a hotel this application may not use.")
    }
    if (params["hotelId"] !== undefined && params["hotelId"] !== hotelId) {
      return yield* badRequest("The hotelId in the path must match the x-hotelid header.", "HOTEL_ID_MISMATCH")
    }
    return hotelId
  })
