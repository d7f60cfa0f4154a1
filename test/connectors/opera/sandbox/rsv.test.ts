import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { addDays } from "../../../../src/connectors/opera/sandbox/calendar.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import {
  accessToken,
  callOhip,
  definitionErrors,
  describeErrors,
  findOperation,
  http,
  requestBodyErrors,
  responseErrors
} from "./helpers.js"

const withSandbox = <A, E>(effect: Effect.Effect<A, E, Sandbox>) => effect.pipe(Effect.provide(Sandbox.layer()))

const reservations = (sandbox: Sandbox, suffix = "") => `/rsv/v1/hotels/${sandbox.hotelId}/reservations${suffix}`

const expectValid = (operationId: string, status: number, answer: { readonly status: number; readonly json: unknown }) => {
  expect(answer.status).toBe(status)
  expect(describeErrors(responseErrors("rsv", operationId, status, answer.json))).toBe("No errors")
}

const expectError = (answer: { readonly status: number; readonly json: any }, status: number, code?: string) => {
  expect(answer.status).toBe(status)
  expect(describeErrors(definitionErrors("rsv", "exceptionDetailType", answer.json))).toBe("No errors")
  if (code !== undefined) expect(answer.json["o:errorCode"]).toBe(code)
}

const newReservation = (sandbox: Sandbox, profileId: string) => ({
  reservations: {
    reservation: [{
      roomStay: {
        roomRates: [{ roomType: "KING", ratePlanCode: "BAR", start: addDays(sandbox.businessDate, 10), end: addDays(sandbox.businessDate, 13) }],
        guestCounts: { adults: 2, children: 0 },
        arrivalDate: addDays(sandbox.businessDate, 10),
        departureDate: addDays(sandbox.businessDate, 13)
      },
      reservationGuests: [{ profileInfo: { profileIdList: [{ id: profileId, type: "Profile" }] }, primary: true }],
      hotelId: sandbox.hotelId
    }]
  }
})

describe("rsv: getHotelReservations", () => {
  it.effect("finds today's arrivals, shaped as reservationsDetails", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const today = sandbox.businessDate
      const answer = yield* callOhip(sandbox, token, "GET", reservations(sandbox), {
        query: `?arrivalStartDate=${today}&arrivalEndDate=${today}&limit=200`
      })
      expectValid("getHotelReservations", 200, answer)
      const rows: Array<any> = answer.json.reservations.reservationInfo
      expect(rows.length).toBeGreaterThan(10)
      expect(rows.every((row) => row.roomStay.arrivalDate === today)).toBe(true)
      expect(rows.some((row) => row.computedReservationStatus === "DueIn")).toBe(true)
    })))

  it.effect("pages with limit/offset: pages are disjoint, cover totalResults, and hasMore ends", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const seen: Array<string> = []
      let offset = 0
      let total = -1
      for (;;) {
        const page = (yield* callOhip(sandbox, token, "GET", reservations(sandbox), {
          query: `?searchType=InHouse&limit=7&offset=${offset}`
        })).json.reservations
        total = page.totalResults
        expect(page.count).toBe(page.reservationInfo.length)
        expect(page.limit).toBe(7)
        seen.push(...page.reservationInfo.map((row: any) => row.reservationIdList[0].id))
        if (!page.hasMore) break
        offset += 7
      }
      expect(total).toBeGreaterThan(14)
      expect(seen.length).toBe(total)
      expect(new Set(seen).size).toBe(total)
    })))

  it.effect("filters by surname, confirmation number, status and hotel", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const guest = sandbox.seededGuests.find((entry) => entry.registeredProperty === sandbox.hotelId)!
      const bySurname = (yield* callOhip(sandbox, token, "GET", reservations(sandbox), {
        query: `?surname=${guest.surname.slice(0, 4).toUpperCase()}&limit=200`
      })).json.reservations.reservationInfo as Array<any>
      expect(bySurname.length).toBeGreaterThan(0)
      expect(bySurname.every((row) => row.reservationGuest.surname.startsWith(guest.surname.slice(0, 4)))).toBe(true)

      const one = bySurname[0]
      const confirmation = one.reservationIdList.find((id: any) => id.type === "Confirmation").id
      const byConfirmation = (yield* callOhip(sandbox, token, "GET", reservations(sandbox), {
        query: `?confirmationNumberList=${confirmation}`
      })).json.reservations
      expect(byConfirmation.totalResults).toBe(1)
      expect(byConfirmation.reservationInfo[0].reservationIdList[0].id).toBe(one.reservationIdList[0].id)

      const cancelled = (yield* callOhip(sandbox, token, "GET", reservations(sandbox), {
        query: "?reservationStatuses=Cancelled&limit=200"
      })).json.reservations.reservationInfo as Array<any>
      expect(cancelled.length).toBeGreaterThan(0)
      expect(cancelled.every((row) => row.reservationStatus === "Cancelled" && row.cancellationInfo !== undefined)).toBe(true)

      const other = (yield* callOhip(sandbox, token, "GET", `/rsv/v1/hotels/${sandbox.otherHotelId}/reservations`, {
        hotelId: sandbox.otherHotelId,
        query: "?limit=200"
      })).json.reservations.reservationInfo as Array<any>
      expect(other.length).toBeGreaterThan(0)
      expect(other.every((row) => row.hotelId === sandbox.otherHotelId)).toBe(true)
    })))

  it.effect("answers 400 naming the parameter, without echoing the value", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      for (const [query, parameter] of [
        ["?limit=Ashcombe", "limit"],
        ["?arrivalStartDate=2025-02-30", "arrivalStartDate"],
        ["?reservationStatuses=Whitlock", "reservationStatuses"]
      ] as const) {
        const answer = yield* callOhip(sandbox, token, "GET", reservations(sandbox), { query })
        expectError(answer, 400)
        expect(answer.json.detail).toContain(parameter)
        expect(answer.text).not.toMatch(/Ashcombe|2025-02-30|Whitlock/)
      }
    })))
})

describe("rsv: a reservation's life", () => {
  it.effect("create → get → modify → cancel → get cancelled → cancel again fails → reinstate", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const profileId = sandbox.seededGuests[0]!.profileId
      const body = newReservation(sandbox, profileId)
      expect(describeErrors(requestBodyErrors("rsv", "postReservation", body))).toBe("No errors")

      const created = yield* callOhip(sandbox, token, "POST", reservations(sandbox), { body })
      expectValid("postReservation", 201, created)
      const reservation = created.json.reservations.reservation[0]
      const reservationId: string = reservation.reservationIdList.find((id: any) => id.type === "Reservation").id
      expect(created.headers.get("location")).toBe(`${sandbox.baseUrl}${reservations(sandbox, `/${reservationId}`)}`)
      expect(reservation.roomStay.total.amountBeforeTax).toBe(229 * 3)

      const fetched = yield* callOhip(sandbox, token, "GET", reservations(sandbox, `/${reservationId}`))
      expectValid("getReservation", 200, fetched)
      expect(fetched.json.reservations.reservation[0].reservationStatus).toBe("Reserved")
      expect(fetched.json.reservations.reservation[0].reservationGuests[0].profileInfo.profileIdList[0].id).toBe(profileId)

      const change = {
        reservations: [{
          reservationIdList: [{ id: reservationId, type: "Reservation" }],
          roomStay: {
            arrivalDate: addDays(sandbox.businessDate, 11),
            departureDate: addDays(sandbox.businessDate, 15),
            roomRates: [{ roomType: "STE", ratePlanCode: "CORP" }],
            guestCounts: { adults: 2, children: 1 }
          }
        }]
      }
      expect(describeErrors(requestBodyErrors("rsv", "putReservation", change))).toBe("No errors")
      const modified = yield* callOhip(sandbox, token, "PUT", reservations(sandbox, `/${reservationId}`), { body: change })
      expectValid("putReservation", 200, modified)
      const stay = modified.json.reservations.reservation[0].roomStay
      expect([stay.arrivalDate, stay.departureDate, stay.roomRates[0].roomType, stay.guestCounts.children]).toEqual([
        addDays(sandbox.businessDate, 11), addDays(sandbox.businessDate, 15), "STE", 1
      ])
      expect(stay.roomRates[0].rates.rate[0].base.amountBeforeTax).toBe(Math.round(449 * 0.85))

      const cancelBody = {
        reason: { code: "CHGPLANS", description: "Change of plans" },
        reservations: [{ reservationIdList: [{ id: reservationId, type: "Reservation" }], hotelId: sandbox.hotelId }]
      }
      expect(describeErrors(requestBodyErrors("rsv", "postCancelReservation", cancelBody))).toBe("No errors")
      const cancelled = yield* callOhip(sandbox, token, "POST", reservations(sandbox, `/${reservationId}/cancellations`), { body: cancelBody })
      expectValid("postCancelReservation", 201, cancelled)
      const cancellationNumber = cancelled.json.reservations[0].reservationIdList.find((id: any) => id.type === "Cancellation").id
      expect(cancellationNumber).toMatch(/^\d+$/)

      const afterCancel = (yield* callOhip(sandbox, token, "GET", reservations(sandbox, `/${reservationId}`))).json
      expect(afterCancel.reservations.reservation[0].reservationStatus).toBe("Cancelled")
      expect(afterCancel.reservations.reservation[0].cancellation.cancellationNo.id).toBe(cancellationNumber)

      const again = yield* callOhip(sandbox, token, "POST", reservations(sandbox, `/${reservationId}/cancellations`), { body: cancelBody })
      expectError(again, 400, "RESERVATION_ALREADY_CANCELLED")
      const changeCancelled = yield* callOhip(sandbox, token, "PUT", reservations(sandbox, `/${reservationId}`), { body: change })
      expectError(changeCancelled, 400, "RESERVATION_CANCELLED")

      const reinstateBody = { hotelId: sandbox.hotelId, reservationIdList: [{ id: reservationId, type: "Reservation" }] }
      expect(describeErrors(requestBodyErrors("rsv", "putReinstateReservation", reinstateBody))).toBe("No errors")
      const reinstated = yield* callOhip(sandbox, token, "PUT", reservations(sandbox, `/${reservationId}/cancellations`), { body: reinstateBody })
      expectValid("putReinstateReservation", 200, reinstated)
      const afterReinstate = (yield* callOhip(sandbox, token, "GET", reservations(sandbox, `/${reservationId}`))).json
      expect(afterReinstate.reservations.reservation[0].reservationStatus).toBe("Reserved")
      const twice = yield* callOhip(sandbox, token, "PUT", reservations(sandbox, `/${reservationId}/cancellations`), { body: reinstateBody })
      expectError(twice, 400, "RESERVATION_NOT_CANCELLED")
    })))

  it.effect("an in-house reservation cannot be cancelled, nor its arrival moved", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const inHouse = (yield* callOhip(sandbox, token, "GET", reservations(sandbox), { query: "?searchType=InHouse&limit=1" }))
        .json.reservations.reservationInfo[0]
      const id = inHouse.reservationIdList[0].id
      const cancel = yield* callOhip(sandbox, token, "POST", reservations(sandbox, `/${id}/cancellations`), { body: {} })
      expectError(cancel, 400, "RESERVATION_IN_HOUSE")
      const move = yield* callOhip(sandbox, token, "PUT", reservations(sandbox, `/${id}`), {
        body: { reservations: [{ roomStay: { arrivalDate: addDays(sandbox.businessDate, 3) } }] }
      })
      expectError(move, 400, "RESERVATION_IN_HOUSE")
    })))

  it.effect("Oracle's own postReservation example books, numbers as strings and all", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const parameter = findOperation("rsv", "postReservation").parameters.find((entry: any) => entry.in === "body")
      const example = structuredClone(parameter.schema.allOf[1].example)
      const arrival = addDays(sandbox.businessDate, 5)
      const departure = addDays(sandbox.businessDate, 6)
      const booking = example.reservations.reservation[0]
      Object.assign(booking, { hotelId: sandbox.hotelId })
      Object.assign(booking.roomStay, { arrivalDate: arrival, departureDate: departure })
      Object.assign(booking.roomStay.roomRates[0], { roomType: "QUEEN", ratePlanCode: "AAA", start: arrival, end: departure })
      const created = yield* callOhip(sandbox, token, "POST", reservations(sandbox), { body: example })
      expectValid("postReservation", 201, created)
      const guest = created.json.reservations.reservation[0].reservationGuests[0].profileInfo.profile.customer.personName[0]
      expect([guest.givenName, guest.surname]).toEqual(["Ben", "Smith"])
      expect(created.json.reservations.reservation[0].roomStay.roomRates[0].rates.rate[0].base.amountBeforeTax).toBe(200)
    })))

  it.effect("Oracle's own postCancelReservation example cancels, once pointed at a real reservation", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const upcoming = ((yield* callOhip(sandbox, token, "GET", reservations(sandbox), {
        query: `?arrivalStartDate=${addDays(sandbox.businessDate, 1)}&limit=200`
      })).json.reservations.reservationInfo as Array<any>).find((row) => row.reservationStatus === "Reserved")
      const id = upcoming.reservationIdList[0].id
      const parameter = findOperation("rsv", "postCancelReservation").parameters.find((entry: any) => entry.in === "body")
      const example = structuredClone(parameter.schema.allOf[1].example)
      example.reservations[0].reservationIdList[0].id = id
      example.reservations[0].hotelId = sandbox.hotelId
      const cancelled = yield* callOhip(sandbox, token, "POST", reservations(sandbox, `/${id}/cancellations`), { body: example })
      expectValid("postCancelReservation", 201, cancelled)
      expect(cancelled.json.reservations[0].cancellationInfo).toMatchObject({ code: "WEATHER" })
    })))

  it.effect("refuses bad bookings with actionable 4xx errors", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const profileId = sandbox.seededGuests[0]!.profileId
      const reservationsBefore = (yield* sandbox.snapshot).reservations.size
      const base = newReservation(sandbox, profileId)
      const stay = base.reservations.reservation[0]!.roomStay
      const variant = (roomStay: object, guestId = profileId) => ({
        reservations: { reservation: [{ ...newReservation(sandbox, guestId).reservations.reservation[0], roomStay: { ...stay, ...roomStay } }] }
      })
      expectError(yield* callOhip(sandbox, token, "POST", reservations(sandbox), {
        body: variant({ departureDate: addDays(sandbox.businessDate, 9) })
      }), 400, "INVALID_STAY_DATES")
      expectError(yield* callOhip(sandbox, token, "POST", reservations(sandbox), {
        body: variant({ arrivalDate: addDays(sandbox.businessDate, -3) })
      }), 400, "DATE_IN_PAST")
      expectError(yield* callOhip(sandbox, token, "POST", reservations(sandbox), {
        body: variant({ roomRates: [{ roomType: "PENTHOUSE", ratePlanCode: "BAR" }] })
      }), 400, "INVALID_ROOM_TYPE")
      expectError(yield* callOhip(sandbox, token, "POST", reservations(sandbox), {
        body: variant({ guestCounts: { adults: 4, children: 2 } })
      }), 400, "MAX_OCCUPANCY_EXCEEDED")
      expectError(yield* callOhip(sandbox, token, "POST", reservations(sandbox), { body: variant({}, "999999999") }), 404)
      const wrongShape = yield* callOhip(sandbox, token, "POST", reservations(sandbox), { body: { reservations: [] } })
      expectError(wrongShape, 400)
      expect(wrongShape.json.detail).toContain("createReservation")
      expect(wrongShape.json.detail).toContain("reservations")
      expectError(yield* callOhip(sandbox, token, "POST", reservations(sandbox), {
        body: "x",
        headers: { "content-type": "text/plain" }
      }), 415)
      const invalidJson = yield* http(`${sandbox.baseUrl}${reservations(sandbox)}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "x-app-key": Redacted.value(sandbox.credentials.appKey),
          "x-hotelid": sandbox.hotelId,
          "content-type": "application/json"
        },
        body: "{\"reservations\": "
      })
      expectError(invalidJson, 400)
      expect(invalidJson.json.detail).toContain("not valid JSON")
      expectError(yield* callOhip(sandbox, token, "POST", reservations(sandbox), { headers: { "content-type": "application/json" } }), 400)
      expect((yield* sandbox.snapshot).reservations.size).toBe(reservationsBefore)
    })))

  it.effect("404 for an unknown reservation and for another hotel's reservation", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      expectError(yield* callOhip(sandbox, token, "GET", reservations(sandbox, "/123")), 404)
      const theirs = [...(yield* sandbox.snapshot).reservations.values()].find((entry) => entry.hotelId === sandbox.otherHotelId)!
      expectError(yield* callOhip(sandbox, token, "GET", reservations(sandbox, `/${theirs.reservationId}`)), 404)
      const own = yield* callOhip(sandbox, token, "GET", `/rsv/v1/hotels/${sandbox.otherHotelId}/reservations/${theirs.reservationId}`, {
        hotelId: sandbox.otherHotelId
      })
      expectValid("getReservation", 200, own)
    })))

  it.effect("pingReservationService answers operaVersion", () =>
    withSandbox(Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      const answer = yield* callOhip(sandbox, token, "GET", "/rsv/v1/services/reservations/status")
      expectValid("pingReservationService", 200, answer)
      expect(answer.json.operaVersion).toBe("25.5.0.0")
    })))
})
