import { Clock, Effect, Schema } from "effect"
import { ActivityDetails } from "../../client/schemas/activities.js"
import { findActivity, searchActivities } from "../activityBook.js"
import { bookActivity, deleteActivity } from "../activityRules.js"
import { isoDateTimeOf } from "../calendar.js"
import { BooleanParam, DateParam, decodeBody, decodeQuery, single, WholeNumberParam } from "../decode.js"
import { badRequest } from "../ohipErrors.js"
import { activityLink, renderActivity } from "../render/activity.js"
import type { SandboxRequest, SandboxRoute } from "../route.js"
import { bearerRoute } from "../route.js"

/** Activities (act.json, base path /act/v1). */
const now = Effect.map(Clock.currentTimeMillis, isoDateTimeOf)

const param = (request: SandboxRequest, name: string): string => request.params[name] ?? ""

const route = bearerRoute("act")

const optional = Schema.optional

const ActivitiesQuery = Schema.Struct({
  limit: optional(single(WholeNumberParam)),
  offset: optional(single(WholeNumberParam)),
  startDate: optional(single(DateParam)),
  endDate: optional(single(DateParam)),
  contactId: optional(single(Schema.String)),
  activityType: optional(Schema.Array(Schema.String)),
  completed: optional(single(BooleanParam))
})

const activitiesHints: Readonly<Record<string, string>> = {
  limit: "a whole number",
  offset: "a whole number",
  startDate: "a date as YYYY-MM-DD",
  endDate: "a date as YYYY-MM-DD",
  completed: "true or false"
}

/** `activitiesInformation` as a request body (postActivities). */
const ActivitiesInformation = Schema.Struct({ activitiesInformation: Schema.NonEmptyArray(ActivityDetails) })

const collectionLink = (baseUrl: string, hotelId: string) => ({
  href: `${baseUrl}/act/v1/hotels/${encodeURIComponent(hotelId)}/activities`,
  rel: "collection",
  templated: false,
  method: "GET",
  operationId: "getActivities"
})

export const actRoutes: ReadonlyArray<SandboxRoute> = [
  route("getActivities", "GET", "/hotels/{hotelId}/activities", "none", (request, env) =>
    Effect.gen(function*() {
      const query = yield* decodeQuery(ActivitiesQuery, request.query, activitiesHints)
      if (query.startDate !== undefined && query.endDate !== undefined && query.endDate < query.startDate) {
        return yield* badRequest("endDate must not be before startDate.")
      }
      const limit = Math.min(Math.max(query.limit ?? 20, 1), 200)
      const offset = query.offset ?? 0
      const found = searchActivities(yield* env.property.activities.snapshot, request.hotelId, query)
      const rows = found.slice(offset, offset + limit)
      return {
        status: 200,
        body: {
          activitiesInformation: rows.map(renderActivity),
          totalPages: Math.ceil(found.length / limit),
          offset,
          limit,
          hasMore: offset + rows.length < found.length,
          totalResults: found.length,
          count: rows.length,
          links: [{ ...collectionLink(env.baseUrl, request.hotelId), rel: "self" }]
        }
      }
    })),

  route("getActivity", "GET", "/hotels/{hotelId}/activities/{activityId}", "none", (request, env) =>
    Effect.gen(function*() {
      const activity = yield* findActivity(yield* env.property.activities.snapshot, request.hotelId, param(request, "activityId"))
      return { status: 200, body: { activityDetails: renderActivity(activity), links: [activityLink(env.baseUrl, activity)] } }
    })),

  route("postActivities", "POST", "/hotels/{hotelId}/activities", "json", (request, env) =>
    Effect.gen(function*() {
      const body = yield* decodeBody(ActivitiesInformation, request.body, "activitiesInformation")
      if (body.activitiesInformation.length > 1) return yield* badRequest("The sandbox books one activity per request.")
      const nowIso = yield* now
      const property = yield* env.property.snapshot
      const booked = yield* env.property.activities.transact((book) =>
        bookActivity(book, property, request.hotelId, body.activitiesInformation[0], nowIso)
      )
      const link = activityLink(env.baseUrl, booked)
      return { status: 201, body: { links: [link] }, headers: { location: link.href } }
    })),

  route("deleteActivities", "DELETE", "/hotels/{hotelId}/activities/{activityId}", "none", (request, env) =>
    Effect.gen(function*() {
      const activityId = param(request, "activityId")
      const listed = (request.query["activityIds"] ?? []).flatMap((value) => value.split(","))
      if (listed.length > 0 && !listed.includes(activityId)) {
        return yield* badRequest("activityIds names a different activity than the path.")
      }
      yield* env.property.activities.transact((book) => deleteActivity(book, request.hotelId, activityId))
      return { status: 200, body: { links: [collectionLink(env.baseUrl, request.hotelId)] } }
    }))
]
