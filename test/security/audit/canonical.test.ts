import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import type { CanonicalField } from "../../../src/security/audit/canonical.js"
import { canonicalBytes } from "../../../src/security/audit/canonical.js"
import { maskEmail, maskIp, maskName, maskPhone, maskUserAgent } from "../../../src/security/audit/masking.js"
import { auditUnavailable } from "../../../src/security/audit/sqliteFailure.js"

const field: fc.Arbitrary<CanonicalField> = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.double({ noNaN: true }),
  fc.uint8Array({ maxLength: 8 })
)

describe("canonical bytes", () => {
  it("has a fixed, documented layout", () => {
    expect(canonicalBytes("d", [null, "é", 1, Uint8Array.of(9)]).toString("hex")).toBe(
      "01" + "00000001" + "64" + // domain "d"
        "00" + // null
        "01" + "00000002" + "c3a9" + // "é" in UTF-8
        "02" + "3ff0000000000000" + // 1 as float64
        "03" + "00000001" + "09" // one byte
    )
  })

  it("never encodes two different field lists the same way (no boundary can move)", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 5 }), fc.array(field, { maxLength: 5 }), (left, right) => {
        const same = JSON.stringify(left.map(String)) === JSON.stringify(right.map(String)) &&
          left.every((value, index) => typeof value === typeof right[index])
        if (!same) expect(canonicalBytes("d", left).equals(canonicalBytes("d", right))).toBe(false)
      }),
      { numRuns: 2000 }
    )
    expect(canonicalBytes("d", ["ab", "c"]).equals(canonicalBytes("d", ["a", "bc"]))).toBe(false)
    expect(canonicalBytes("d", ["1"]).equals(canonicalBytes("d", [1]))).toBe(false)
    expect(canonicalBytes("a", []).equals(canonicalBytes("b", []))).toBe(false)
  })
})

describe("masking for exports", () => {
  it("keeps enough to follow an incident, not enough to identify the guest", () => {
    expect(maskEmail("jane.doe@example.com")).toBe("j***@example.com")
    expect(maskEmail("nonsense")).toBe("***")
    expect(maskName("Jane  van Doe")).toBe("J*** v*** D***")
    expect(maskPhone("+1 (555) 010-4477")).toBe("***77")
    expect(maskIp("203.0.113.77")).toBe("203.0.x.x")
    expect(maskIp("2001:db8:1:2::7")).toBe("2001:db8:…")
    expect(maskUserAgent("Mozilla/5.0 (X11; Linux)")).toBe("Mozilla/***")
  })
})

describe("SQLite failures", () => {
  const failure = (code: string) => ({ cause: { code, message: "SELECT secret FROM guests" } })
  it.each([
    ["SQLITE_BUSY", "busy"],
    ["SQLITE_FULL", "full"],
    ["SQLITE_READONLY_DBMOVED", "read_only"],
    ["SQLITE_CORRUPT", "corrupt"],
    ["SQLITE_NOTADB", "corrupt"],
    ["SQLITE_CANTOPEN", "not_open"],
    ["SQLITE_IOERR_WRITE", "io"]
  ])("%s becomes a typed %s error naming the path and code, never the statement", (code, reason) => {
    const error = auditUnavailable("/var/lib/audit.db", "record the event")(failure(code))
    expect(error.reason).toBe(reason)
    expect(error.message).toContain("/var/lib/audit.db")
    expect(error.message).toContain(code)
    expect(error.message).not.toContain("SELECT")
  })
})
