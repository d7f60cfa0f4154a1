import type { ActivityRecord } from "../activityBook.js"
import { activityTypes } from "../activityBook.js"

/** Activities as act.json shapes them (`activityDetailsType`); the guest appears only as a linked profile id. */
export const renderActivity = (activity: ActivityRecord) => ({
  activityId: { id: activity.activityId, type: "Activity" },
  activityDetail: {
    hotelId: activity.hotelId,
    activityClass: "Appointment",
    activityType: activity.activityType,
    activityTypeDescription: activityTypes.find((type) => type.code === activity.activityType)?.description ?? activity.activityType,
    activityPurpose: activity.purpose,
    activityOwner: "SANDBOX",
    startDateTime: `${activity.start}:00Z`,
    endDateTime: `${activity.end}:00Z`,
    status: activity.completed === undefined
      ? { completed: false }
      : { completed: true, completedOn: activity.completed.on, completedBy: activity.completed.by },
    ...(activity.notes === undefined ? {} : { notes: activity.notes }),
    highPriority: false,
    createDateTime: activity.createdAt,
    lastModifyDateTime: activity.modifiedAt
  },
  linkedContacts: {
    activityContact: [{ profileIdList: [{ id: activity.profileId, type: "Profile" }], primary: true }]
  }
})

export const activityLink = (baseUrl: string, activity: ActivityRecord) => ({
  href: `${baseUrl}/act/v1/hotels/${encodeURIComponent(activity.hotelId)}/activities/${activity.activityId}`,
  rel: "self",
  templated: false,
  method: "GET",
  operationId: "getActivity"
})
