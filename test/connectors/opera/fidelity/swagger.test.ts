import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { defaultSpecsDir, makeOhipSpecs } from "../../../../scripts/fidelity/ohip/specs.js"
import { repoRoot } from "../sandbox/helpers.js"
import { parameterSchema, toJsonSchema } from "../../../../scripts/fidelity/ohip/swagger.js"

/** The Swagger 2.0 → draft-07 conversion, on a small spec with every keyword it handles. */
const dir = mkdtempSync(path.join(tmpdir(), "ohip-swagger-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const definitions = {
  room: {
    type: "object",
    discriminator: "kind",
    required: ["kind"],
    properties: {
      kind: { type: "string" },
      example: { type: "integer", format: "int32", example: 3 },
      note: { type: "string", "x-nullable": true },
      since: { type: "string", format: "date", maxLength: 8 },
      rate: { type: "number", minimum: 0, exclusiveMinimum: true },
      photo: { type: "file" },
      next: { $ref: "#/definitions/room" }
    }
  }
}
writeFileSync(path.join(dir, "tst.json"), JSON.stringify({
  swagger: "2.0",
  basePath: "/tst/v1",
  paths: {},
  definitions
}))
const specs = makeOhipSpecs(dir)
const roomErrors = (value: unknown) => specs.describeErrors(specs.definitionErrors("tst", "room", value))

describe("Swagger 2.0 conversion", () => {
  it("rewrites $refs to the module's registered definitions and keeps property names", () => {
    const converted = toJsonSchema("tst", definitions.room) as any
    expect(converted.properties.next).toEqual({ $ref: "tst.json#/definitions/room" })
    expect(converted.properties.example).toEqual({ type: "integer", format: "int32" })
    expect(converted.discriminator).toBeUndefined()
    expect(roomErrors({ kind: "suite", next: { kind: 1 } })).toContain("/next/kind must be string")
  })

  it("turns x-nullable into a null alternative, type file into any value", () => {
    expect(roomErrors({ kind: "suite", note: null, photo: { binary: true } })).toBe("No errors")
    expect(roomErrors({ kind: "suite", note: 5 })).not.toBe("No errors")
  })

  it("makes draft-04 exclusive bounds draft-07 numbers", () => {
    expect(roomErrors({ kind: "suite", rate: 0 })).toContain("must be > 0")
    expect(roomErrors({ kind: "suite", rate: 0.01 })).toBe("No errors")
  })

  it("drops a maxLength shorter than a date, but still checks the date", () => {
    expect(roomErrors({ kind: "suite", since: "2025-05-01" })).toBe("No errors")
    expect(roomErrors({ kind: "suite", since: "2025-02-30" })).toContain("must match format \"date\"")
  })

  it("checks int32 ranges", () => {
    expect(roomErrors({ kind: "suite", example: 2 ** 31 })).toContain("int32")
    expect(roomErrors({ kind: "suite", example: 7 })).toBe("No errors")
  })

  it("builds a schema from a non-body parameter without its Swagger fields", () => {
    expect(parameterSchema("tst", {
      name: "limit",
      in: "query",
      required: false,
      description: "page size",
      type: "integer",
      minimum: 1,
      collectionFormat: "multi"
    })).toEqual({ type: "integer", minimum: 1 })
    expect(parameterSchema("tst", { name: "b", in: "body", schema: { $ref: "#/definitions/room" } }))
      .toEqual({ $ref: "tst.json#/definitions/room" })
  })
})

describe("Oracle's specs through the conversion", () => {
  it("a keyword ajv does not know fails compilation (so the next check means something)", () => {
    expect(() => specs.schemaErrors("tst", "bogus", { type: "string", bogusKeyword: 1 }, "x")).toThrow(/bogusKeyword/)
  })

  it("compile under ajv's strict schema mode (nothing Swagger-only left)", () => {
    const real = makeOhipSpecs(defaultSpecsDir(repoRoot))
    for (const module of ["oauth", "crm"]) {
      const names = Object.keys(real.load(module).definitions ?? {})
      expect(names.length).toBeGreaterThan(0)
      for (const name of names) expect(() => real.definitionErrors(module, name, {})).not.toThrow()
    }
  }, 60_000)
})
