/**
 * The sandbox's own model of a property: what OPERA would hold in its
 * database, before it is rendered into OHIP JSON by the route modules.
 */
export type StoredReservationStatus = "Reserved" | "InHouse" | "CheckedOut" | "Cancelled" | "NoShow"

export interface GuestAddress {
  readonly addressLine: string
  readonly city: string
  readonly state: string
  readonly postalCode: string
  readonly countryCode: string
  readonly countryName: string
}

export interface GuestRecord {
  readonly profileId: string
  readonly registeredProperty: string
  readonly givenName: string
  readonly surname: string
  readonly email: string | undefined
  readonly phone: string | undefined
  readonly address: GuestAddress | undefined
  readonly language: string
  readonly vip: { readonly code: string; readonly description: string } | undefined
  readonly membership: { readonly type: string; readonly number: string; readonly level: string } | undefined
  /** Consent flags (OHIP privacyInfo) as last set; absent until someone sets them. */
  readonly privacy?: Readonly<Record<string, boolean>>
  readonly createdAt: string
  readonly modifiedAt: string
}

export interface ReservationRecord {
  readonly reservationId: string
  readonly confirmationNumber: string
  readonly hotelId: string
  readonly profileId: string
  readonly status: StoredReservationStatus
  readonly arrivalDate: string
  readonly departureDate: string
  readonly roomType: string
  readonly roomId: string | undefined
  readonly ratePlanCode: string
  /** Nightly rate before tax. */
  readonly rateAmount: number
  readonly currencyCode: string
  readonly adults: number
  readonly children: number
  readonly guaranteeCode: string
  readonly marketCode: string
  readonly sourceCode: string
  readonly cancellation:
    | { readonly number: string; readonly code: string; readonly description: string; readonly date: string }
    | undefined
  readonly reinstateDate: string | undefined
  readonly createdAt: string
  readonly createBusinessDate: string
  readonly modifiedAt: string
}

export interface RoomTypeInfo {
  readonly code: string
  readonly description: string
  readonly baseRate: number
  readonly maxOccupancy: number
}

export const roomTypes: ReadonlyArray<RoomTypeInfo> = [
  { code: "KING", description: "Deluxe King", baseRate: 229, maxOccupancy: 3 },
  { code: "QUEEN", description: "Superior Queen", baseRate: 199, maxOccupancy: 3 },
  { code: "DBL", description: "Double Double", baseRate: 179, maxOccupancy: 4 },
  { code: "STE", description: "Junior Suite", baseRate: 449, maxOccupancy: 4 }
]

export interface RatePlanInfo {
  readonly code: string
  readonly description: string
  /** Multiplier applied to a room type's base rate. */
  readonly factor: number
  readonly marketCode: string
}

export const ratePlans: ReadonlyArray<RatePlanInfo> = [
  { code: "BAR", description: "Best Available Rate", factor: 1, marketCode: "TRANS" },
  { code: "AAA", description: "Auto Club Rate", factor: 0.9, marketCode: "DISC" },
  { code: "CORP", description: "Corporate Rate", factor: 0.85, marketCode: "CORP" },
  { code: "GOV", description: "Government Rate", factor: 0.8, marketCode: "GOV" },
  { code: "PKG", description: "Bed and Breakfast Package", factor: 1.15, marketCode: "PKG" }
]

export const guaranteeCodes = ["6PM", "CC", "DEP", "CO"] as const
export const sourceCodes = ["WEB", "PHONE", "GDS", "WALKIN"] as const

export const nightlyRate = (roomType: string, ratePlanCode: string): number | undefined => {
  const room = roomTypes.find((candidate) => candidate.code === roomType)
  const plan = ratePlans.find((candidate) => candidate.code === ratePlanCode)
  return room === undefined || plan === undefined ? undefined : Math.round(room.baseRate * plan.factor)
}

/** Rooms 101–430: four floors of thirty rooms; the type follows the room's position on the floor. */
export const roomInventory: ReadonlyArray<{ readonly roomId: string; readonly roomType: string }> = Array.from(
  { length: 4 * 30 },
  (_, index) => {
    const floor = Math.floor(index / 30) + 1
    const position = (index % 30) + 1
    const roomType = position <= 12 ? "KING" : position <= 22 ? "QUEEN" : position <= 27 ? "DBL" : "STE"
    return { roomId: `${floor}${String(position).padStart(2, "0")}`, roomType }
  }
)

export interface HotelInfo {
  readonly hotelId: string
  readonly hotelName: string
}

export interface PropertySnapshot {
  readonly businessDate: string
  readonly hotels: ReadonlyArray<HotelInfo>
  readonly guests: ReadonlyMap<string, GuestRecord>
  readonly reservations: ReadonlyMap<string, ReservationRecord>
  readonly nextProfileNumber: number
  readonly nextReservationNumber: number
}

/** OPERA's derived status: a reservation arriving today is DueIn, an in-house one leaving today is DueOut. */
export const computedStatus = (
  reservation: ReservationRecord,
  businessDate: string
): StoredReservationStatus | "DueIn" | "DueOut" => {
  if (reservation.status === "Reserved" && reservation.arrivalDate === businessDate) return "DueIn"
  if (reservation.status === "InHouse" && reservation.departureDate <= businessDate) return "DueOut"
  return reservation.status
}

/** Confirmation numbers are derived from the reservation number so both stay unique and stable. */
export const confirmationNumberFor = (reservationNumber: number): string =>
  String(80_000_000 + ((reservationNumber * 7_919) % 9_999_991))

export const cancellationNumberFor = (reservationNumber: number): string =>
  String(5_000_000 + ((reservationNumber * 104_729) % 4_999_993))
