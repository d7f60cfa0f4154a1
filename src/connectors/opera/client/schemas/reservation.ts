import { Schema } from "effect"
import { CurrencyAmount, Links, OhipNumber, pagingFields, UniqueId, UniqueIdList, Warnings } from "./common.js"

/**
 * The parts of rsv.json's definitions this project reads or writes, named
 * after the spec's definitions. Every field is optional, as in the spec.
 */
const optional = Schema.optional
const text = optional(Schema.String)
const flag = optional(Schema.Boolean)

/** `totalType`. */
export const TotalAmount = Schema.Struct({
  amountBeforeTax: optional(OhipNumber),
  amountAfterTax: optional(OhipNumber),
  currencyCode: text
})

/** `guestCountsType`. */
export const GuestCounts = Schema.Struct({
  adults: optional(OhipNumber),
  children: optional(OhipNumber)
})

/** `amountType`: one rate line of a room rate. */
export const RateAmount = Schema.Struct({
  base: optional(TotalAmount),
  total: optional(TotalAmount),
  start: text,
  end: text
})

/** `roomRateType`. */
export const RoomRate = Schema.Struct({
  total: optional(TotalAmount),
  rates: optional(Schema.Struct({ rate: optional(Schema.Array(RateAmount)) })),
  guestCounts: optional(GuestCounts),
  roomType: text,
  ratePlanCode: text,
  start: text,
  end: text,
  suppressRate: flag,
  marketCode: text,
  sourceCode: text,
  numberOfUnits: optional(OhipNumber),
  roomId: text,
  pseudoRoom: flag,
  roomTypeCharged: text,
  fixedRate: flag
})

/** `resGuaranteeType`. */
export const Guarantee = Schema.Struct({ guaranteeCode: text, shortDescription: text, onHold: flag })

/** `roomStayType`. */
export const RoomStay = Schema.Struct({
  currentRoomInfo: optional(Schema.Struct({ roomType: text, roomId: text })),
  roomRates: optional(Schema.Array(RoomRate)),
  guestCounts: optional(GuestCounts),
  arrivalDate: text,
  departureDate: text,
  guarantee: optional(Guarantee),
  total: optional(TotalAmount),
  roomNumberLocked: flag,
  printRate: flag
})

/** `personNameType`. */
export const PersonName = Schema.Struct({
  namePrefix: text,
  givenName: text,
  middleName: text,
  surname: text,
  nameTitle: text,
  nameType: text
})

/** `resGuestType` with the embedded `profileType`/`customerType` parts used here. */
export const ReservationGuest = Schema.Struct({
  profileInfo: optional(Schema.Struct({
    profileIdList: optional(UniqueIdList),
    profile: optional(Schema.Struct({
      customer: optional(Schema.Struct({
        personName: optional(Schema.Array(PersonName)),
        language: text,
        vipStatus: text,
        vipDescription: text
      })),
      profileType: text
    }))
  })),
  primary: flag
})

/** `hotelReservationType` (also the item type of `changeReservation.reservations`). */
export const HotelReservation = Schema.Struct({
  reservationIdList: optional(UniqueIdList),
  sourceOfSale: optional(Schema.Struct({ sourceType: text, sourceCode: text })),
  roomStay: optional(RoomStay),
  reservationGuests: optional(Schema.Array(ReservationGuest)),
  cancellation: optional(Schema.Struct({ description: text, code: text, cancellationNo: optional(UniqueId), date: text })),
  hotelId: text,
  roomStayReservation: flag,
  reservationStatus: text,
  computedReservationStatus: text,
  walkIn: flag,
  printRate: flag,
  createDateTime: text,
  creatorId: text,
  lastModifyDateTime: text,
  lastModifierId: text,
  createBusinessDate: text,
  reinstateDate: text,
  preRegistered: flag,
  allowMobileCheckout: flag
})
export type HotelReservation = typeof HotelReservation.Type

/** `hotelReservationsType`. */
export const HotelReservations = Schema.Struct({
  reservation: optional(Schema.Array(HotelReservation)),
  hasMore: flag,
  totalResults: optional(Schema.Number),
  count: optional(Schema.Number)
})

/** `reservation` (getReservation 200), `createReservationType` (postReservation 201), `changeReservationDetails` (putReservation 200). */
export const ReservationEnvelope = Schema.Struct({
  reservations: optional(HotelReservations),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ReservationEnvelope = typeof ReservationEnvelope.Type

/** `stayInfoType`: the stay as a search result shows it. */
export const StayInfo = Schema.Struct({
  arrivalDate: text,
  departureDate: text,
  adultCount: optional(Schema.Number),
  childCount: optional(Schema.Number),
  roomClass: text,
  roomType: text,
  numberOfRooms: optional(Schema.Number),
  roomId: text,
  ratePlanCode: text,
  rateAmount: optional(CurrencyAmount),
  totalAmount: optional(CurrencyAmount),
  guarantee: optional(Guarantee),
  marketCode: text,
  sourceCode: text
})

/** `resGuestInfoType`. */
export const ReservationGuestInfo = Schema.Struct({
  id: text,
  type: text,
  namePrefix: text,
  givenName: text,
  surname: text,
  fullName: text,
  phoneNumber: text,
  email: text,
  language: text,
  vip: optional(Schema.Struct({ vipCode: text, vipDescription: text })),
  membership: optional(Schema.Struct({
    membershipId: optional(Schema.Number),
    programCode: text,
    membershipLevel: text
  })),
  address: optional(Schema.Struct({
    cityName: text,
    postalCode: text,
    state: text,
    country: optional(Schema.Struct({ value: text, code: text }))
  })),
  nameType: text
})

/** `reservationInfoType`: one row of a reservation search. */
export const ReservationInfo = Schema.Struct({
  reservationIdList: optional(UniqueIdList),
  roomStay: optional(StayInfo),
  reservationGuest: optional(ReservationGuestInfo),
  cancellationInfo: optional(Schema.Struct({ description: text, code: text, date: text })),
  hotelId: text,
  hotelName: text,
  roomStayReservation: flag,
  createDateTime: text,
  lastModifyDateTime: text,
  reservationStatus: text,
  computedReservationStatus: text,
  walkInIndicator: flag
})
export type ReservationInfo = typeof ReservationInfo.Type

/** `reservationsDetails` (getHotelReservations 200). */
export const ReservationsDetails = Schema.Struct({
  reservations: optional(Schema.Struct({
    reservationInfo: optional(Schema.Array(ReservationInfo)),
    ...pagingFields
  })),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type ReservationsDetails = typeof ReservationsDetails.Type

/** `createReservation` (postReservation body). */
export const CreateReservationRequest = Schema.Struct({
  reservations: Schema.Struct({ reservation: Schema.NonEmptyArray(HotelReservation) })
})

/** `changeReservation` (putReservation body). */
export const ChangeReservationRequest = Schema.Struct({
  reservations: Schema.NonEmptyArray(HotelReservation)
})

/** `cancelReservation` (postCancelReservation body). */
export const CancelReservationRequest = Schema.Struct({
  reason: optional(Schema.Struct({ description: text, code: text })),
  reservations: optional(Schema.Array(Schema.Struct({ reservationIdList: optional(UniqueIdList), hotelId: text }))),
  verificationOnly: flag
})

/** `cancelReservationDetails` (postCancelReservation 201). */
export const CancelReservationDetails = Schema.Struct({
  reservations: optional(Schema.Array(Schema.Struct({
    reservationIdList: optional(UniqueIdList),
    cancellationInfo: optional(Schema.Struct({ description: text, code: text, date: text })),
    hotelId: text,
    reservationStatus: text
  }))),
  links: optional(Links),
  warnings: optional(Warnings)
})
export type CancelReservationDetails = typeof CancelReservationDetails.Type

/** `reinstateReservation` (putReinstateReservation body). */
export const ReinstateReservationRequest = Schema.Struct({
  hotelId: text,
  reservationIdList: optional(UniqueIdList)
})
