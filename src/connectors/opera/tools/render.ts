import type { GuestSummary } from "../client/profiles.js"
import type { ReservationSummary } from "../client/reservations.js"

/** Compact text renderings shared by the tools: one line per record, the fields a desk agent reads first. */
const join = (parts: ReadonlyArray<string | undefined>) =>
  parts.filter((part): part is string => part !== undefined && part !== "").join(" | ")

const money = (value: { readonly amount: number; readonly currencyCode?: string | undefined } | undefined) =>
  value === undefined ? undefined : `${value.amount.toFixed(2)}${value.currencyCode ? ` ${value.currencyCode}` : ""}`

export const reservationLine = (reservation: ReservationSummary): string =>
  join([
    `#${reservation.reservationId}`,
    reservation.confirmationNumber !== undefined ? `conf ${reservation.confirmationNumber}` : undefined,
    reservation.computedStatus ?? reservation.status,
    reservation.guest.name,
    reservation.arrivalDate !== undefined ? `${reservation.arrivalDate} → ${reservation.departureDate ?? "?"}` : undefined,
    [reservation.roomType, reservation.roomNumber !== undefined ? `room ${reservation.roomNumber}` : undefined]
      .filter(Boolean).join(" "),
    [reservation.ratePlanCode, money(reservation.rate)].filter(Boolean).join(" "),
    reservation.adults !== undefined ? `${reservation.adults}A${reservation.children ? `+${reservation.children}C` : ""}` : undefined
  ])

export const guestLine = (guest: GuestSummary): string =>
  join([
    `profile ${guest.profileId}`,
    guest.name,
    guest.email,
    guest.phone,
    [guest.city, guest.country].filter(Boolean).join(", "),
    guest.vip !== undefined ? `VIP ${guest.vip.code}` : undefined,
    guest.membership?.level !== undefined ? `${guest.membership.type ?? "member"} ${guest.membership.level}` : undefined
  ])

export const pageLine = (
  paging: { readonly offset: number; readonly count: number; readonly totalResults: number; readonly hasMore: boolean },
  noun: string
): string =>
  paging.count === 0
    ? `No ${noun} found.`
    : `${noun} ${paging.offset + 1}–${paging.offset + paging.count} of ${paging.totalResults}` +
      (paging.hasMore ? ` (more: offset ${paging.offset + paging.count})` : "")
