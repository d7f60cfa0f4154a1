import { firstActivityNumber } from "../../../src/connectors/opera/sandbox/activityBook.js"
import { firstBlockNumber } from "../../../src/connectors/opera/sandbox/blockBook.js"
import type { Fixtures } from "./fixtures.js"
import type { ToolScenario } from "./generic.js"

/**
 * Scenarios the generic ones cannot derive: composite arguments, filters
 * that shape query parameters, and arguments OPERA refuses by a business
 * rule. They run in addition to the generic scenarios of the same tool; a
 * tool with none here still takes part. Keyed by tool name; a name no tool
 * has any more is reported by the fidelity run.
 */
export const explicitScenarios = (fixtures: Fixtures): Readonly<Record<string, ReadonlyArray<Omit<ToolScenario, "tool">>>> => {
  const [dueIn, reserved, inHouse] = fixtures.reservationIds
  const stay = { arrivalDate: fixtures.day(1), departureDate: fixtures.day(3), roomType: "KING", ratePlanCode: "BAR", adults: 2 }
  return {
    search_reservations: [
      { label: "arrivals window", args: { arrivalFrom: fixtures.businessDate, arrivalTo: fixtures.day(7), limit: 10 } },
      { label: "departures window", args: { departureFrom: fixtures.businessDate, departureTo: fixtures.day(2) } },
      { label: "guest name", args: { surname: fixtures.guest.surname, givenName: fixtures.guest.givenName } },
      { label: "confirmation number", args: { confirmationNumber: fixtures.confirmationNumber } },
      { label: "reservation id", args: { reservationId: reserved ?? fixtures.unknownId } },
      ...(["DueIn", "DueOut", "InHouse", "CheckedOut", "Cancelled"] as const).map((status) => ({
        label: `status ${status}`,
        args: { status, limit: 3, offset: 1 }
      }))
    ],
    search_guests: [
      { label: "surname", args: { surname: fixtures.guest.surname } },
      ...(fixtures.guest.email === undefined ? [] : [{ label: "email", args: { email: fixtures.guest.email } }]),
      ...(fixtures.guest.city === undefined ? [] : [{ label: "city", args: { city: fixtures.guest.city, limit: 2 } }]),
      { label: "membership number", args: { membershipNumber: "FID000000" } },
      { label: "phone", args: { phone: "+15550100" } }
    ],
    create_reservation: [
      {
        label: "new guest, priced by OPERA",
        args: { ...stay, children: 1, guest: { givenName: "Fidelity", surname: "Check" }, guaranteeCode: "6PM" }
      },
      { label: "existing profile, own rate", args: { ...stay, guest: { profileId: fixtures.profileIds[0] }, rateAmount: 150 } },
      { label: "unknown room type", args: { ...stay, roomType: "NOSUCH", guest: { surname: "Check" } } },
      { label: "unknown profile", args: { ...stay, guest: { profileId: fixtures.unknownId } } },
      { label: "arrival in the past", args: { ...stay, arrivalDate: fixtures.day(-5), guest: { surname: "Check" } } }
    ],
    modify_reservation: [
      { label: "longer stay", args: { reservationId: reserved ?? dueIn, departureDate: fixtures.day(6) } },
      { label: "room type and rate", args: { reservationId: reserved ?? dueIn, roomType: "QUEEN", ratePlanCode: "AAA", rateAmount: 180 } },
      { label: "guest counts", args: { reservationId: dueIn ?? reserved, adults: 1, children: 1 } },
      { label: "in-house dates", args: { reservationId: inHouse ?? fixtures.unknownId, arrivalDate: fixtures.day(2) } }
    ],
    // Blocks, activities and the other composite calls: ids follow the sandbox's deterministic seed.
    get_block: [{ label: "seeded conference block", args: { blockId: String(firstBlockNumber) } }],
    create_block: [{
      label: "tentative block",
      args: {
        blockCode: "FIDELITY1",
        name: "Fidelity check block",
        startDate: fixtures.day(30),
        endDate: fixtures.day(32),
        ratePlanCode: "BAR",
        rooms: [{ roomType: "KING", rooms: 2, rate: 189 }]
      }
    }],
    pick_up_block_reservation: [{
      label: "pick up from the conference block",
      args: {
        blockId: String(firstBlockNumber),
        guest: { givenName: "Fidelity", surname: "Pickup" },
        arrivalDate: fixtures.businessDate,
        departureDate: fixtures.day(1),
        roomType: "DBL",
        adults: 1
      }
    }],
    book_activity: [{
      label: "spa for an in-house guest",
      args: { reservationId: inHouse ?? fixtures.unknownId, activityType: "DINNER", date: fixtures.businessDate, startTime: "20:30" }
    }],
    cancel_activity: [{ label: "seeded activity", args: { activityId: String(firstActivityNumber) } }],
    post_guest_message: [{
      label: "message for a reservation",
      args: { reservationId: inHouse ?? reserved ?? fixtures.unknownId, text: "Your table is ready." }
    }],
    create_company_profile: [{ label: "company", args: { name: "Fidelity Travel Ltd", city: "Lisbon", countryCode: "PT" } }],
    request_guest_anonymization: [{ label: "anonymise a guest", args: { profileId: fixtures.profileIds[1] ?? fixtures.unknownId } }],
    cancel_reservation: [
      { label: "with reason", args: { reservationId: reserved ?? dueIn, reasonCode: "CHG", reason: "Change of plans" } },
      { label: "again (already cancelled)", args: { reservationId: reserved ?? dueIn } },
      { label: "in-house guest", args: { reservationId: inHouse ?? fixtures.unknownId } }
    ]
  }
}
