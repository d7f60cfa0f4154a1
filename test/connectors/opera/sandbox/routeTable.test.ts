import { catalog } from "../../../../src/connectors/opera/tools/catalog.js"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { matchRoute, routeMap } from "../../../../src/connectors/opera/sandbox/routeTable.js"
import { Sandbox } from "../../../../src/connectors/opera/sandbox/Sandbox.js"
import { accessToken, callOhip, definitionErrors, findOperation, responseErrors } from "./helpers.js"

describe("the route map", () => {
  it("lists every operation the sandbox serves, each one real in Oracle's spec", () => {
    for (const route of routeMap) {
      const operation = findOperation(route.module, route.operationId)
      expect({ method: route.method, path: route.template, base: `/${route.module}/v1` }).toEqual({
        method: operation.method,
        path: operation.path,
        base: operation.basePath
      })
      expect(route.path).toBe(operation.basePath + operation.path)
    }
  })

  it("serves every OHIP operation a tool declares, and each operation once", () => {
    const served = routeMap.map((route) => `${route.module}.${route.operationId}`)
    expect(served).toContain("oauth.getToken")
    const declared = catalog.flatMap((tool) => tool.operations ?? [])
    expect(declared.filter((operation) => !served.includes(operation)), "declared by a tool but not served").toEqual([])
    expect(served.filter((operation, index) => served.indexOf(operation) !== index), "served twice").toEqual([])
  })

  it("matches paths to operations, percent-decodes ids, and tells 405 from 404", () => {
    const cancel = matchRoute("post", "/rsv/v1/hotels/SAND01/reservations/500001/cancellations")
    expect(cancel._tag === "Matched" && [cancel.route.operationId, cancel.params]).toEqual([
      "postCancelReservation",
      { hotelId: "SAND01", reservationId: "500001" }
    ])
    const encoded = matchRoute("GET", "/crm/v1/profiles/a%2Fb")
    expect(encoded._tag === "Matched" && encoded.params).toEqual({ profileId: "a/b" })
    expect(matchRoute("GET", "/crm/v1/profiles/%E0%A4%A")._tag).toBe("NoRoute")
    expect(matchRoute("DELETE", "/crm/v1/profiles")).toEqual({ _tag: "MethodNotAllowed", allowed: ["GET", "POST"] })
    expect(matchRoute("GET", "/rsv/v1/hotels/SAND01")._tag).toBe("NoRoute")
  })
})

describe("the spec validator used by these tests", () => {
  it("rejects bodies that break the spec, so the fidelity checks can fail", () => {
    expect(definitionErrors("oauth", "OAuth2TokenResponse", { token_type: "Bearer" }).length).toBeGreaterThan(0)
    expect(responseErrors("rsv", "getReservation", 200, { reservations: { reservation: [{ reservationStatus: "Happy" }] } }).length)
      .toBeGreaterThan(0)
    expect(responseErrors("rsv", "getHotelReservations", 200, { reservations: { reservationInfo: [{ roomStay: { arrivalDate: "soon" } }] } }).length)
      .toBeGreaterThan(0)
    expect(responseErrors("crm", "getProfiles", 200, { profileSummaries: { profileInfo: [{ profileIdList: "1" }] } }).length)
      .toBeGreaterThan(0)
    expect(definitionErrors("rsv", "exceptionDetailType", { detail: "no type or title" }).length).toBeGreaterThan(0)
  })
})

describe("traffic", () => {
  it.effect("records method, path, matched operation, lower-cased headers, bodies and status, newest last, capped", () =>
    Effect.gen(function*() {
      const sandbox = yield* Sandbox
      const token = yield* accessToken(sandbox)
      for (let index = 0; index < 4; index++) {
        yield* callOhip(sandbox, token, "GET", `/crm/v1/profiles/${100_001 + index}`, { headers: { "X-Request-Id": `r${index}` } })
      }
      const traffic = yield* sandbox.traffic
      expect(traffic.length).toBe(3)
      const last = traffic[2]!
      expect(last.route).toEqual({ module: "crm", operationId: "getProfile", template: "/profiles/{profileId}" })
      expect([last.method, last.path, last.status]).toEqual(["GET", "/crm/v1/profiles/100004", 200])
      expect(last.headers["x-request-id"]).toBe("r3")
      expect(last.headers["x-hotelid"]).toBe(sandbox.hotelId)
      expect((last.responseBody as any).profileIdList[0].id).toBe("100004")
      yield* sandbox.clearTraffic
      expect(yield* sandbox.traffic).toEqual([])
    }).pipe(Effect.provide(Sandbox.layer({ trafficCapacity: 3 }))))
})
