import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option, Schema } from "effect"
import type { OperaRequest } from "../../../../src/connectors/opera/client/OperaRequest.js"
import { requestPath } from "../../../../src/connectors/opera/client/OperaRequest.js"
import {
  cancellationFromDetails,
  cancelReservation,
  CancelReservationResponse,
  createdReservationId,
  createReservation,
  CreateReservationResponse,
  getReservation,
  GetReservationResponse,
  modifyReservation,
  ModifyReservationResponse,
  pingReservationService,
  PingReservationServiceResponse,
  reinstateReservation,
  ReinstateReservationResponse,
  reservationFromEnvelope,
  reservationsFromSearch,
  searchReservations,
  SearchReservationsResponse
} from "../../../../src/connectors/opera/client/reservations.js"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, describeErrors, findOperation, requestBodyErrors, requestProblems, send } from "../sandbox/helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

/** Sends a built request and decodes the answer with the module's Schema, as OperaClient.execute does. */
const execute = <A, I>(sandbox: Sandbox, token: string, request: OperaRequest, response: Schema.Schema<A, I>) =>
  send(sandbox, token, request).pipe(
    Effect.tap((answer) => expect(answer.status, answer.text).toBeLessThan(300)),
    Effect.flatMap((answer) => Schema.decodeUnknown(response)(answer.json ?? {})),
    Effect.orDie
  )

const expectConformant = (request: OperaRequest) => {
  expect(requestProblems(request)).toEqual([])
  if (request.body !== undefined) {
    expect(describeErrors(requestBodyErrors(request.module, request.operationId, request.body))).toBe("No errors")
  }
}

describe("reservation request builders", () => {
  it("build requests that match rsv.json: method, path, declared query parameters, body definition", () => {
    const hotelId = "SAND01"
    const requests = [
      searchReservations({
        hotelId, arrivalFrom: "2026-05-01", arrivalTo: "2026-05-31", departureFrom: "2026-05-02", departureTo: "2026-06-30",
        stayOn: "2026-05-10", surname: "Marlowe", givenName: "Ines", confirmationNumber: "80012345", reservationId: "500001",
        profileId: "100001", roomNumber: "101", statuses: ["DueIn", "InHouse"], searchType: "Arrival", limit: 20, offset: 40
      }),
      getReservation({ hotelId, reservationId: "500001" }),
      createReservation({
        hotelId, arrivalDate: "2026-05-10", departureDate: "2026-05-12", roomType: "KING", ratePlanCode: "BAR", adults: 2,
        children: 1, guest: { profileId: "100001" }, guaranteeCode: "CC", rateAmount: 199, currencyCode: "USD"
      }),
      createReservation({
        hotelId, arrivalDate: "2026-05-10", departureDate: "2026-05-12", roomType: "KING", ratePlanCode: "BAR", adults: 1,
        guest: { givenName: "Ines", surname: "Marlowe" }
      }),
      modifyReservation({
        hotelId, reservationId: "500001", arrivalDate: "2026-05-11", departureDate: "2026-05-14", roomType: "STE",
        ratePlanCode: "CORP", adults: 2, children: 0, rateAmount: 300, currencyCode: "USD", roomNumber: "128"
      }),
      cancelReservation({ hotelId, reservationId: "500001", reasonCode: "WEATHER", reasonDescription: "Storm", verificationOnly: true }),
      reinstateReservation({ hotelId, reservationId: "500001" }),
      pingReservationService(hotelId)
    ]
    for (const request of requests) {
      expectConformant(request)
      expect(request.hotelId).toBe(hotelId)
    }
    expect(requests.map((request) => request.operationId)).toEqual([
      "getHotelReservations", "getReservation", "postReservation", "postReservation", "putReservation",
      "postCancelReservation", "putReinstateReservation", "pingReservationService"
    ])
  })

  it("send only what was asked for", () => {
    expect(searchReservations({ hotelId: "SAND01" }).query).toEqual({})
    const change = modifyReservation({ hotelId: "SAND01", reservationId: "9", departureDate: "2026-05-14" })
    expect(change.body).toEqual({
      reservations: [{ reservationIdList: [{ id: "9", type: "Reservation" }], roomStay: { departureDate: "2026-05-14" }, hotelId: "SAND01" }]
    })
    expect(cancelReservation({ hotelId: "SAND01", reservationId: "9" }).body).toEqual({
      reservations: [{ reservationIdList: [{ id: "9", type: "Reservation" }], hotelId: "SAND01" }]
    })
  })

  it("keep ids inside their path segment", () => {
    const request = getReservation({ hotelId: "SAND01", reservationId: "../../crm/v1/profiles" })
    expect(requestPath(request)).toBe("/rsv/v1/hotels/SAND01/reservations/..%2F..%2Fcrm%2Fv1%2Fprofiles")
  })
})

describe("reservation decoders", () => {
  it("decode Oracle's getReservation example and map it", () => {
    const example = findOperation("rsv", "getReservation").operation.responses["200"].examples["application/json"]
    const decoded = Schema.decodeUnknownSync(GetReservationResponse)(example)
    expect(Option.getOrThrow(reservationFromEnvelope(decoded))).toEqual({
      reservationId: "571062",
      confirmationNumber: "813595",
      hotelId: "HOTEL1",
      status: "Reserved",
      guest: { profileId: "687128", name: "Jennifer Clarke" },
      arrivalDate: "2020-01-13",
      departureDate: "2020-01-14"
    })
  })

  it("reject bodies of the wrong shape, and tolerate unknown fields", () => {
    expect(Either.isLeft(Schema.decodeUnknownEither(GetReservationResponse)({ reservations: { reservation: {} } }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(SearchReservationsResponse)({ reservations: { totalResults: "many" } }))).toBe(true)
    const tolerant = Schema.decodeUnknownSync(GetReservationResponse)({ futureField: 1, reservations: { reservation: [{ newThing: true }] } })
    expect(Option.isNone(reservationFromEnvelope(tolerant))).toBe(true)
  })
})

describe("reservations against the live sandbox", () => {
  it.effect("search today's arrivals and page through them", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const today = sandbox.businessDate
      const first = reservationsFromSearch(yield* execute(sandbox, token,
        searchReservations({ hotelId: sandbox.hotelId, arrivalFrom: today, arrivalTo: today, limit: 5 }), SearchReservationsResponse))
      expect(first.reservations.length).toBe(5)
      expect(first.paging).toMatchObject({ offset: 0, limit: 5, hasMore: true, count: 5 })
      expect(first.reservations.every((reservation) => reservation.arrivalDate === today)).toBe(true)
      expect(first.reservations.every((reservation) => reservation.guest.name !== undefined && reservation.rate !== undefined)).toBe(true)
      const second = reservationsFromSearch(yield* execute(sandbox, token,
        searchReservations({ hotelId: sandbox.hotelId, arrivalFrom: today, arrivalTo: today, limit: 5, offset: 5 }), SearchReservationsResponse))
      expect(second.paging.totalResults).toBe(first.paging.totalResults)
      const ids = [...first.reservations, ...second.reservations].map((reservation) => reservation.reservationId)
      expect(new Set(ids).size).toBe(ids.length)
    })))

  it.effect("book, read, change, cancel and reinstate through the builders", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const guest = sandbox.seededGuests[5]!
      const arrivalDate = addDays(sandbox.businessDate, 20)
      const created = yield* execute(sandbox, token, createReservation({
        hotelId: sandbox.hotelId, arrivalDate, departureDate: addDays(arrivalDate, 2), roomType: "QUEEN", ratePlanCode: "AAA",
        adults: 2, guest: { profileId: guest.profileId }
      }), CreateReservationResponse)
      const reservationId = Option.getOrThrow(createdReservationId(created))

      const read = Option.getOrThrow(reservationFromEnvelope(yield* execute(sandbox, token,
        getReservation({ hotelId: sandbox.hotelId, reservationId }), GetReservationResponse)))
      expect(read).toMatchObject({
        reservationId,
        hotelId: sandbox.hotelId,
        status: "Reserved",
        guest: { profileId: guest.profileId, name: `${guest.givenName} ${guest.surname}` },
        arrivalDate,
        departureDate: addDays(arrivalDate, 2),
        roomType: "QUEEN",
        ratePlanCode: "AAA",
        rate: { amount: Math.round(199 * 0.9), currencyCode: "USD" },
        totalAmount: { amount: Math.round(199 * 0.9) * 2, currencyCode: "USD" },
        adults: 2,
        children: 0
      })
      expect(read.confirmationNumber).toMatch(/^\d+$/)

      const changed = Option.getOrThrow(reservationFromEnvelope(yield* execute(sandbox, token,
        modifyReservation({ hotelId: sandbox.hotelId, reservationId, departureDate: addDays(arrivalDate, 4), roomType: "DBL", children: 1 }),
        ModifyReservationResponse)))
      expect(changed).toMatchObject({ departureDate: addDays(arrivalDate, 4), roomType: "DBL", ratePlanCode: "AAA", adults: 2, children: 1 })

      const cancelled = Option.getOrThrow(cancellationFromDetails(yield* execute(sandbox, token,
        cancelReservation({ hotelId: sandbox.hotelId, reservationId, reasonCode: "CHGPLANS" }), CancelReservationResponse)))
      expect(cancelled).toMatchObject({ reservationId, status: "Cancelled", reasonCode: "CHGPLANS" })
      expect(cancelled.cancellationNumber).toMatch(/^\d+$/)
      const afterCancel = Option.getOrThrow(reservationFromEnvelope(yield* execute(sandbox, token,
        getReservation({ hotelId: sandbox.hotelId, reservationId }), GetReservationResponse)))
      expect([afterCancel.status, afterCancel.cancellationNumber]).toEqual(["Cancelled", cancelled.cancellationNumber])

      yield* execute(sandbox, token, reinstateReservation({ hotelId: sandbox.hotelId, reservationId }), ReinstateReservationResponse)
      const afterReinstate = Option.getOrThrow(reservationFromEnvelope(yield* execute(sandbox, token,
        getReservation({ hotelId: sandbox.hotelId, reservationId }), GetReservationResponse)))
      expect(afterReinstate.status).toBe("Reserved")
    })))

  it.effect("book for a new guest by name, and ping", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const created = yield* execute(sandbox, token, createReservation({
        hotelId: sandbox.hotelId, arrivalDate: sandbox.businessDate, departureDate: addDays(sandbox.businessDate, 1),
        roomType: "KING", ratePlanCode: "PKG", adults: 1, guest: { givenName: "Odile", surname: "Fairweather" }, rateAmount: 250
      }), CreateReservationResponse)
      const summary = Option.getOrThrow(reservationFromEnvelope(created))
      expect(summary).toMatchObject({ computedStatus: "DueIn", guest: { name: "Odile Fairweather" }, rate: { amount: 250 } })
      const version = yield* execute(sandbox, token, pingReservationService(sandbox.hotelId), PingReservationServiceResponse)
      expect(version.operaVersion).toBe("25.5.0.0")
    })))
})
