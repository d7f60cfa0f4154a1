import type { CallOutcome } from "../../src/security/threat/model.js"
import type { ToolInfo } from "../../src/tools/ToolInfo.js"
import type { WorkloadCall } from "./frontDeskDay.js"
import { businessDayStart, hourMs, seededRandom, tools } from "./frontDeskDay.js"

const tool = (name: string, domain: ToolInfo["domain"], write: boolean, touchesGuestData: boolean): ToolInfo => ({
  name,
  domain,
  touchesGuestData,
  annotations: { title: name, readOnlyHint: !write, destructiveHint: false, idempotentHint: !write, openWorldHint: true }
})

/** The tools of the assistant workloads beyond the front desk's. */
export const assistantTools = {
  listArrivals: tool("list_arrivals", "front-desk", false, true),
  listInHouseGuests: tool("list_in_house_guests", "front-desk", false, true),
  listDepartures: tool("list_departures", "front-desk", false, true),
  getOccupancyReport: tool("get_occupancy_report", "front-desk", false, false),
  getDailyRevenue: tool("get_daily_revenue", "cashiering", false, false),
  searchBlocks: tool("search_blocks", "blocks", false, false),
  getBlock: tool("get_block", "blocks", false, false),
  pickUpBlockReservation: tool("pick_up_block_reservation", "blocks", true, true)
} as const

interface Builder {
  readonly calls: Array<WorkloadCall>
  readonly add: (at: number, toolInfo: ToolInfo, args: Record<string, unknown>, outcome: Partial<CallOutcome>) => void
  readonly random: () => number
}

const builder = (clientId: string, seed: number): Builder => {
  const calls: Array<WorkloadCall> = []
  const random = seededRandom(seed)
  return {
    calls,
    random,
    add: (at, toolInfo, args, outcome) =>
      calls.push({
        at: Math.round(at),
        clientId,
        tool: toolInfo,
        args,
        outcome: { success: true, durationMs: 150, args, ...outcome }
      })
  }
}

// Reservations of one day were booked over months: their ids are far apart in the property's sequence.
const spreadIds = (random: () => number, count: number, from: number) =>
  Array.from({ length: count }, (_, index) => String(from + index * 137 + Math.floor(random() * 100)))

/**
 * Preparing the day's arrivals: the assistant lists 55 arrivals (three pages)
 * and reads each reservation, and the profile of a dozen returning guests,
 * in about 30 seconds: 67 reads, bursts of a dozen calls a second.
 */
export const arrivalsPreparation = (options: { readonly start?: number; readonly clientId?: string } = {}) => {
  const { add, calls, random } = builder(options.clientId ?? "arrivals-assistant", 7)
  let at = options.start ?? businessDayStart + 12 * hourMs
  const reservations = spreadIds(random, 55, 700_000)
  const profiles = spreadIds(random, 55, 300_000)
  for (let page = 0; page < 3; page++) {
    const slice = { from: page * 20, to: page * 20 + 20 }
    add(at, assistantTools.listArrivals, { limit: 20, offset: slice.from }, {
      guestIds: profiles.slice(slice.from, slice.to),
      returnedIds: [...reservations.slice(slice.from, slice.to), ...profiles.slice(slice.from, slice.to)]
    })
    at += 800
  }
  reservations.forEach((reservationId, index) => {
    at += 250 + Math.floor(random() * 300)
    add(at, tools.getReservation, { reservationId }, { guestIds: [profiles[index]!], returnedIds: [reservationId, profiles[index]!] })
    if (index % 5 === 0) {
      add(at + 100, tools.getGuestProfile, { profileId: profiles[index]! }, {
        guestIds: [profiles[index]!],
        returnedIds: [profiles[index]!]
      })
    }
  })
  return calls.sort((a, b) => a.at - b.at)
}

/**
 * A night-audit summary at 02:00 (inside the default off-hours window): in-house
 * guests (9 pages), tomorrow's departures and arrivals, the folio of every
 * departure with an open balance, occupancy and revenue: about 50 calls in 4 minutes.
 */
export const nightAuditSummary = (options: { readonly start?: number; readonly clientId?: string } = {}) => {
  const { add, calls, random } = builder(options.clientId ?? "night-audit-assistant", 11)
  let at = options.start ?? businessDayStart + 2 * hourMs
  const inHouse = spreadIds(random, 170, 300_000)
  const departures = inHouse.slice(0, 60)
  const departureReservations = spreadIds(random, 60, 700_000)
  const pages = (toolInfo: ToolInfo, guests: ReadonlyArray<string>, reservations: ReadonlyArray<string>) => {
    for (let offset = 0; offset < guests.length; offset += 20) {
      add(at, toolInfo, { limit: 20, offset }, {
        guestIds: guests.slice(offset, offset + 20),
        returnedIds: [...guests.slice(offset, offset + 20), ...reservations.slice(offset, offset + 20)]
      })
      at += 1_500 + Math.floor(random() * 1_500)
    }
  }
  add(at, assistantTools.getOccupancyReport, {}, {})
  at += 2_000
  pages(assistantTools.listInHouseGuests, inHouse, spreadIds(random, 170, 710_000))
  pages(assistantTools.listDepartures, departures, departureReservations)
  pages(assistantTools.listArrivals, spreadIds(random, 50, 320_000), spreadIds(random, 50, 720_000))
  for (let index = 0; index < 22; index++) {
    at += 3_000 + Math.floor(random() * 6_000)
    const reservationId = departureReservations[index * 2]!
    add(at, tools.getFolio, { reservationId }, { guestIds: [departures[index * 2]!], returnedIds: [reservationId] })
  }
  add(at + 5_000, assistantTools.getDailyRevenue, {}, {})
  return calls.sort((a, b) => a.at - b.at)
}

/**
 * Picking up a group block: the assistant finds the block, reads its grid and
 * books the rooming list of 24 guests into it (same dates for all, consecutive
 * reservation ids), then reads back each new reservation. The organiser then
 * drops eight names: each cancellation goes through the token flow, whose first
 * answer asks for the confirmation (a step of the call, not a failure).
 */
export const groupBlockPickUp = (options: { readonly start?: number; readonly clientId?: string } = {}) => {
  const { add, calls, random } = builder(options.clientId ?? "groups-assistant", 13)
  let at = options.start ?? businessDayStart + 15 * hourMs
  add(at, assistantTools.searchBlocks, { name: "Harbour Dental Congress" }, { returnedIds: ["B4410"] })
  add(at += 3_000, assistantTools.getBlock, { blockId: "B4410" }, { returnedIds: ["B4410"] })
  const picked: Array<readonly [string, string]> = []
  for (let index = 0; index < 24; index++) {
    at += 2_000 + Math.floor(random() * 3_000)
    const reservationId = String(812_300 + index)
    const profileId = String(415_000 + index)
    picked.push([reservationId, profileId])
    const args = {
      blockId: "B4410",
      guest: { givenName: `Guest${index}`, surname: `Delegate${index}` },
      arrivalDate: "2026-04-20",
      departureDate: "2026-04-23",
      roomType: "KING",
      adults: 1
    }
    add(at, assistantTools.pickUpBlockReservation, args, {
      guestIds: [profileId],
      returnedIds: ["B4410", reservationId, profileId],
      reservationFacts: { arrival: "2026-04-20", departure: "2026-04-23", guestNameHash: `delegate-${index}` }
    })
  }
  for (const [reservationId, profileId] of picked) {
    at += 400 + Math.floor(random() * 400)
    add(at, tools.getReservation, { reservationId }, { guestIds: [profileId], returnedIds: [reservationId, profileId] })
  }
  for (const [reservationId] of picked.filter((_, index) => index % 3 === 1)) {
    const args = { reservationId, reasonCode: "GROUP_CHANGE" }
    add(at += 3_000, tools.cancelReservation, args, { success: false, errorTag: "ConfirmationRequired", failure: "refused", durationMs: 20 })
    add(at += 2_000, tools.cancelReservation, args, { returnedIds: [reservationId] })
  }
  add(at + 2_000, assistantTools.getBlock, { blockId: "B4410" }, { returnedIds: ["B4410"] })
  return calls.sort((a, b) => a.at - b.at)
}

/**
 * An enumeration attack: reservation ids tried one after another from a
 * guessed start, a call every 0.6–1 s; OPERA knows about a third of them.
 */
export const enumerationAttack = (options: { readonly start?: number; readonly clientId?: string; readonly calls?: number } = {}) => {
  const { add, calls, random } = builder(options.clientId ?? "enumerator", 99)
  let at = options.start ?? businessDayStart + 11 * hourMs
  for (let index = 0; index < (options.calls ?? 200); index++) {
    const reservationId = String(500_000 + index)
    const exists = random() < 0.35
    add(at, tools.getReservation, { reservationId }, exists
      ? { guestIds: [String(100_000 + index)], returnedIds: [reservationId] }
      : { success: false, errorTag: "OperaNotFound", failure: "not_found" })
    at += 600 + Math.floor(random() * 400)
  }
  return calls
}
