/**
 * The calls the upstream scenarios make, and what their answers mean: a read
 * that is retried when safe (get_reservation → GET getReservation), a write
 * that must never be retried (create_reservation → POST postReservation), the
 * health check that shows the circuit breaker's state, and each clear message
 * the server gives for an upstream fault with the typed error it stands for
 * (a message no rule recognises is "unclear" and fails the suite).
 */
import { bookingArguments } from "../bookings.js"
import type { CallRecord, StdioScenario } from "./stdioScenario.js"

export const circuitOpen = /^OPERA has been failing; calls are paused for a short while before trying again\.$/

const rules: ReadonlyArray<readonly [RegExp, string]> = [
  [circuitOpen, "OperaUnavailable"],
  [/^OPERA failed to process \w+ \(HTTP 5\d\d\); try again shortly\./, "OperaUnavailable"],
  [/^OPERA did not answer \w+ within \d+ ms\./, "OperaUnavailable"],
  [/^(Could not reach OPERA for \w+( \(.+\))?\.|OPERA broke off the answer to \w+\.|OPERA closed the connection while answering \w+\.)/, "OperaUnavailable"],
  [/^The OPERA token endpoint (answered HTTP 5\d\d; try again shortly|did not answer in time)\./, "OperaUnavailable"],
  [/^OPERA is throttling requests; retry after \d+ s\./, "OperaRateLimited"],
  [/^OPERA answered \w+ with a body (that is not JSON|this server does not understand)\./, "OperaBadResponse"]
]

export const expectedTagOf = (text: string): string => rules.find(([pattern]) => pattern.test(text))?.[1] ?? "unclear"

/** A failed write must not leave the person guessing whether OPERA applied it. */
export const warnsChangeMayHaveHappened = (text: string) => /may (or may not )?have been (made|applied)/i.test(text)

const seededReservationId = "500001"

export const readReservation = (scenario: StdioScenario): Promise<CallRecord> =>
  scenario.call("get_reservation", { reservationId: seededReservationId }, "getReservation")

let bookings = 0

export const bookRoom = (scenario: StdioScenario): Promise<CallRecord> => {
  const n = bookings++
  return scenario.call(
    "create_reservation",
    bookingArguments(n, { givenName: "Fault", surname: "Upstream" }, 90),
    "postReservation",
    true
  )
}

/** The breaker state the health check reports ("closed", "open", "half-open"), or the reason there is none. */
export const breakerState = async (scenario: StdioScenario): Promise<string> => {
  const record = await scenario.call("security_health_check", {}, "pingReservationService")
  if (record.hang) return "hang"
  const upstream = record.structured?.upstream as { readonly circuitBreaker?: string } | undefined
  return upstream?.circuitBreaker ?? "unknown"
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
