import type { Schema } from "effect"
import type { InstanceLink } from "../../client/schemas/common.js"
import type { HotelReservation, ReservationInfo } from "../../client/schemas/reservation.js"
import { nightsBetween } from "../calendar.js"
import type { GuestRecord, ReservationRecord } from "../property.js"
import { computedStatus } from "../property.js"

/**
 * Reservation records rendered as OHIP JSON: `hotelReservationType` for a
 * single reservation, `reservationInfoType` for a search row.
 */
type Encoded<S extends Schema.Schema.Any> = Schema.Schema.Encoded<S>

const guaranteeDescriptions: Readonly<Record<string, string>> = {
  "6PM": "6PM Hold",
  CC: "Credit Card Guaranteed",
  DEP: "Deposit Required",
  CO: "Company Guaranteed"
}

const reservationIds = (reservation: ReservationRecord) => [
  { id: reservation.reservationId, type: "Reservation" },
  { id: reservation.confirmationNumber, type: "Confirmation" }
]

const stayTotal = (reservation: ReservationRecord): number =>
  reservation.rateAmount * Math.max(1, nightsBetween(reservation.arrivalDate, reservation.departureDate))

const personName = (guest: GuestRecord) => ({ givenName: guest.givenName, surname: guest.surname, nameType: "Primary" })

export const renderHotelReservation = (
  reservation: ReservationRecord,
  guest: GuestRecord | undefined,
  businessDate: string
): Encoded<typeof HotelReservation> => {
  const guestCounts = { adults: reservation.adults, children: reservation.children }
  const total = { amountBeforeTax: stayTotal(reservation), currencyCode: reservation.currencyCode }
  return {
    reservationIdList: reservationIds(reservation),
    sourceOfSale: { sourceType: "PMS", sourceCode: reservation.hotelId },
    roomStay: {
      ...(reservation.roomId === undefined
        ? {}
        : { currentRoomInfo: { roomType: reservation.roomType, roomId: reservation.roomId } }),
      roomRates: [{
        total,
        rates: {
          rate: [{
            base: { amountBeforeTax: reservation.rateAmount, currencyCode: reservation.currencyCode },
            total: { amountBeforeTax: reservation.rateAmount, currencyCode: reservation.currencyCode },
            start: reservation.arrivalDate,
            end: reservation.departureDate
          }]
        },
        guestCounts,
        roomType: reservation.roomType,
        ratePlanCode: reservation.ratePlanCode,
        start: reservation.arrivalDate,
        end: reservation.departureDate,
        suppressRate: false,
        marketCode: reservation.marketCode,
        sourceCode: reservation.sourceCode,
        numberOfUnits: 1,
        ...(reservation.roomId === undefined ? {} : { roomId: reservation.roomId }),
        pseudoRoom: false,
        roomTypeCharged: reservation.roomType,
        fixedRate: false
      }],
      guestCounts,
      arrivalDate: reservation.arrivalDate,
      departureDate: reservation.departureDate,
      guarantee: {
        guaranteeCode: reservation.guaranteeCode,
        shortDescription: guaranteeDescriptions[reservation.guaranteeCode] ?? reservation.guaranteeCode
      },
      total,
      roomNumberLocked: false,
      printRate: true
    },
    reservationGuests: [{
      profileInfo: {
        profileIdList: [{ id: reservation.profileId, type: "Profile" }],
        ...(guest === undefined ? {} : {
          profile: {
            customer: {
              personName: [personName(guest)],
              language: guest.language,
              ...(guest.vip === undefined ? {} : { vipStatus: guest.vip.code, vipDescription: guest.vip.description })
            },
            profileType: "Guest"
          }
        })
      },
      primary: true
    }],
    ...(reservation.cancellation === undefined ? {} : {
      cancellation: {
        code: reservation.cancellation.code,
        description: reservation.cancellation.description,
        cancellationNo: { id: reservation.cancellation.number, type: "Cancellation" },
        date: reservation.cancellation.date
      }
    }),
    hotelId: reservation.hotelId,
    roomStayReservation: true,
    reservationStatus: reservation.status,
    computedReservationStatus: computedStatus(reservation, businessDate),
    walkIn: reservation.sourceCode === "WALKIN",
    printRate: true,
    createDateTime: reservation.createdAt,
    creatorId: "SANDBOX",
    lastModifyDateTime: reservation.modifiedAt,
    lastModifierId: "SANDBOX",
    createBusinessDate: reservation.createBusinessDate,
    ...(reservation.reinstateDate === undefined ? {} : { reinstateDate: reservation.reinstateDate }),
    preRegistered: false,
    allowMobileCheckout: false
  }
}

export const renderReservationInfo = (
  reservation: ReservationRecord,
  guest: GuestRecord | undefined,
  hotelName: string,
  businessDate: string
): Encoded<typeof ReservationInfo> => ({
  reservationIdList: reservationIds(reservation),
  roomStay: {
    arrivalDate: reservation.arrivalDate,
    departureDate: reservation.departureDate,
    adultCount: reservation.adults,
    childCount: reservation.children,
    roomType: reservation.roomType,
    numberOfRooms: 1,
    ...(reservation.roomId === undefined ? {} : { roomId: reservation.roomId }),
    ratePlanCode: reservation.ratePlanCode,
    rateAmount: { amount: reservation.rateAmount, currencyCode: reservation.currencyCode },
    totalAmount: { amount: stayTotal(reservation), currencyCode: reservation.currencyCode },
    guarantee: { guaranteeCode: reservation.guaranteeCode },
    marketCode: reservation.marketCode,
    sourceCode: reservation.sourceCode
  },
  reservationGuest: {
    id: reservation.profileId,
    type: "Profile",
    ...(guest === undefined ? {} : {
      givenName: guest.givenName,
      surname: guest.surname,
      fullName: `${guest.givenName} ${guest.surname}`,
      ...(guest.phone === undefined ? {} : { phoneNumber: guest.phone }),
      ...(guest.email === undefined ? {} : { email: guest.email }),
      language: guest.language,
      ...(guest.vip === undefined ? {} : { vip: { vipCode: guest.vip.code, vipDescription: guest.vip.description } }),
      ...(guest.membership === undefined ? {} : {
        membership: {
          membershipId: Number(guest.membership.number),
          programCode: guest.membership.type,
          membershipLevel: guest.membership.level
        }
      })
    }),
    nameType: "Guest"
  },
  ...(reservation.cancellation === undefined ? {} : {
    cancellationInfo: {
      code: reservation.cancellation.code,
      description: reservation.cancellation.description,
      date: reservation.cancellation.date
    }
  }),
  hotelId: reservation.hotelId,
  hotelName,
  roomStayReservation: true,
  createDateTime: reservation.createdAt,
  lastModifyDateTime: reservation.modifiedAt,
  reservationStatus: reservation.status,
  computedReservationStatus: computedStatus(reservation, businessDate),
  walkInIndicator: reservation.sourceCode === "WALKIN"
})

export const reservationLink = (
  baseUrl: string,
  reservation: ReservationRecord
): Encoded<typeof InstanceLink> => ({
  href: `${baseUrl}/rsv/v1/hotels/${encodeURIComponent(reservation.hotelId)}/reservations/${reservation.reservationId}`,
  rel: "self",
  templated: false,
  method: "GET",
  operationId: "getReservation"
})
