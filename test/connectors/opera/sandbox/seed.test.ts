import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import fc from "fast-check"
import { addDays, isIsoDate } from "../../../../src/connectors/opera/sandbox/calendar.js"
import type { PropertySnapshot } from "../../../../src/connectors/opera/sandbox/property.js"
import { nightlyRate, roomInventory } from "../../../../src/connectors/opera/sandbox/property.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { defaultSeed, seedProperty } from "../../../../src/connectors/opera/sandbox/seed.js"
import { accessToken, callOhip } from "./helpers.js"

const day = 86_400_000
const may2026 = Date.UTC(2026, 4, 14, 9, 30)

const invariantProblems = (property: PropertySnapshot): ReadonlyArray<string> => {
  const problems: Array<string> = []
  for (const guest of property.guests.values()) {
    if (guest.email !== undefined && !/^[a-z.]+\d*@example\.(com|org)$/.test(guest.email)) problems.push(`email ${guest.email}`)
    if (guest.phone !== undefined && !/^\+1-555-01\d\d$/.test(guest.phone)) problems.push(`phone ${guest.phone}`)
  }
  const occupied = new Set<string>()
  for (const reservation of property.reservations.values()) {
    if (!isIsoDate(reservation.arrivalDate) || reservation.departureDate <= reservation.arrivalDate) {
      problems.push(`dates of ${reservation.reservationId}`)
    }
    if (!property.guests.has(reservation.profileId)) problems.push(`guest of ${reservation.reservationId}`)
    if (reservation.rateAmount !== nightlyRate(reservation.roomType, reservation.ratePlanCode)) problems.push(`rate of ${reservation.reservationId}`)
    if (reservation.roomId !== undefined && !roomInventory.some((room) => room.roomId === reservation.roomId && room.roomType === reservation.roomType)) {
      problems.push(`room of ${reservation.reservationId}`)
    }
    if (reservation.status === "InHouse") {
      if (reservation.roomId === undefined) problems.push(`in-house ${reservation.reservationId} has no room`)
      const key = `${reservation.hotelId}/${reservation.roomId}`
      if (occupied.has(key)) problems.push(`room ${key} holds two in-house stays`)
      occupied.add(key)
      if (!(reservation.arrivalDate < property.businessDate && reservation.departureDate >= property.businessDate)) {
        problems.push(`in-house ${reservation.reservationId} outside today`)
      }
    }
    if ((reservation.status === "Cancelled") !== (reservation.cancellation !== undefined)) problems.push(`cancellation of ${reservation.reservationId}`)
  }
  return problems
}

describe("the seeded property", () => {
  it("is the same for the same seed and day, and differs for another seed", () => {
    const first = seedProperty(defaultSeed, may2026)
    const second = seedProperty(defaultSeed, may2026 + 3_600_000)
    expect([...second.guests.values()]).toEqual([...first.guests.values()])
    expect([...second.reservations.values()]).toEqual([...first.reservations.values()])
    const other = seedProperty(defaultSeed + 1, may2026)
    expect([...other.guests.values()].map((guest) => guest.surname)).not.toEqual(
      [...first.guests.values()].map((guest) => guest.surname)
    )
  })

  it("is laid out around the Clock's date: arrivals today, in house, ahead, over, cancelled, no-shows", () => {
    const property = seedProperty(defaultSeed, may2026)
    expect(property.businessDate).toBe("2026-05-14")
    const primary = [...property.reservations.values()].filter((reservation) => reservation.hotelId === "SAND01")
    const count = (predicate: (reservation: typeof primary[number]) => boolean) => primary.filter(predicate).length
    expect(count((r) => r.status === "Reserved" && r.arrivalDate === "2026-05-14")).toBeGreaterThan(20)
    expect(count((r) => r.status === "InHouse")).toBeGreaterThan(30)
    expect(count((r) => r.status === "Reserved" && r.arrivalDate > "2026-05-14")).toBeGreaterThan(50)
    expect(count((r) => r.status === "CheckedOut" && r.departureDate < "2026-05-14")).toBeGreaterThan(30)
    expect(count((r) => r.status === "Cancelled")).toBeGreaterThan(5)
    expect(count((r) => r.status === "NoShow")).toBeGreaterThan(0)
    expect(new Set(primary.map((r) => r.roomType))).toEqual(new Set(["KING", "QUEEN", "DBL", "STE"]))
    expect(new Set(primary.map((r) => r.ratePlanCode))).toEqual(new Set(["BAR", "AAA", "CORP", "GOV", "PKG"]))
    const guests = [...property.guests.values()]
    expect(guests.filter((guest) => guest.registeredProperty === "SAND01").length).toBe(300)
    expect(guests.filter((guest) => guest.registeredProperty === "SAND02").length).toBeGreaterThan(10)
    expect(new Set(guests.map((guest) => guest.profileId)).size).toBe(guests.length)
    const confirmations = [...property.reservations.values()].map((r) => r.confirmationNumber)
    expect(new Set(confirmations).size).toBe(confirmations.length)
  })

  it("keeps its invariants and stays fictional for any seed and day", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 20_000 }), (seed, days) => {
        expect(invariantProblems(seedProperty(seed, days * day))).toEqual([])
      }),
      { numRuns: 25 }
    )
  })

  it.effect("a Sandbox seeds from its Clock and the same seed serves the same data", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(may2026)
      const read = Effect.gen(function*() {
        const sandbox = yield* Sandbox
        const token = yield* accessToken(sandbox)
        const answer = yield* callOhip(sandbox, token, "GET", `/rsv/v1/hotels/${sandbox.hotelId}/reservations`, {
          query: "?searchType=Arrival&limit=50"
        })
        return { businessDate: sandbox.businessDate, guests: sandbox.seededGuests, arrivals: answer.json.reservations }
      })
      const first = yield* read.pipe(Effect.provide(Sandbox.layer({ seed: 7 })))
      const second = yield* read.pipe(Effect.provide(Sandbox.layer({ seed: 7 })))
      expect(first.businessDate).toBe("2026-05-14")
      expect(second).toEqual(first)
      expect(first.arrivals.reservationInfo.every((row: any) => row.roomStay.arrivalDate === "2026-05-14")).toBe(true)
      const third = yield* read.pipe(Effect.provide(Sandbox.layer({ seed: 8 })))
      expect(third.guests).not.toEqual(first.guests)
      expect(addDays(first.businessDate, 1)).toBe("2026-05-15")
    }))
})
