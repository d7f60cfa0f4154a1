import { addDays, isoDateOf, isoDateTimeOf, nightsBetween } from "./calendar.js"
import { cancellationReasons, cities, emailDomains, givenNames, membershipLevels, streets, surnames, vipLevels } from "./names.js"
import type { GuestRecord, HotelInfo, PropertySnapshot, ReservationRecord, StoredReservationStatus } from "./property.js"
import {
  cancellationNumberFor,
  confirmationNumberFor,
  guaranteeCodes,
  nightlyRate,
  ratePlans,
  roomInventory,
  sourceCodes
} from "./property.js"

/** mulberry32: a small, well-mixed 32-bit PRNG; the same seed always yields the same property. */
export const makeRandom = (seed: number) => {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const pick = <A>(items: ReadonlyArray<A>): A => items[int(0, items.length - 1)] as A
  return { next, int, pick, chance: (probability: number) => next() < probability }
}
export type Random = ReturnType<typeof makeRandom>

export const defaultSeed = 20_250_501
export const primaryHotel: HotelInfo = { hotelId: "SAND01", hotelName: "Sandbox Harbour Hotel" }
export const secondaryHotel: HotelInfo = { hotelId: "SAND02", hotelName: "Sandbox Garden Inn" }

const dayMillis = 86_400_000
const firstProfileNumber = 100_001
const firstReservationNumber = 500_001

const makeGuest = (random: Random, profileNumber: number, hotelId: string, createdAt: string): GuestRecord => {
  const givenName = random.pick(givenNames)
  const surname = random.pick(surnames)
  const place = random.pick(cities)
  const local = `${givenName}.${surname}${profileNumber % 1000}`.toLowerCase()
  return {
    profileId: String(profileNumber),
    registeredProperty: hotelId,
    givenName,
    surname,
    email: random.chance(0.9) ? `${local}@${random.pick(emailDomains)}` : undefined,
    phone: random.chance(0.85) ? `+1-555-01${String(random.int(0, 99)).padStart(2, "0")}` : undefined,
    address: random.chance(0.8)
      ? {
        addressLine: `${random.int(1, 999)} ${random.pick(streets)}`,
        city: place.city,
        state: place.state,
        postalCode: place.postalCode,
        countryCode: place.countryCode,
        countryName: place.countryName
      }
      : undefined,
    language: "E",
    vip: random.chance(0.08) ? random.pick(vipLevels) : undefined,
    membership: random.chance(0.3)
      ? { type: "HGP", number: String(random.int(10_000_000, 99_999_999)), level: random.pick(membershipLevels) }
      : undefined,
    createdAt,
    modifiedAt: createdAt
  }
}

type StayKind = "arrivalToday" | "inHouse" | "future" | "past" | "cancelled" | "noShow"

const stayKind = (random: Random): StayKind => {
  const roll = random.next()
  if (roll < 0.15) return "arrivalToday"
  if (roll < 0.35) return "inHouse"
  if (roll < 0.7) return "future"
  if (roll < 0.9) return "past"
  if (roll < 0.97) return "cancelled"
  return "noShow"
}

const stayDates = (random: Random, kind: StayKind, today: string) => {
  const nights = random.int(1, 6)
  switch (kind) {
    case "arrivalToday":
      return { arrivalDate: today, departureDate: addDays(today, nights) }
    case "inHouse": {
      const arrivalDate = addDays(today, -random.int(1, 4))
      return { arrivalDate, departureDate: addDays(today, random.int(0, 4)) }
    }
    case "future":
    case "cancelled": {
      const arrivalDate = addDays(today, random.int(1, 90))
      return { arrivalDate, departureDate: addDays(arrivalDate, nights) }
    }
    case "past": {
      const departureDate = addDays(today, -random.int(1, 120))
      return { arrivalDate: addDays(departureDate, -nights), departureDate }
    }
    case "noShow": {
      const arrivalDate = addDays(today, -random.int(1, 10))
      return { arrivalDate, departureDate: addDays(arrivalDate, nights) }
    }
  }
}

const statusOf: Record<StayKind, StoredReservationStatus> = {
  arrivalToday: "Reserved",
  inHouse: "InHouse",
  future: "Reserved",
  past: "CheckedOut",
  cancelled: "Cancelled",
  noShow: "NoShow"
}

/**
 * Builds the seeded property relative to `nowMillis` (from Clock): a few
 * hundred guests at SAND01 and a handful at SAND02, each with stays that
 * arrive today, are in house, lie ahead, are over, were cancelled or no-showed.
 */
export const seedProperty = (seed: number, nowMillis: number): PropertySnapshot => {
  const random = makeRandom(seed)
  const today = isoDateOf(nowMillis)
  // Timestamps derive from the date, not the time of day, so a whole day seeds the same property.
  const midnight = Math.floor(nowMillis / dayMillis) * dayMillis
  const pastMoment = () => isoDateTimeOf(midnight - random.int(150, 600) * dayMillis + random.int(0, 86_399) * 1000)
  const guests = new Map<string, GuestRecord>()
  const reservations = new Map<string, ReservationRecord>()
  const occupiedRooms = new Set<string>()
  let profileNumber = firstProfileNumber
  let reservationNumber = firstReservationNumber

  const plan: ReadonlyArray<{ readonly hotelId: string; readonly guests: number }> = [
    { hotelId: primaryHotel.hotelId, guests: 300 },
    { hotelId: secondaryHotel.hotelId, guests: 24 }
  ]
  for (const { hotelId, guests: guestCount } of plan) {
    for (let index = 0; index < guestCount; index++) {
      const guest = makeGuest(random, profileNumber++, hotelId, pastMoment())
      guests.set(guest.profileId, guest)
      const stays = random.int(1, 2)
      for (let stay = 0; stay < stays; stay++) {
        let kind = stayKind(random)
        const room = random.pick(roomInventory)
        const inHouseRoom = kind === "inHouse" || (kind === "arrivalToday" && random.chance(0.4))
        const roomKey = `${hotelId}/${room.roomId}`
        if (inHouseRoom && occupiedRooms.has(roomKey)) kind = "future"
        const assigned = (kind === "inHouse" || kind === "arrivalToday") && inHouseRoom
        if (assigned) occupiedRooms.add(roomKey)
        const ratePlan = random.pick(ratePlans)
        const number = reservationNumber++
        const dates = stayDates(random, kind, today)
        const reason = random.pick(cancellationReasons)
        const createBusinessDate = addDays(dates.arrivalDate < today ? dates.arrivalDate : today, -random.int(1, 90))
        const createdAt = `${createBusinessDate}T${String(random.int(7, 22)).padStart(2, "0")}:${String(random.int(0, 59)).padStart(2, "0")}:00.000Z`
        const record: ReservationRecord = {
          reservationId: String(number),
          confirmationNumber: confirmationNumberFor(number),
          hotelId,
          profileId: guest.profileId,
          status: statusOf[kind],
          ...dates,
          roomType: room.roomType,
          roomId: assigned || kind === "past" ? room.roomId : undefined,
          ratePlanCode: ratePlan.code,
          rateAmount: nightlyRate(room.roomType, ratePlan.code) ?? 0,
          currencyCode: "USD",
          adults: random.int(1, 2),
          children: random.chance(0.2) ? random.int(1, 2) : 0,
          guaranteeCode: random.pick(guaranteeCodes),
          marketCode: ratePlan.marketCode,
          sourceCode: random.pick(sourceCodes),
          cancellation: kind === "cancelled"
            ? {
              number: cancellationNumberFor(number),
              ...reason,
              date: addDays(createBusinessDate, random.int(0, nightsBetween(createBusinessDate, today)))
            }
            : undefined,
          reinstateDate: undefined,
          createdAt,
          createBusinessDate,
          modifiedAt: createdAt
        }
        reservations.set(record.reservationId, record)
      }
    }
  }
  return {
    businessDate: today,
    hotels: [primaryHotel, secondaryHotel],
    guests,
    reservations,
    nextProfileNumber: profileNumber,
    nextReservationNumber: reservationNumber
  }
}
