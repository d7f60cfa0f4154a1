/** The facts about a tool that the security pipeline decides on (no handler, no schema). */
export type ToolDomain =
  | "reservations"
  | "guests"
  | "front-desk"
  | "housekeeping"
  | "rates"
  | "cashiering"
  | "blocks"
  | "activities"
  | "security"
  | "policies"
  | "policy-clients"

export interface ToolAnnotations {
  readonly title: string
  readonly readOnlyHint: boolean
  readonly destructiveHint: boolean
  readonly idempotentHint: boolean
  readonly openWorldHint: boolean
}

export interface ToolInfo {
  readonly name: string
  readonly domain: ToolDomain
  readonly annotations: ToolAnnotations
  /** Kind of guest data the tool returns or touches: drives redaction and bulk-access detection. */
  readonly touchesGuestData: boolean
  /** The OHIP operations the tool calls, as "module.operationId" (e.g. "rsv.getHotelReservations"). */
  readonly operations?: ReadonlyArray<string>
  /** Contact fields this tool exists to show, left unmasked unless the operator's policy says otherwise. */
  readonly reveals?: ReadonlyArray<"email" | "phone" | "name" | "address" | "birthDate">
}
