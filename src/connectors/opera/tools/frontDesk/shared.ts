import { DateTime, Effect, Schema } from "effect"
import { OperaClient } from "../../client/OperaClient.js"
import type { ReservationSearch, ReservationStatusFilter } from "../../client/reservations.js"
import { reservationsFromSearch, ReservationSummary, searchReservations, SearchReservationsResponse } from "../../client/reservations.js"
import type { RoomSummary } from "../../client/schemas/rooms.js"
import { HotelId, hotelFor, IsoDate, optional, Paging } from "../../../../tools/fields.js"
import { pageLine, reservationLine } from "../render.js"
import type { ToolAnnotations } from "../../../../tools/ToolInfo.js"
import { PagingOutput } from "../reservations/shared.js"

/** Fields, defaults and renderings shared by the front desk and housekeeping tools. */
export { ReservationId } from "../reservations/shared.js"

/** Today's date (UTC) from the Effect Clock: the default date of the front desk's lists. */
export const today = Effect.map(DateTime.now, DateTime.formatIsoDateUtc)

export const daysFrom = (date: string, days: number) =>
  DateTime.formatIsoDateUtc(DateTime.add(DateTime.unsafeMake(date), { days }))

export const RoomNumber = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9-]{1,20}$/, { message: () => "must be an OPERA room number, e.g. 101" }),
  Schema.annotations({ description: "Room number as OPERA knows it, e.g. 101" })
)

export const HousekeepingStatus = Schema.Literal("Clean", "Dirty", "Pickup", "Inspected")
export const RoomStatus = Schema.Literal("Clean", "Dirty", "Pickup", "Inspected", "OutOfOrder", "OutOfService")
export const FrontOfficeStatus = Schema.Literal("Vacant", "Occupied")
export const RepairKind = Schema.Literal("OutOfOrder", "OutOfService").annotations({
  description: "OutOfOrder takes the room out of inventory (not sellable); OutOfService keeps it sellable but not assignable"
})

export const readOnly = (title: string): ToolAnnotations => ({
  title,
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true
})

export const writes = (title: string, options: { readonly destructive?: boolean; readonly idempotent?: boolean } = {}): ToolAnnotations => ({
  title,
  readOnlyHint: false,
  destructiveHint: options.destructive ?? false,
  idempotentHint: options.idempotent ?? false,
  openWorldHint: true
})

export const roomLine = (room: RoomSummary): string =>
  [
    `room ${room.roomNumber}`,
    room.roomType,
    room.floor !== undefined ? `floor ${room.floor}` : undefined,
    room.status,
    room.frontOfficeStatus,
    room.reservationStatus !== undefined && room.reservationStatus !== "NotReserved" ? room.reservationStatus : undefined,
    room.reservationId !== undefined ? `#${room.reservationId}` : undefined,
    room.repair !== undefined
      ? `${room.repair.kind ?? "repair"} ${room.repair.from ?? "?"} → ${room.repair.to ?? "?"} (${room.repair.reasonCode ?? ""}${room.repair.reason ? ` ${room.repair.reason}` : ""})`
      : undefined
  ].filter((part) => part !== undefined && part !== "").join(" | ")

export const ReservationList = Schema.Struct({ date: Schema.String, reservations: Schema.Array(ReservationSummary), paging: PagingOutput })

/**
 * A front desk list (arrivals, departures, in-house, no-shows) as one
 * getHotelReservations search: `criteria` turns the date into OHIP's search fields.
 */
export const reservationList = (options: {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly noun: string
  readonly dateDescription: string
  readonly defaultDate: Effect.Effect<string>
  readonly criteria: (date: string) => Omit<ReservationSearch, "hotelId" | "limit" | "offset">
}) => ({
  name: options.name,
  domain: "front-desk" as const,
  operations: ["rsv.getHotelReservations"],
  description: options.description,
  annotations: readOnly(options.title),
  touchesGuestData: true,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    date: optional(IsoDate.annotations({ description: options.dateDescription })),
    ...Paging
  }),
  output: ReservationList,
  facts: (input: { readonly hotelId?: string }) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input: { readonly hotelId?: string; readonly date?: string; readonly limit: number; readonly offset: number }) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const date = input.date ?? (yield* options.defaultDate)
      const body = yield* client.execute(
        searchReservations({ ...options.criteria(date), hotelId, limit: input.limit, offset: input.offset }),
        SearchReservationsResponse
      )
      return { date, ...reservationsFromSearch(body) }
    }),
  render: ({ date, paging, reservations }: typeof ReservationList.Type) =>
    [`${options.noun} for ${date}: ${pageLine(paging, options.noun)}`, ...reservations.map(reservationLine)].join("\n")
})

export type { ReservationStatusFilter }
