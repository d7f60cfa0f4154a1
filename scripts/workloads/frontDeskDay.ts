import type { CallOutcome } from "../../src/security/threat/model.js"
import type { ToolInfo } from "../../src/tools/ToolInfo.js"

/**
 * Scripted workloads for the ThreatMonitor: tool calls as data, in time order,
 * with the outcome the pipeline would record. A test replays them under
 * TestClock (`at` is epoch ms) and counts what the monitor flags.
 */
export interface WorkloadCall {
  readonly at: number
  readonly clientId: string
  readonly tool: ToolInfo
  readonly args: Readonly<Record<string, unknown>>
  readonly outcome: CallOutcome
}

/** 2026-03-14T00:00:00Z, a Saturday: the simulated business day. */
export const businessDayStart = 1_773_446_400_000
export const hourMs = 3_600_000

const tool = (
  name: string,
  domain: ToolInfo["domain"],
  kind: "read" | "write" | "destructive",
  touchesGuestData: boolean
): ToolInfo => ({
  name,
  domain,
  touchesGuestData,
  annotations: {
    title: name,
    readOnlyHint: kind === "read",
    destructiveHint: kind === "destructive",
    idempotentHint: kind === "read",
    openWorldHint: true
  }
})

/** The facts of the server's tools that the monitor decides on (names and annotations as in src/tools). */
export const tools = {
  searchReservations: tool("search_reservations", "reservations", "read", true),
  getReservation: tool("get_reservation", "reservations", "read", true),
  createReservation: tool("create_reservation", "reservations", "write", true),
  modifyReservation: tool("modify_reservation", "reservations", "write", true),
  cancelReservation: tool("cancel_reservation", "reservations", "destructive", false),
  searchGuests: tool("search_guests", "guests", "read", true),
  getGuestProfile: tool("get_guest_profile", "guests", "read", true),
  getFolio: tool("get_folio", "cashiering", "read", true),
  postCharge: tool("post_charge", "cashiering", "destructive", false),
  securityHealthCheck: tool("security_health_check", "security", "read", false),
  listHotels: tool("list_hotels", "security", "read", false)
} as const

/** mulberry32: a small seeded generator, so every run replays the same day. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

const surnames = ["Garcia", "Smith", "O'Brien", "Müller", "Rossi", "Dubois", "Tanaka", "Kowalski", "Silva", "Nguyen",
  "Smith-Jones", "Andersen", "Okafor", "Haddad", "Novak", "Lefèvre"]
const roomTypes = ["KING", "QUEEN", "TWIN", "SUITE"]
const ratePlans = [{ code: "BAR", amount: 180 }, { code: "CORP", amount: 150 }, { code: "AAA", amount: 165 }]

const isoDate = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10)

/**
 * A normal day at a 200-room hotel's front desk, seen by one assistant client:
 * departures listed and checked out in the morning, arrivals listed and
 * checked in in the afternoon, phone bookings, a conference group of eight
 * rooms for the same dates, changes and cancellations through the day, a few
 * typos and not-found ids, and a short night audit between 2 and 3 a.m.
 */
export const frontDeskDay = (options: { readonly seed?: number; readonly clientId?: string; readonly start?: number } = {}) => {
  const random = seededRandom(options.seed ?? 20260314)
  const clientId = options.clientId ?? "front-desk-assistant"
  const start = options.start ?? businessDayStart
  const today = isoDate(start)
  const calls: Array<WorkloadCall> = []
  let nextGuest = 100_000
  let nextReservation = 500_000
  const pick = <A>(items: ReadonlyArray<A>): A => items[Math.floor(random() * items.length)]!
  const between = (fromHour: number, toHour: number) => start + (fromHour + random() * (toHour - fromHour)) * hourMs
  const guest = () => `P${nextGuest++}`
  const reservation = () => `R${nextReservation++}`
  const ok = (extra: Partial<CallOutcome> = {}): CallOutcome => ({ success: true, durationMs: 120 + Math.floor(random() * 400), ...extra })
  const failedWith = (errorTag: "OperaNotFound" | "InvalidArguments"): CallOutcome => ({
    success: false,
    errorTag,
    failure: errorTag === "OperaNotFound" ? "not_found" : "refused",
    durationMs: 90
  })
  const add = (at: number, toolInfo: ToolInfo, args: Record<string, unknown>, outcome: CallOutcome) =>
    calls.push({ at: Math.round(at), clientId, tool: toolInfo, args, outcome })
  // A person reads the answer before the next step: 5–40 seconds.
  const pause = () => (5 + random() * 35) * 1000
  const maybeTypo = (at: number, toolInfo: ToolInfo, args: Record<string, unknown>) => {
    if (random() < 0.03) add(at - 8_000, toolInfo, args, failedWith(random() < 0.7 ? "OperaNotFound" : "InvalidArguments"))
  }

  // Lists of the day, 20 a page: departures at 6:45 (three pages), arrivals at 13:30 (four pages).
  const departures = Array.from({ length: 60 }, guest)
  const arrivals = Array.from({ length: 80 }, guest)
  departures.forEach((_, page) => page % 20 === 0 && add(start + 6.75 * hourMs + page * 3_000, tools.searchReservations,
    { departureFrom: today, departureTo: today, status: "DueOut" }, ok({ guestIds: departures.slice(page, page + 20) })))
  arrivals.forEach((_, page) => page % 20 === 0 && add(start + 13.5 * hourMs + page * 4_000, tools.searchReservations,
    { arrivalFrom: today, arrivalTo: today, status: "DueIn" }, ok({ guestIds: arrivals.slice(page, page + 20) })))

  for (const guestId of departures) {
    let at = between(7, 11.5)
    const reservationId = reservation()
    maybeTypo(at, tools.getReservation, { reservationId })
    add(at, tools.searchReservations, { surname: pick(surnames), status: "DueOut" }, ok({ guestIds: [guestId] }))
    add(at += pause(), tools.getFolio, { reservationId }, ok({ guestIds: [guestId] }))
    if (random() < 0.15) add(at += pause(), tools.postCharge, { reservationId, transactionCode: "MINIBAR", amount: 12.5 }, ok())
  }

  for (const guestId of arrivals) {
    let at = between(14, 20)
    const reservationId = reservation()
    add(at, tools.searchReservations, { surname: pick(surnames), arrivalFrom: today }, ok({ guestIds: [guestId] }))
    maybeTypo(at += pause(), tools.getGuestProfile, { profileId: guestId })
    if (random() < 0.6) add(at, tools.getGuestProfile, { profileId: guestId }, ok({ guestIds: [guestId] }))
    if (random() < 0.1) {
      add(at += pause(), tools.modifyReservation, { reservationId, roomType: pick(roomTypes) }, ok({ guestIds: [guestId] }))
    }
  }

  const booking = (at: number, arrival: string, departure: string, nameHash: string, discount: number) => {
    const plan = pick(ratePlans)
    const rateAmount = discount > 0 ? Math.round(plan.amount * (1 - discount)) : undefined
    const args = {
      guest: { profileId: guest() },
      arrivalDate: arrival,
      departureDate: departure,
      roomType: pick(roomTypes),
      ratePlanCode: plan.code,
      adults: 1 + Math.floor(random() * 2),
      ...(rateAmount !== undefined ? { rateAmount } : {})
    }
    add(at, tools.createReservation, args, ok({
      guestIds: [args.guest.profileId],
      reservationFacts: {
        arrival,
        departure,
        guestNameHash: nameHash,
        ...(rateAmount !== undefined ? { rateAmount, ratePlanAmount: plan.amount } : {})
      }
    }))
  }

  // Phone bookings, some at a negotiated rate up to 15% off.
  for (let i = 0; i < 25; i++) {
    const at = between(8, 22)
    const arrivalAt = start + (1 + Math.floor(random() * 60)) * 24 * hourMs
    const surname = pick(surnames)
    add(at, tools.searchGuests, { surname }, ok({ guestIds: Array.from({ length: 1 + Math.floor(random() * 4) }, guest) }))
    const nights = 1 + Math.floor(random() * 4)
    booking(at + pause(), isoDate(arrivalAt), isoDate(arrivalAt + nights * 24 * hourMs), `name-${i}`,
      random() < 0.2 ? random() * 0.15 : 0)
  }

  // A conference group: eight rooms for the same dates, booked one after another.
  for (let i = 0; i < 8; i++) booking(start + 11 * hourMs + i * 70_000, "2026-04-20", "2026-04-23", `group-${i}`, 0)

  for (let i = 0; i < 12; i++) {
    const at = between(9, 21)
    const reservationId = reservation()
    add(at, tools.getReservation, { reservationId }, ok({ guestIds: [guest()] }))
    const plan = pick(ratePlans)
    const rateAmount = random() < 0.3 ? Math.round(plan.amount * (0.9 + random() * 0.2)) : undefined
    add(at + pause(), tools.modifyReservation, {
      reservationId,
      departureDate: "2026-03-18",
      ...(rateAmount !== undefined ? { rateAmount } : {})
    }, ok(rateAmount !== undefined ? { reservationFacts: { rateAmount, ratePlanAmount: plan.amount } } : {}))
  }

  for (let i = 0; i < 10; i++) {
    const at = between(9, 20)
    const reservationId = reservation()
    add(at, tools.searchReservations, { confirmationNumber: `C${reservationId}` }, ok({ guestIds: [guest()] }))
    add(at + pause(), tools.cancelReservation, { reservationId, reasonCode: "GUEST_REQUEST" }, ok({
      reservationFacts: { arrival: isoDate(start + (2 + i) * 24 * hourMs), departure: isoDate(start + (4 + i) * 24 * hourMs) }
    }))
  }

  // Night audit: tomorrow's arrivals (two pages), a health check, the hotel list.
  const tomorrow = isoDate(start + 24 * hourMs)
  add(start + 2 * hourMs, tools.listHotels, {}, ok())
  add(start + 2 * hourMs + 60_000, tools.securityHealthCheck, {}, ok())
  for (let page = 0; page < 2; page++) {
    add(start + 2.1 * hourMs + page * 20_000, tools.searchReservations, { arrivalFrom: tomorrow, arrivalTo: tomorrow },
      ok({ guestIds: Array.from({ length: 20 }, guest) }))
  }

  return calls.sort((a, b) => a.at - b.at)
}
