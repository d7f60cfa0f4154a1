import { Schema } from "effect"
import { Links, OhipNumber, pagingFields, UniqueId, UniqueIdList, Warnings } from "./common.js"
import { HotelReservation } from "./reservation.js"

/**
 * The parts of rsv.json's definitions the reservation extras read or write:
 * cancellation history, statistics, reservation packages, links, guest
 * messages and the activity log. Every field is optional, as in the spec.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)
const number = optional(OhipNumber)

/** `cancellationHistory` (getCancellationHistory 200). */
export const CancellationHistory = Schema.Struct({
  cxlActivityLog: optional(Schema.Array(Schema.Struct({
    reason: optional(Schema.Struct({ description: text, code: text })),
    cxlDate: text,
    userId: number,
    userName: text,
    cancellationIdList: optional(UniqueIdList)
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type CancellationHistory = typeof CancellationHistory.Type

/** `statisticSetType`: one date's figures. */
export const StatisticSet = Schema.Struct({
  revenueCategorySummariesType: optional(Schema.Array(Schema.Struct({ revenueCategoryCode: text, amount: number, currencyCode: text }))),
  numericCategorySummariesType: optional(Schema.Array(Schema.Struct({ numericSummary: number, numericCategoryCode: text }))),
  statisticDate: text,
  weekendDate: flag
})

/** `reservationStatistics` (getReservationStatistics 200). */
export const ReservationStatistics = Schema.Struct({
  statisticsType: optional(Schema.Array(Schema.Struct({
    statisticCodesType: optional(Schema.Array(Schema.Struct({
      statisticSetsType: optional(Schema.Array(StatisticSet)),
      statCode: text,
      statCategoryCode: text,
      statCodeClass: text,
      description: text
    }))),
    hotelId: text,
    hotelName: text,
    reportCode: text,
    description: text
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ReservationStatistics = typeof ReservationStatistics.Type

/** `reservationPackageType`. */
export const ReservationPackage = Schema.Struct({
  packageHeaderType: optional(Schema.Struct({
    primaryDetails: optional(Schema.Struct({ description: text, shortDescription: text })),
    transactionDetails: optional(Schema.Struct({ allowance: flag, currency: text, postingType: text, calculationRule: text })),
    postingAttributes: optional(Schema.Struct({ addToRate: flag, sellSeparate: flag, calculatedPrice: number }))
  })),
  scheduleList: optional(Schema.Array(Schema.Struct({
    consumptionDate: text,
    unitPrice: number,
    totalQuantity: number,
    computedResvPrice: number
  }))),
  consumptionDetails: optional(Schema.Struct({ defaultQuantity: number, totalQuantity: number })),
  packageCode: text,
  ratePlanCode: text,
  startDate: text,
  endDate: text,
  source: text
})
export type ReservationPackage = typeof ReservationPackage.Type

/** `reservationPackagesInfo` (postReservationPackage body). */
export const ReservationPackagesInfo = Schema.Struct({
  hotelId: text,
  reservationId: optional(Schema.Struct({ id: text, type: text })),
  reservationPackages: optional(Schema.Array(ReservationPackage))
})

/** `packages` (getPackage 200). */
export const ReservationPackages = Schema.Struct({
  reservationPackages: optional(Schema.Struct({ reservationPackage: optional(Schema.Array(ReservationPackage)) })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ReservationPackages = typeof ReservationPackages.Type

/** `linkReservationsCriteria` (postReservationLinks body). */
export const LinkReservationsCriteria = Schema.Struct({
  hotelId: text,
  reservationIdList: optional(UniqueIdList),
  linkToReservationId: optional(UniqueId),
  responseInstruction: optional(Schema.Struct({ fetchLinkedReservations: flag }))
})

/** `linkedHotelReservations` (getLinkedReservations 200). */
export const LinkedReservations = Schema.Struct({
  reservations: optional(Schema.Struct({
    linkedReservation: optional(Schema.Array(HotelReservation)),
    hasMore: flag,
    totalResults: number,
    count: number
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type LinkedReservations = typeof LinkedReservations.Type

/** `resvGuestMessageType`. */
export const GuestMessage = Schema.Struct({
  message: optional(Schema.Struct({
    messageText: text,
    messageDate: text,
    typeOfMessage: text,
    recipient: text,
    operator: text,
    reservationId: optional(Schema.Struct({ id: text, type: text })),
    roomId: text,
    confirmationNo: text
  })),
  delivery: optional(Schema.Struct({ deliveryStatus: text, deliveryDate: text })),
  id: text,
  type: text,
  createDateTime: text
})
export type GuestMessage = typeof GuestMessage.Type

/** `createGuestMessages` (postGuestMessages body). */
export const CreateGuestMessages = Schema.Struct({
  reservationIdList: optional(UniqueIdList),
  hotelId: text,
  guestMessages: optional(Schema.Array(GuestMessage))
})

/** `guestMessagesDetails` (postGuestMessages 201). */
export const GuestMessagesDetails = Schema.Struct({
  guestMessages: optional(Schema.Array(GuestMessage)),
  links: optional(Links),
  warnings: optional(Warnings)
})

/** `guestMessages` (getGuestMessages 200): the paging fields sit next to the list. */
export const GuestMessages = Schema.Struct({
  guestMessages: optional(Schema.Array(GuestMessage)),
  ...pagingFields,
  links: optional(Links),
  warnings: optional(Warnings)
})
export type GuestMessages = typeof GuestMessages.Type

/** `activityLog` (getReservationActivityLog 200). */
export const ActivityLog = Schema.Struct({
  activityLog: optional(Schema.Struct({
    activityLog: optional(Schema.Array(Schema.Struct({
      hotelId: text,
      module: text,
      logDate: text,
      refActionId: number,
      logUserId: number,
      logUserName: text,
      actionType: text,
      actionDescription: text
    }))),
    ...pagingFields
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ActivityLog = typeof ActivityLog.Type
