import { Effect, Schema } from "effect"
import {
  availabilityByRoomType,
  getHotelAvailability as availabilityRequest,
  GetHotelAvailabilityResponse,
  RoomTypeAvailability
} from "../../client/availability.js"
import { OperaClient } from "../../client/OperaClient.js"
import { HotelId, hotelFor, IsoDate, optional } from "../../../../tools/fields.js"
import { defineTool } from "../../../../tools/Tool.js"
import { amountText, nightsBetween, plusDays, RatePlanCode, RoomTypeCode, today } from "./shared.js"

export const getHotelAvailability = defineTool({
  name: "get_hotel_availability",
  operations: ["par.getHotelAvailability"],
  domain: "rates",
  description: "Rooms left to sell and prices for a stay: per room type, how many rooms are free on every night, " +
    "and per rate plan the nightly rate, stay total and whether it can be sold (Available, Restricted, " +
    "RestrictedDueToInventory = sold out, RestrictedDueToOccupancy).",
  annotations: { title: "Get hotel availability", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  touchesGuestData: false,
  input: Schema.Struct({
    hotelId: optional(HotelId),
    arrivalDate: optional(IsoDate.annotations({ description: "Arrival (YYYY-MM-DD); default today" })),
    departureDate: optional(IsoDate.annotations({ description: "Departure (YYYY-MM-DD); default the day after arrival" })),
    rooms: optional(Schema.Int.pipe(Schema.between(1, 9)).annotations({ description: "Rooms wanted (1–9, default 1)" })),
    adults: optional(Schema.Int.pipe(Schema.between(1, 8)).annotations({ description: "Adults per room (default 1)" })),
    children: optional(Schema.Int.pipe(Schema.between(0, 8)).annotations({ description: "Children per room (default 0)" })),
    roomTypes: optional(Schema.Array(RoomTypeCode).pipe(Schema.maxItems(20))),
    ratePlanCodes: optional(Schema.Array(RatePlanCode).pipe(Schema.maxItems(20))),
    onlyAvailable: optional(Schema.Boolean.annotations({
      description: "Only combinations that can be sold; OPERA answers 'no availability' when there are none"
    }))
  }).pipe(
    Schema.filter((input) =>
      input.arrivalDate === undefined || input.departureDate === undefined || input.departureDate > input.arrivalDate ||
      { path: ["departureDate"], message: "must be after arrivalDate" }
    )
  ),
  output: Schema.Struct({
    hotelId: Schema.String,
    arrivalDate: Schema.String,
    departureDate: Schema.String,
    nights: Schema.Number,
    roomTypes: Schema.Array(RoomTypeAvailability)
  }),
  facts: (input) => hotelFor(input.hotelId).pipe(Effect.map((hotelId) => ({ hotelId }))),
  handler: (input) =>
    Effect.gen(function*() {
      const client = yield* OperaClient
      const hotelId = yield* hotelFor(input.hotelId)
      const arrivalDate = input.arrivalDate ?? (yield* today)
      const departureDate = input.departureDate ?? plusDays(arrivalDate, 1)
      const body = yield* client.execute(
        availabilityRequest({
          hotelId,
          arrivalDate,
          departureDate,
          ...(input.rooms !== undefined ? { rooms: input.rooms } : {}),
          ...(input.adults !== undefined ? { adults: input.adults } : {}),
          ...(input.children !== undefined ? { children: input.children } : {}),
          ...(input.roomTypes !== undefined ? { roomTypes: input.roomTypes } : {}),
          ...(input.ratePlanCodes !== undefined ? { ratePlanCodes: input.ratePlanCodes } : {}),
          ...(input.onlyAvailable !== undefined ? { onlyAvailable: input.onlyAvailable } : {})
        }),
        GetHotelAvailabilityResponse
      )
      return { hotelId, arrivalDate, departureDate, nights: nightsBetween(arrivalDate, departureDate), roomTypes: availabilityByRoomType(body) }
    }),
  render: (result) =>
    [
      `Availability at ${result.hotelId}, ${result.arrivalDate} → ${result.departureDate} (${result.nights} night${result.nights === 1 ? "" : "s"})`,
      ...result.roomTypes.flatMap((type) => [
        `${type.roomType}${type.description !== undefined ? ` (${type.description})` : ""}: ` +
        `${type.available ?? "?"} free${type.physicalRooms !== undefined ? ` of ${type.physicalRooms}` : ""}`,
        ...type.rates.map((rate) =>
          `  ${rate.ratePlanCode} | ${amountText(rate.nightlyRate, rate.currencyCode) ?? "?"} per night | ` +
          `total ${amountText(rate.stayTotal, rate.currencyCode) ?? "?"} | ${rate.status}`
        )
      ])
    ].join("\n")
})
