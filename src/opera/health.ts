import { Schema } from "effect"
import type { OperaRequest } from "./OperaRequest.js"

/** rsv `pingReservationService`: the cheapest authenticated call, used to prove OPERA is reachable. */
export const pingReservationService = (hotelId: string): OperaRequest => ({
  module: "rsv",
  operationId: "pingReservationService",
  method: "GET",
  template: "/services/reservations/status",
  hotelId
})

export const OperaVersion = Schema.Struct({
  operaVersion: Schema.optional(Schema.String)
})
