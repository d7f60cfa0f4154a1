import type { Effect } from "effect"
import type { StepStore } from "./reservationExtrasState.js"
import { makeStepStore } from "./reservationExtrasState.js"

/**
 * What the sandbox keeps for the profile extras (crm): company and
 * travel-agent profiles, guest preferences, and which guests
 * were forgotten (anonymised). Guest profiles stay in the property state.
 */
export interface CompanyRecord {
  readonly profileId: string
  readonly profileType: "Company" | "Agent"
  readonly registeredProperty: string
  readonly name: string
  /** Travel agents only: the IATA number. */
  readonly iataCode: string | undefined
  readonly corporateId: string | undefined
  readonly email: string | undefined
  readonly phone: string | undefined
  readonly city: string | undefined
  readonly countryCode: string | undefined
  readonly commissionCode: string | undefined
  readonly createdAt: string
}

export interface PreferenceRecord {
  readonly preferenceType: string
  readonly preferenceCode: string
  readonly description: string
  readonly hotelId: string
  readonly addedAt: string
}

export interface ProfileExtrasSnapshot {
  readonly companies: ReadonlyMap<string, CompanyRecord>
  readonly preferences: ReadonlyMap<string, ReadonlyArray<PreferenceRecord>>
  /** Guest profile id → business date it was anonymised. */
  readonly forgotten: ReadonlyMap<string, string>
  readonly nextCompanyNumber: number
}

export const emptyProfileExtras: ProfileExtrasSnapshot = {
  companies: new Map(),
  preferences: new Map(),
  forgotten: new Map(),
  nextCompanyNumber: 700_001
}

export type ProfileExtrasState = StepStore<ProfileExtrasSnapshot>

export const makeProfileExtrasState: Effect.Effect<ProfileExtrasState> = makeStepStore(emptyProfileExtras)

/** The preference codes this hotel configures, by preference type. */
export const preferenceCatalog: ReadonlyArray<{ readonly type: string; readonly code: string; readonly description: string }> = [
  { type: "ROOM", code: "HF", description: "High floor" },
  { type: "ROOM", code: "LF", description: "Low floor" },
  { type: "ROOM", code: "QR", description: "Quiet room away from the lift" },
  { type: "ROOM", code: "NS", description: "Non-smoking room" },
  { type: "BED", code: "KB", description: "King bed" },
  { type: "BED", code: "TW", description: "Twin beds" },
  { type: "PILLOW", code: "FOAM", description: "Foam pillows" },
  { type: "PILLOW", code: "FEATHER", description: "Feather pillows" },
  { type: "NEWSPAPER", code: "FT", description: "Financial Times" },
  { type: "NEWSPAPER", code: "NYT", description: "The New York Times" }
]
