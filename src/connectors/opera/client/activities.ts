import type { OperaRequest } from "./OperaRequest.js"
import { ActivitiesInfo, ActivityEnvelope } from "./schemas/activities.js"
import { defined, LinksAndWarnings } from "./schemas/common.js"

/**
 * OHIP activities (act): one pure request builder per operation and the
 * Schema its answer decodes with. Inputs are already-decoded tool arguments.
 */
export * from "./schemas/activities.js"

export interface ActivitySearch {
  readonly hotelId: string
  /** Activities starting on or after this date. */
  readonly startDate?: string
  /** Activities starting on or before this date. */
  readonly endDate?: string
  /** Activities booked for this guest profile (linked as a contact). */
  readonly contactId?: string
  readonly activityTypes?: ReadonlyArray<string>
  readonly completed?: boolean
  readonly limit?: number
  readonly offset?: number
}

/** getActivities. */
export const listActivities = (input: ActivitySearch): OperaRequest => ({
  module: "act",
  operationId: "getActivities",
  method: "GET",
  template: "/hotels/{hotelId}/activities",
  params: { hotelId: input.hotelId },
  query: defined({
    startDate: input.startDate,
    endDate: input.endDate,
    contactId: input.contactId,
    activityType: input.activityTypes,
    completed: input.completed,
    limit: input.limit,
    offset: input.offset
  }),
  hotelId: input.hotelId
})
export const ListActivitiesResponse = ActivitiesInfo

/** getActivity, with the linked profiles. */
export const getActivity = (input: { readonly hotelId: string; readonly activityId: string }): OperaRequest => ({
  module: "act",
  operationId: "getActivity",
  method: "GET",
  template: "/hotels/{hotelId}/activities/{activityId}",
  params: { hotelId: input.hotelId, activityId: input.activityId },
  query: { fetchInstructions: ["ActivityInfo", "Profiles"] },
  hotelId: input.hotelId
})
export const GetActivityResponse = ActivityEnvelope

export interface NewActivity {
  readonly hotelId: string
  /** The hotel's activity type code, e.g. SPA, GOLF, DINNER. */
  readonly activityType: string
  readonly purpose: string
  /** Hotel wall-clock times as YYYY-MM-DDTHH:MM. */
  readonly start: string
  readonly end: string
  /** The guest's profile, linked to the activity as its contact. */
  readonly profileId: string
  readonly notes?: string
}

/** postActivities: body is the spec's `activitiesInformation`; a guest booking is an Appointment. */
export const bookActivity = (input: NewActivity): OperaRequest => ({
  module: "act",
  operationId: "postActivities",
  method: "POST",
  template: "/hotels/{hotelId}/activities",
  params: { hotelId: input.hotelId },
  body: {
    activitiesInformation: [{
      activityDetail: defined({
        hotelId: input.hotelId,
        activityClass: "Appointment",
        activityType: input.activityType,
        activityPurpose: input.purpose,
        startDateTime: `${input.start}:00Z`,
        endDateTime: `${input.end}:00Z`,
        status: { completed: false },
        notes: input.notes
      }),
      linkedContacts: {
        activityContact: [{ profileIdList: [{ id: input.profileId, type: "Profile" }], primary: true }]
      }
    }]
  },
  hotelId: input.hotelId
})
export const BookActivityResponse = LinksAndWarnings

/** deleteActivities. */
export const cancelActivity = (input: { readonly hotelId: string; readonly activityId: string }): OperaRequest => ({
  module: "act",
  operationId: "deleteActivities",
  method: "DELETE",
  template: "/hotels/{hotelId}/activities/{activityId}",
  params: { hotelId: input.hotelId, activityId: input.activityId },
  hotelId: input.hotelId
})
export const CancelActivityResponse = LinksAndWarnings
