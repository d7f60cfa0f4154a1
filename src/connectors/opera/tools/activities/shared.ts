import { DateTime, Effect, Option, Schema } from "effect"
import type { ActivitySummary } from "../../client/activities.js"
import { getActivity as getRequest, GetActivityResponse, summarizeActivity } from "../../client/activities.js"
import { OperaClient } from "../../client/OperaClient.js"
import { operaId } from "../../../../tools/fields.js"
import { ToolError } from "../../../../tools/Tool.js"

/** Argument shapes and renderings shared by the activity tools. */
export const ActivityId = operaId("activity", "OPERA activity id, as list_activities returns it")

export const ActivityType = Schema.String.pipe(
  Schema.pattern(/^[A-Z0-9_-]{1,20}$/, { message: () => "must be an activity type code in capitals, e.g. SPA" }),
  Schema.annotations({ description: "The hotel's activity type code, e.g. SPA, GOLF, DINNER, TOUR" })
)

export const TimeOfDay = Schema.String.pipe(
  Schema.pattern(/^([01]\d|2[0-3]):[0-5]\d$/, { message: () => "must be a time of day as HH:MM (24-hour clock)" }),
  Schema.annotations({ description: "Start time, hotel local time, as HH:MM (24-hour clock)" })
)

/** Today's date from the Clock (UTC), as YYYY-MM-DD. */
export const today = Effect.map(DateTime.now, DateTime.formatIsoDateUtc)

/** `date` + `time` + minutes → the end as YYYY-MM-DDTHH:MM, rolling over midnight. */
export const wallClockPlus = (date: string, time: string, minutes: number): string => {
  const total = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) + minutes
  const day = DateTime.formatIsoDateUtc(DateTime.add(DateTime.unsafeMake(date), { days: Math.floor(total / 1440) }))
  const minuteOfDay = total % 1440
  return `${day}T${String(Math.floor(minuteOfDay / 60)).padStart(2, "0")}:${String(minuteOfDay % 60).padStart(2, "0")}`
}

/** Reads one activity; shared by the tools that show an activity before or after changing it. */
export const readActivity = (hotelId: string, activityId: string) =>
  OperaClient.pipe(
    Effect.flatMap((client) => client.execute(getRequest({ hotelId, activityId }), GetActivityResponse)),
    Effect.flatMap((body) => {
      const summary = body.activityDetails === undefined ? undefined : summarizeActivity(body.activityDetails)
      return Option.match(Option.fromNullable(summary), {
        onNone: () => Effect.fail(new ToolError({ message: `OPERA returned no activity for id ${activityId}.` })),
        onSome: Effect.succeed
      })
    })
  )

const join = (parts: ReadonlyArray<string | undefined>) =>
  parts.filter((part): part is string => part !== undefined && part !== "").join(" | ")

/** "2026-05-01 15:00–16:00", or both ends in full when the activity runs past midnight. */
const span = (start: string, end: string | undefined) =>
  end === undefined ? start : end.slice(0, 10) === start.slice(0, 10) ? `${start}–${end.slice(11)}` : `${start} – ${end}`

export const activityLine = (activity: ActivitySummary): string =>
  join([
    `activity ${activity.activityId}`,
    activity.start !== undefined ? span(activity.start, activity.end) : undefined,
    activity.type !== undefined ? `${activity.type}${activity.typeDescription !== undefined ? ` (${activity.typeDescription})` : ""}` : undefined,
    activity.purpose,
    activity.profileId !== undefined ? `profile ${activity.profileId}` : undefined,
    activity.completed ? "completed" : undefined
  ])
