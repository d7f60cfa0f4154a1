import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runFidelity } from "../../../../scripts/fidelity/session.js"
import { operationForPath } from "../../../../scripts/fidelity/ohip/paths.js"
import { defaultSpecsDir, makeOhipSpecs, OhipOperationUnknown, OhipSpecUnreadable } from "../../../../scripts/fidelity/ohip/specs.js"
import { repoRoot } from "../sandbox/helpers.js"

/** Reading Oracle's files: bad input is a clear failure naming the file, never a silent skip. */
const dir = mkdtempSync(path.join(tmpdir(), "ohip-specs-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
writeFileSync(path.join(dir, "broken.json"), "{ \"swagger\": \"2.0\", ")
writeFileSync(path.join(dir, "openapi3.json"), JSON.stringify({ openapi: "3.0.0", paths: {} }))
const bad = makeOhipSpecs(dir)

const thrown = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe("loading OHIP specs", () => {
  it("names a missing file", () => {
    const error = thrown(() => bad.load("rsv"))
    expect(error).toBeInstanceOf(OhipSpecUnreadable)
    expect((error as OhipSpecUnreadable).message).toContain(path.join(dir, "rsv.json"))
    expect((error as OhipSpecUnreadable).file).toBe(path.join(dir, "rsv.json"))
  })

  it("names an unparsable file and one that is not Swagger 2.0", () => {
    expect((thrown(() => bad.operations("broken")) as Error).message).toMatch(/broken\.json is not valid JSON/)
    expect((thrown(() => bad.load("openapi3")) as Error).message).toMatch(/openapi3\.json is not a Swagger 2\.0 file/)
  })

  it.effect("fails the fidelity run, naming the file, before any tool runs", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(runFidelity(dir))
      expect(error._tag).toBe("OhipSpecUnreadable")
      expect(error.message).toContain(path.join(dir, "oauth.json"))
    }))

  it("finds operations by id and by path, literal segments first", () => {
    const specs = makeOhipSpecs(defaultSpecsDir(repoRoot))
    const cancel = specs.operation("rsv", "postCancelReservation")
    expect([cancel.method, cancel.basePath + cancel.path]).toEqual(["POST", "/rsv/v1/hotels/{hotelId}/reservations/{reservationId}/cancellations"])
    expect(cancel.parameters.map((parameter) => parameter.name)).toContain("x-hotelid")
    expect(cancel.responses["400"]?.schema).toEqual({ $ref: "#/definitions/exceptionDetailType" })
    expect(thrown(() => specs.operation("rsv", "noSuchOperation"))).toBeInstanceOf(OhipOperationUnknown)
    const match = operationForPath(specs, "rsv", "GET", "/rsv/v1/hotels/SAND01/reservations/a%2Fb")
    expect([match?.operation.operationId, match?.params]).toEqual(["getReservation", { hotelId: "SAND01", reservationId: "a/b" }])
    expect(operationForPath(specs, "rsv", "GET", "/rsv/v1/services/reservations/status")?.operation.operationId)
      .toBe("pingReservationService")
    expect(operationForPath(specs, "rsv", "PATCH", "/rsv/v1/hotels/SAND01/reservations/1")).toBeUndefined()
  })
})
