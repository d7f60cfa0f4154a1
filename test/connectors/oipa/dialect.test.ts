import { describe, expect, it } from "@effect/vitest"
import { canonicalRow, containsPattern, oracleDialect, sqliteDialect } from "../../../src/connectors/oipa/database/dialect.js"

describe("the dialect module", () => {
  it("names its two dialects", () => {
    expect([oracleDialect.name, sqliteDialect.name]).toEqual(["oracle", "sqlite"])
  })

  it("Oracle's upper-case keys and SQLite's declared keys give the same row", () => {
    const canonical = canonicalRow(["PolicyGUID", "PolicyNumber", "TaxID"])
    const fromOracle = canonical({ POLICYGUID: "G", POLICYNUMBER: "PN1", TAXID: null })
    const fromSqlite = canonical({ PolicyGUID: "G", PolicyNumber: "PN1", TaxID: null })
    expect(fromOracle).toEqual({ PolicyGUID: "G", PolicyNumber: "PN1", TaxID: null })
    expect(fromSqlite).toEqual(fromOracle)
    // A column the connector does not read keeps its name (and the row Schema then ignores it).
    expect(canonical({ EXTRA: 1 })).toEqual({ EXTRA: 1 })
  })

  it("a search term is matched literally: %, _ and \\ are escaped, case folded", () => {
    expect(containsPattern("pn_01")).toBe("%PN\\_01%")
    expect(containsPattern("100%")).toBe("%100\\%%")
    expect(containsPattern("a\\b")).toBe("%A\\\\B%")
    expect(containsPattern("O'Brien")).toBe("%O'BRIEN%")
  })
})
