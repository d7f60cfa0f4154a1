import { Either } from "effect"
import type { ActivityDetails } from "../client/schemas/activities.js"
import type { ActivityBook, ActivityRecord } from "./activityBook.js"
import { activityTypes, findActivity } from "./activityBook.js"
import { isIsoDate, nightsBetween } from "./calendar.js"
import type { RouteFailure } from "./ohipErrors.js"
import { badRequest, businessRule, notFound } from "./ohipErrors.js"
import type { PropertySnapshot } from "./property.js"

/**
 * The activity rules the sandbox enforces, as pure steps: a booking needs a
 * known activity type, a time span on or after the business date, a guest
 * profile, a free slot (the type's capacity) and no overlap with the same
 * guest's other bookings; a completed activity cannot be deleted.
 */
const fail = <A>(failure: RouteFailure): Either.Either<A, RouteFailure> => Either.left(failure)

const dateTimePattern = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/

/** "2026-05-01T15:00:00Z" → "2026-05-01T15:00": activity times are the hotel's wall-clock times. */
export const wallClockOf = (value: string | undefined): string | undefined => {
  const match = value === undefined ? null : dateTimePattern.exec(value)
  if (match === null) return undefined
  const [, date = "", hours = "", minutes = ""] = match
  return isIsoDate(date) && Number(hours) < 24 && Number(minutes) < 60 ? `${date}T${hours}:${minutes}` : undefined
}

const minuteOfDay = (wallClock: string) => Number(wallClock.slice(11, 13)) * 60 + Number(wallClock.slice(14, 16))

const minutesBetween = (start: string, end: string) =>
  nightsBetween(start.slice(0, 10), end.slice(0, 10)) * 1440 + minuteOfDay(end) - minuteOfDay(start)

const overlaps = (left: { readonly start: string; readonly end: string }, right: { readonly start: string; readonly end: string }) =>
  left.start < right.end && right.start < left.end

const time = (wallClock: string) => wallClock.slice(11, 16)

/** postActivities: one activity per request, linked to the guest's profile. */
export const bookActivity = (
  book: ActivityBook,
  property: PropertySnapshot,
  hotelId: string,
  requested: ActivityDetails,
  nowIso: string
): Either.Either<readonly [ActivityRecord, ActivityBook], RouteFailure> => {
  const detail = requested.activityDetail
  if (detail?.hotelId !== undefined && detail.hotelId !== hotelId) return fail(badRequest("activityDetail.hotelId must match the hotel in the path."))
  const type = activityTypes.find((candidate) => candidate.code === detail?.activityType)
  if (type === undefined) {
    return fail(badRequest(`activityDetail.activityType must be one of this hotel's activity types: ${activityTypes.map((entry) => entry.code).join(", ")}.`, "INVALID_ACTIVITY_TYPE"))
  }
  const start = wallClockOf(detail?.startDateTime)
  const end = wallClockOf(detail?.endDateTime)
  if (start === undefined || end === undefined) {
    return fail(badRequest("activityDetail needs startDateTime and endDateTime as date-times, e.g. 2026-05-01T15:00:00Z."))
  }
  const minutes = minutesBetween(start, end)
  if (minutes <= 0 || minutes > 12 * 60) {
    return fail(businessRule("An activity must end after it starts, and last at most 12 hours.", "INVALID_TIME_SPAN"))
  }
  if (start.slice(0, 10) < property.businessDate) {
    return fail(businessRule(`Activities cannot be booked before the business date ${property.businessDate}.`, "DATE_IN_PAST"))
  }
  const contacts = requested.linkedContacts?.activityContact ?? []
  const profileId = (contacts.find((entry) => entry.primary === true) ?? contacts[0])?.profileIdList?.[0]?.id
  if (profileId === undefined) return fail(badRequest("linkedContacts must name the guest's profile the activity is for."))
  if (!property.guests.has(profileId)) return fail(notFound("The profile linked in linkedContacts does not exist."))
  const open = [...book.activities.values()].filter((activity) => activity.hotelId === hotelId && activity.completed === undefined)
  const clash = open.find((activity) => activity.profileId === profileId && overlaps(activity, { start, end }))
  if (clash !== undefined) {
    return fail(businessRule(
      `The guest already has ${clash.activityType} booked from ${time(clash.start)} to ${time(clash.end)} on ${clash.start.slice(0, 10)} (activity ${clash.activityId}).`,
      "ACTIVITY_OVERLAP"
    ))
  }
  const booked = open.filter((activity) => activity.activityType === type.code && overlaps(activity, { start, end })).length
  if (booked >= type.capacity) {
    return fail(businessRule(
      `${type.description} is fully booked from ${time(start)} to ${time(end)} on ${start.slice(0, 10)}: ${booked} of ${type.capacity} taken.`,
      "ACTIVITY_FULLY_BOOKED"
    ))
  }
  const activityId = String(book.nextActivityNumber)
  const purpose = detail?.activityPurpose?.trim()
  const activity: ActivityRecord = {
    activityId,
    hotelId,
    activityType: type.code,
    purpose: purpose === undefined || purpose === "" ? type.description : purpose.slice(0, 100),
    start,
    end,
    profileId,
    notes: detail?.notes === undefined || detail.notes.trim() === "" ? undefined : detail.notes.slice(0, 4000),
    completed: undefined,
    createdAt: nowIso,
    modifiedAt: nowIso
  }
  return Either.right([activity, { activities: new Map(book.activities).set(activityId, activity), nextActivityNumber: book.nextActivityNumber + 1 }] as const)
}

/** deleteActivities: removes an activity that has not been completed. */
export const deleteActivity = (
  book: ActivityBook,
  hotelId: string,
  activityId: string
): Either.Either<readonly [ActivityRecord, ActivityBook], RouteFailure> =>
  findActivity(book, hotelId, activityId).pipe(
    Either.flatMap((activity): Either.Either<readonly [ActivityRecord, ActivityBook], RouteFailure> => {
      if (activity.completed !== undefined) {
        return fail(businessRule(`Activity ${activityId} was completed on ${activity.completed.on.slice(0, 10)} and cannot be cancelled.`, "ACTIVITY_COMPLETED"))
      }
      const activities = new Map(book.activities)
      activities.delete(activityId)
      return Either.right([activity, { ...book, activities }] as const)
    })
  )
