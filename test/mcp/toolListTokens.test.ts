import { describe, expect, it } from "vitest"
import { fullProfileTarget, tokensBeforeLeanSchemas, toolListCosts } from "../../scripts/toolListTokens.js"
import { catalog } from "../../src/connectors/opera/tools/catalog.js"
import { listedTool } from "../../src/mcp/toolListing.js"

describe("tools/list cost in tokens", () => {
  const costs = toolListCosts()

  it(`the full profile costs at least ${fullProfileTarget * 100}% fewer tokens than before the lean schemas`, () => {
    const full = costs.find((cost) => cost.profile === "full")!
    expect(full.tools).toBe(catalog.length)
    expect(full.tokens).toBeLessThanOrEqual(Math.floor(tokensBeforeLeanSchemas.full * (1 - fullProfileTarget)))
  })

  it("no profile costs more than before", () => {
    for (const cost of costs) expect(cost.tokens, cost.profile).toBeLessThan(tokensBeforeLeanSchemas[cost.profile])
  })

  it("the listing keeps what a client needs: every argument, hand-written descriptions, the hints that say something", () => {
    const listed = JSON.stringify(catalog.map(listedTool))
    // Effect's generated titles and descriptions are gone; the hand-written ones stay.
    expect(listed).not.toMatch(/"title":"(maxLength|between|int|nonNegative)/)
    expect(listed).not.toContain("a string matching the pattern")
    expect(listed).toContain("Reservation id (not the confirmation number)")
    for (const tool of catalog) {
      const entry = listedTool(tool)
      const properties = Object.keys((entry.inputSchema.properties ?? {}) as object)
      expect(properties.sort(), tool.name).toEqual(Object.keys((tool.inputSchema.properties ?? {}) as object).sort())
      expect(entry.annotations?.readOnlyHint, tool.name).toBe(tool.annotations.readOnlyHint)
      if (!tool.annotations.readOnlyHint) expect(entry.annotations?.destructiveHint, tool.name).toBe(tool.annotations.destructiveHint)
    }
    const getReservation = listedTool(catalog.find((tool) => tool.name === "get_reservation")!)
    expect(getReservation.inputSchema.properties?.reservationId).toMatchObject({ type: ["string", "integer"] })
    expect(getReservation.inputSchema.required).toEqual(["reservationId"])
  })
})
