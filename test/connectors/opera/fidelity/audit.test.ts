import { describe, expect, it } from "@effect/vitest"
import { Redacted, Schema } from "effect"
import { auditCapture, renderTable } from "../../../../scripts/fidelity/audit.js"
import { defaultSpecsDir, makeOhipSpecs } from "../../../../scripts/fidelity/ohip/specs.js"
import type { FidelityCapture } from "../../../../scripts/fidelity/session.js"
import type { Exchange } from "../../../../src/connectors/opera/sandbox/traffic.js"
import { repoRoot } from "../sandbox/helpers.js"

/** The tally over a hand-made capture: every kind of disagreement lands in the right row and fails the run. */
const specs = makeOhipSpecs(defaultSpecsDir(repoRoot))
const appKey = "41ecd082-8997-4c69-af34-2f72b83645ff"
const exchange = (overrides: Partial<Exchange>): Exchange => ({
  atMillis: 0,
  method: "GET",
  path: "/rsv/v1/hotels/SAND01/reservations/500001",
  query: {},
  headers: { authorization: "Bearer t", "x-app-key": appKey, "x-hotelid": "SAND01" },
  body: undefined,
  route: { module: "rsv", operationId: "getReservation", template: "/hotels/{hotelId}/reservations/{reservationId}" },
  status: 200,
  responseHeaders: {},
  responseBody: { reservations: { reservation: [] } },
  fault: undefined,
  ...overrides
})

const capture = (exchanges: ReadonlyArray<Exchange>, outcome = "ok"): FidelityCapture => ({
  exchanges,
  clientCalls: [{
    request: {
      module: "rsv",
      operationId: "getReservation",
      method: "GET",
      template: "/hotels/{hotelId}/reservations/{reservationId}",
      params: { hotelId: "SAND01", reservationId: "500001" },
      hotelId: "SAND01"
    },
    response: Schema.Unknown,
    outcome
  }],
  toolRuns: [{ tool: "get_reservation", label: "required fields", isError: false, confirmed: false, died: false }],
  tools: [{
    name: "get_reservation",
    domain: "reservations",
    touchesGuestData: true,
    operations: ["rsv.getReservation", "rsv.pingReservationService"],
    annotations: { title: "t", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
  }],
  strayScenarios: [],
  credentials: {
    clientId: "c",
    clientSecret: Redacted.make("s"),
    appKey: Redacted.make(appKey),
    enterpriseId: "E",
    scope: "x",
    username: "u",
    password: Redacted.make("p")
  },
  enterpriseId: undefined
})

describe("auditCapture", () => {
  it("passes agreeing traffic and counts it per module", () => {
    const report = auditCapture(specs, capture([exchange({})]), [])
    expect(report.failures).toEqual([])
    expect(report.rows).toEqual([{ module: "rsv", operations: 1, requests: 1, responses: 1, samples: 1, failures: 0 }])
    expect(report.unreached).toEqual(["rsv.pingReservationService"])
    expect(renderTable(report)).toContain("fidelity: OK")
  })

  it("fails on a bad body, an unknown operation, an undecodable answer and a broken route", () => {
    const report = auditCapture(specs, capture([
      exchange({ responseBody: { reservations: { reservation: [{ reservationStatus: "Happy" }] } } }),
      exchange({ method: "GET", path: "/rsv/v1/hotels/SAND01/wishes", route: undefined, status: 404 })
    ], "OperaBadResponse"), [{ module: "rsv", operationId: "getReservations", method: "GET", template: "/reservations/all" }])
    expect(report.failures.map((failure) => failure.kind).sort()).toEqual(["decoding", "request", "response", "route"])
    expect(report.rows.find((row) => row.module === "rsv")?.failures).toBe(4)
    const table = renderTable(report)
    expect(table).toContain("fidelity: FAILED")
    expect(table).toContain("GET /rsv/v1/hotels/SAND01/wishes is no OHIP operation of rsv.json")
    expect(table).not.toContain("Bearer t")
  })
})
