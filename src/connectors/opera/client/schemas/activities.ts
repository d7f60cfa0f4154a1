import { Schema } from "effect"
import type { Paging } from "./common.js"
import { defined, Links, pagingFields, UniqueIdList, Warnings } from "./common.js"

/**
 * The parts of act.json's definitions this project reads or writes, and the
 * compact activity record an assistant reads. OPERA activities are
 * appointments on the hotel's calendar (spa, golf, dinner …) linked to the
 * guest's profile as a contact. Every OHIP field is optional, as in the spec.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)

/** `activityInfoType`. */
export const ActivityInfo = Schema.Struct({
  hotelId: text,
  activityClass: text,
  activityType: text,
  activityTypeDescription: text,
  activityPurpose: text,
  activityOwner: text,
  startDateTime: text,
  endDateTime: text,
  status: optional(Schema.Struct({ completed: flag, completedOn: text, completedBy: text })),
  notes: text,
  highPriority: flag,
  createDateTime: text,
  lastModifyDateTime: text
})

/** `activityLinkedProfilesType` (the id part). */
export const LinkedProfile = Schema.Struct({ profileIdList: optional(UniqueIdList), primary: flag })

/** `activityDetailsType`. */
export const ActivityDetails = Schema.Struct({
  activityId: optional(Schema.Struct({ id: text, type: text })),
  activityDetail: optional(ActivityInfo),
  linkedContacts: optional(Schema.Struct({ activityContact: optional(Schema.Array(LinkedProfile)) }))
})
export type ActivityDetails = typeof ActivityDetails.Type

/** `activitiesInfo`: the answer of getActivities. */
export const ActivitiesInfo = Schema.Struct({
  activitiesInformation: optional(Schema.Array(ActivityDetails)),
  ...pagingFields,
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ActivitiesInfo = typeof ActivitiesInfo.Type

/** `activity`: the answer of getActivity. */
export const ActivityEnvelope = Schema.Struct({
  activityDetails: optional(ActivityDetails),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ActivityEnvelope = typeof ActivityEnvelope.Type

/** One booked activity, compact. Times are the hotel's wall-clock times, `YYYY-MM-DD HH:MM`. */
export const ActivitySummary = Schema.Struct({
  activityId: Schema.String,
  type: Schema.optional(Schema.String),
  typeDescription: Schema.optional(Schema.String),
  purpose: Schema.optional(Schema.String),
  start: Schema.optional(Schema.String),
  end: Schema.optional(Schema.String),
  /** The guest profile the activity is booked for. */
  profileId: Schema.optional(Schema.String),
  completed: Schema.Boolean,
  notes: Schema.optional(Schema.String)
})
export type ActivitySummary = typeof ActivitySummary.Type

/** "2026-05-01T15:00:00Z" → "2026-05-01 15:00": OPERA stores activity times as the hotel's local time. */
export const wallClock = (dateTime: string | undefined): string | undefined =>
  dateTime === undefined || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(dateTime)
    ? dateTime
    : `${dateTime.slice(0, 10)} ${dateTime.slice(11, 16)}`

export const summarizeActivity = (details: ActivityDetails): ActivitySummary | undefined => {
  const activityId = details.activityId?.id
  if (activityId === undefined) return undefined
  const info = details.activityDetail
  const contact = details.linkedContacts?.activityContact?.find((entry) => entry.primary === true) ??
    details.linkedContacts?.activityContact?.[0]
  return {
    ...defined({
      activityId,
      type: info?.activityType,
      typeDescription: info?.activityTypeDescription,
      purpose: info?.activityPurpose,
      start: wallClock(info?.startDateTime),
      end: wallClock(info?.endDateTime),
      profileId: contact?.profileIdList?.[0]?.id,
      notes: info?.notes
    }),
    completed: info?.status?.completed === true
  }
}

export const activitiesFromList = (
  body: ActivitiesInfo
): { readonly activities: ReadonlyArray<ActivitySummary>; readonly paging: Paging } => {
  const activities = (body.activitiesInformation ?? []).flatMap((entry) => {
    const summary = summarizeActivity(entry)
    return summary === undefined ? [] : [summary]
  })
  const offset = body.offset ?? 0
  const total = body.totalResults ?? offset + activities.length
  return {
    activities,
    paging: {
      offset,
      limit: body.limit ?? activities.length,
      hasMore: body.hasMore ?? offset + activities.length < total,
      totalResults: total,
      count: body.count ?? activities.length
    }
  }
}
