import { describe, expect, it } from "@effect/vitest"
import { Redacted, Schema } from "effect"
import { decodingProblems, specSamples, withUnknownFields } from "../../../../scripts/fidelity/checks/decoding.js"
import { tokenCallProblems } from "../../../../scripts/fidelity/checks/oauth.js"
import type { WireRequest } from "../../../../scripts/fidelity/checks/exchange.js"
import { requestProblems, responseVerdict } from "../../../../scripts/fidelity/checks/exchange.js"
import { declaredOperationProblems, routeMapProblems } from "../../../../scripts/fidelity/checks/routeMap.js"
import { defaultSpecsDir, makeOhipSpecs } from "../../../../scripts/fidelity/ohip/specs.js"
import { GetReservationResponse } from "../../../../src/connectors/opera/client/reservations.js"
import { repoRoot } from "../sandbox/helpers.js"

/** Each check of the fidelity suite on inputs that break one rule: none of them can pass vacuously. */
const specs = makeOhipSpecs(defaultSpecsDir(repoRoot))
const getReservation = specs.operation("rsv", "getReservation")
const cancel = specs.operation("rsv", "postCancelReservation")
const appKey = "41ecd082-8997-4c69-af34-2f72b83645ff"
const headers = { authorization: "Bearer abc.def", "x-app-key": appKey, "x-hotelid": "SAND01" }
const good: WireRequest = {
  method: "GET",
  path: "/rsv/v1/hotels/SAND01/reservations/500001",
  query: { fetchInstructions: ["Reservation", "Comments"] },
  headers,
  body: undefined
}

describe("request checks", () => {
  it("accept a request as OHIP documents it", () => {
    expect(requestProblems(specs, getReservation, good)).toEqual([])
  })

  it("name an undeclared or mistyped query parameter, a missing header, a non-Bearer token", () => {
    expect(requestProblems(specs, getReservation, { ...good, query: { fetchEverything: ["true"] } }))
      .toEqual(["query parameter fetchEverything is not declared by getReservation"])
    expect(requestProblems(specs, getReservation, { ...good, query: { fetchInstructions: ["Everything"] } })[0])
      .toMatch(/^query parameter fetchInstructions: .*allowed values/)
    expect(requestProblems(specs, getReservation, { ...good, query: { markAsRecentlyAccessed: ["yes"] } })[0])
      .toMatch(/markAsRecentlyAccessed: .*boolean/)
    const { "x-hotelid": _hotel, ...noHotel } = headers
    expect(requestProblems(specs, getReservation, { ...good, headers: noHotel })).toContain("required header x-hotelid is missing")
    expect(requestProblems(specs, getReservation, { ...good, headers: { ...headers, "x-app-key": "not-a-uuid" } })[0])
      .toMatch(/^header x-app-key: .*pattern/)
    expect(requestProblems(specs, getReservation, { ...good, headers: { ...headers, authorization: "Basic eDp5" } }))
      .toContain("authorization header is not a Bearer token")
  })

  it("check method, path, body schema and media type", () => {
    expect(requestProblems(specs, getReservation, { ...good, method: "DELETE" })[0]).toMatch(/method DELETE/)
    expect(requestProblems(specs, getReservation, { ...good, path: "/rsv/v1/hotels/SAND01/reservation/1" })[0]).toMatch(/path does not match/)
    expect(requestProblems(specs, getReservation, { ...good, body: { a: 1 } })).toContain("a body is sent but getReservation takes none")
    const cancelRequest: WireRequest = {
      method: "POST",
      path: "/rsv/v1/hotels/SAND01/reservations/500001/cancellations",
      query: {},
      headers: { ...headers, "content-type": "application/json" },
      body: { reservations: [{ reservationIdList: [{ id: "500001", type: "Reservation" }], hotelId: "SAND01" }] }
    }
    expect(requestProblems(specs, cancel, cancelRequest)).toEqual([])
    expect(requestProblems(specs, cancel, { ...cancelRequest, body: { reservations: "all" } })[0]).toMatch(/^body: .*must be array/)
    expect(requestProblems(specs, cancel, { ...cancelRequest, headers: { ...headers, "content-type": "text/plain" } })[0])
      .toMatch(/content-type text\/plain/)
  })
})

describe("response checks", () => {
  it("validate error bodies and reject undocumented statuses", () => {
    const problem = { type: "https://tools.ietf.org/html/rfc7231#section-6.5.4", title: "Not Found", status: 404 }
    expect(responseVerdict(specs, getReservation, { status: 404, responseBody: problem, fault: undefined }))
      .toEqual({ _tag: "Validated", problems: [] })
    const broken = responseVerdict(specs, getReservation, { status: 404, responseBody: { detail: "gone" }, fault: undefined })
    expect(broken._tag === "Validated" && broken.problems[0]).toMatch(/^404 body: .*required property/)
    const teapot = responseVerdict(specs, getReservation, { status: 418, responseBody: {}, fault: undefined })
    expect(teapot._tag === "Validated" && teapot.problems[0]).toMatch(/status 418 is not documented/)
    expect(responseVerdict(specs, getReservation, { status: 0, responseBody: undefined, fault: "ConnectionReset" })._tag).toBe("NoAnswer")
  })
})

describe("the token call", () => {
  const credentials = { clientId: "client", clientSecret: Redacted.make("secret"), appKey: Redacted.make(appKey) }
  const exchange = {
    headers: { authorization: `Basic ${Buffer.from("client:secret").toString("base64")}`, "x-app-key": appKey, enterpriseid: "ENT1" },
    body: { grant_type: "client_credentials", scope: "urn:x" },
    status: 200,
    responseBody: { access_token: "t", expires_in: 3600, token_type: "Bearer", oracle_tk_context: "user_assertion" }
  }
  it("matches oauth.json exactly", () => {
    expect(tokenCallProblems(specs, exchange, credentials, "ENT1")).toEqual([])
  })
  it("names a wrong Basic header, a missing scope, an unset enterpriseId and undocumented fields", () => {
    const problems = tokenCallProblems(specs, {
      ...exchange,
      headers: { ...exchange.headers, authorization: `Basic ${Buffer.from("client:other").toString("base64")}` },
      body: { grant_type: "client_credentials" },
      responseBody: { ...exchange.responseBody, refresh_token: "r", token_type: "bearer" }
    }, credentials, undefined)
    expect(problems).toEqual([
      "the Basic header does not carry base64(clientId:clientSecret) of the connection",
      "enterpriseId is sent without one configured",
      "client_credentials grant without scope",
      "token response field refresh_token is not in oauth.json",
      "token_type is not Bearer"
    ])
  })
})

describe("route map checks", () => {
  it("name routes and declared operations that OHIP does not have", () => {
    expect(routeMapProblems(specs, [
      { module: "rsv", operationId: "getReservation", method: "GET", template: "/hotels/{hotelId}/reservations/{reservationId}" },
      { module: "rsv", operationId: "getReservation", method: "PUT", template: "/hotels/{hotelId}/reservation/{id}" },
      { module: "crm", operationId: "getGuestRecord", method: "GET", template: "/guests/{guestId}" }
    ]).map((problem) => problem.message)).toEqual([
      "sandbox route PUT /rsv/v1/hotels/{hotelId}/reservation/{id}: method PUT, spec says GET",
      "sandbox route PUT /rsv/v1/hotels/{hotelId}/reservation/{id}: template /hotels/{hotelId}/reservation/{id}, spec says /hotels/{hotelId}/reservations/{reservationId}",
      "sandbox route GET /crm/v1/guests/{guestId}: crm.json has no operation getGuestRecord"
    ])
    const tool = { name: "t", domain: "guests", touchesGuestData: false, operations: ["crm.getProfile", "crm.getGuestRecord"] } as const
    const annotations = { title: "t", readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }
    expect(declaredOperationProblems(specs, [{ ...tool, annotations }]).map((problem) => problem.message))
      .toEqual(["tool t declares crm.getGuestRecord, which is not an OHIP operation"])
  })
})

describe("client decoding checks", () => {
  it("the client's getReservation Schema takes Oracle's example, with unknown fields too", () => {
    const samples = specSamples(getReservation)
    expect(samples.length).toBeGreaterThan(0)
    expect(decodingProblems(GetReservationResponse as Schema.Schema<any, any>, samples)).toEqual([])
  })

  it("catch a Schema that refuses unknown fields or a sample's types", () => {
    const strict = Schema.Struct({ id: Schema.String }).annotations({ parseOptions: { onExcessProperty: "error" } })
    const sample = { origin: "spec" as const, label: "x", body: { id: "1" } }
    expect(decodingProblems(strict as Schema.Schema<any, any>, [sample])).toEqual([
      "x with unknown fields does not decode: fidelityUnknownField: is unexpected, expected: \"id\""
    ])
    const numeric = Schema.Struct({ id: Schema.Number })
    expect(decodingProblems(numeric as Schema.Schema<any, any>, [sample])[0]).toMatch(/^x as published does not decode: id: Expected number/)
    expect(withUnknownFields([{ a: { b: 1 } }])).toMatchObject([{ a: { b: 1, fidelityUnknownField: {} }, fidelityUnknownField: {} }])
  })
})
