import { describe, expect, it } from "@effect/vitest"
import { Option } from "effect"
import fc from "fast-check"
import { cefLine, escapeExtension, escapeHeader, readCefExtension } from "../../../src/cli/siem/cef.js"
import { lineKey, severityOf, signatureIds } from "../../../src/cli/siem/feedLines.js"

const device = { vendor: "opera-cloud-mcp", product: "audit", version: "0.1.0" }

/** The seven header fields of a CEF line, unescaped: written here, apart from the code under test. */
const headerFields = (line: string): Array<string> => {
  const fields: Array<string> = []
  let current = ""
  let index = line.indexOf("CEF:") + 4
  for (; index < line.length && fields.length < 7; index++) {
    const char = line[index]
    if (char === "\\") {
      current += line[index + 1] ?? ""
      index++
    } else if (char === "|") {
      fields.push(current)
      current = ""
    } else current += char
  }
  return fields
}

describe("CEF lines", () => {
  it("escapes | and \\ in header fields, and a line break there becomes a space", () => {
    expect(escapeHeader("a|b\\c")).toBe("a\\|b\\\\c")
    expect(escapeHeader("two\nlines\r\n")).toBe("two lines ")
    const line = cefLine(device, { signatureId: "100", name: "tool call get|odd\\name success", severity: 2, extension: [] })
    expect(line).toBe("CEF:0|opera-cloud-mcp|audit|0.1.0|100|tool call get\\|odd\\\\name success|2|")
    expect(headerFields(line)).toEqual(["0", "opera-cloud-mcp", "audit", "0.1.0", "100", "tool call get|odd\\name success", "2"])
  })

  it("escapes = and \\ and line breaks in extension values; a pipe there stays as it is", () => {
    expect(escapeExtension("a=b\\c|d\ne\rf")).toBe("a\\=b\\\\c|d\\ne\\rf")
    const line = cefLine(device, {
      signatureId: "400",
      name: "admin",
      severity: 3,
      extension: [["msg", "x=1 y=2\nnext"], ["suser", undefined], ["externalId", 7]]
    })
    expect(line.endsWith("|3|msg=x\\=1 y\\=2\\nnext externalId=7")).toBe(true)
  })

  it("severity is clamped to 0..10 and rounded", () => {
    expect(cefLine(device, { signatureId: "1", name: "n", severity: 42, extension: [] })).toContain("|n|10|")
    expect(cefLine(device, { signatureId: "1", name: "n", severity: -1, extension: [] })).toContain("|n|0|")
  })

  it("any header text and any extension value read back as written (law)", () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (name, value, other) => {
      const line = cefLine(device, {
        signatureId: "100",
        name,
        severity: 5,
        extension: [["msg", value], ["cs1Label", "x"], ["cs1", other], ["externalId", 3]]
      })
      expect(line.includes("\n") || line.includes("\r")).toBe(false)
      expect(headerFields(line)[5]).toBe(name.replace(/[\r\n]+/g, " "))
      const extension = readCefExtension(line)
      expect(extension?.get("msg")).toBe(value.replace(/\r\n/g, "\n"))
      expect(extension?.get("cs1")).toBe(other.replace(/\r\n/g, "\n"))
      expect(extension?.get("externalId")).toBe("3")
    }), { numRuns: 300 })
  })

  it("a line's chain and sequence are read back from either format; other text is not a feed line", () => {
    const cef = cefLine(device, {
      signatureId: "100",
      name: "n externalId=9",
      severity: 2,
      extension: [["deviceExternalId", "log-1"], ["externalId", 41], ["msg", "externalId=99"]]
    })
    expect(lineKey("cef", cef)).toEqual(Option.some({ chain: "log-1", sequence: 41 }))
    expect(lineKey("jsonl", JSON.stringify({ chain: "log-1", sequence: 41, kind: "admin" })))
      .toMatchObject({ _tag: "Some", value: { chain: "log-1", sequence: 41 } })
    expect(lineKey("jsonl", "not json")._tag).toBe("None")
    expect(lineKey("cef", "CEF:0|only|three")._tag).toBe("None")
  })

  it("maps kinds to signature ids and outcomes, kinds and risk to a severity", () => {
    expect(new Set(Object.values(signatureIds)).size).toBe(Object.keys(signatureIds).length)
    expect(severityOf({ kind: "tool_call", outcome: "success", riskLevel: "low" })).toBe(2)
    expect(severityOf({ kind: "tool_call", outcome: "success", riskLevel: "high" })).toBe(8)
    expect(severityOf({ kind: "tool_call", outcome: "refused" })).toBe(6)
    expect(severityOf({ kind: "auth", outcome: "failure" })).toBe(7)
    expect(severityOf({ kind: "security", outcome: "success" })).toBe(7)
    expect(severityOf({ kind: "admin", outcome: "success", tool: "audit_feed" })).toBe(3)
    expect(severityOf({ kind: "admin", outcome: "success", tool: "audit_feed_reveal" })).toBe(6)
  })
})
