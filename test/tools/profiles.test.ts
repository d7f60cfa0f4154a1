import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { AccessPolicy } from "../../src/security/AccessPolicy.js"
import { catalog } from "../../src/connectors/opera/tools/catalog.js"

const listedUnder = (settings: Record<string, string>) =>
  AccessPolicy.pipe(
    Effect.map((policy) => catalog.filter((tool) => policy.isListed(undefined, tool)).map((tool) => tool.name)),
    Effect.provide(AccessPolicy.Default),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))
  )

const names = (predicate: (tool: (typeof catalog)[number]) => boolean) => catalog.filter(predicate).map((tool) => tool.name)

describe("tool profiles (OPERA_MCP_TOOL_PROFILE)", () => {
  it.effect("full lists every tool; there are at least 55 OPERA tools", () =>
    Effect.gen(function*() {
      expect(yield* listedUnder({})).toEqual(catalog.map((tool) => tool.name))
      expect(catalog.filter((tool) => tool.domain !== "security").length).toBeGreaterThanOrEqual(55)
    }))

  it.effect("minimal lists the search tools and describe_tools, nothing else", () =>
    Effect.gen(function*() {
      const listed = yield* listedUnder({ OPERA_MCP_TOOL_PROFILE: "minimal" })
      expect(listed).toEqual(names((tool) => tool.name.startsWith("search_") || tool.name === "describe_tools"))
      expect(listed).toContain("search_reservations")
      expect(listed).toContain("describe_tools")
    }))

  it.effect("read-only lists exactly the read-only tools", () =>
    Effect.gen(function*() {
      expect(yield* listedUnder({ OPERA_MCP_TOOL_PROFILE: "read-only" })).toEqual(
        names((tool) => tool.annotations.readOnlyHint)
      )
    }))

  it.effect("housekeeping lists the housekeeping and security tools", () =>
    Effect.gen(function*() {
      const listed = yield* listedUnder({ OPERA_MCP_TOOL_PROFILE: "housekeeping" })
      expect(listed).toEqual(names((tool) => tool.domain === "housekeeping" || tool.domain === "security"))
      expect(listed).toContain("update_room_status")
      expect(listed).not.toContain("post_charge")
    }))

  it.effect("front-desk covers the desk's day but not revenue management", () =>
    Effect.gen(function*() {
      const listed = yield* listedUnder({ OPERA_MCP_TOOL_PROFILE: "front-desk" })
      for (const tool of ["list_arrivals", "check_in_guest", "check_out_guest", "post_charge", "get_folio", "update_room_status"]) {
        expect(listed).toContain(tool)
      }
      expect(listed).not.toContain("create_block")
      expect(listed).not.toContain("list_rate_plans")
    }))

  it.effect("revenue and reservations profiles", () =>
    Effect.gen(function*() {
      const revenue = yield* listedUnder({ OPERA_MCP_TOOL_PROFILE: "revenue" })
      expect(revenue).toContain("get_best_available_rates")
      expect(revenue).toContain("create_block")
      expect(revenue).not.toContain("check_in_guest")
      const reservations = yield* listedUnder({ OPERA_MCP_TOOL_PROFILE: "reservations" })
      expect(reservations).toContain("create_reservation")
      expect(reservations).toContain("search_guests")
      expect(reservations).not.toContain("post_payment")
    }))

  it.effect("the strictest wins: a profile, an allow-list and read-only mode combine", () =>
    Effect.gen(function*() {
      const listed = yield* listedUnder({
        OPERA_MCP_TOOL_PROFILE: "front-desk",
        OPERA_MCP_TOOLS: "check_in_guest,list_arrivals,create_block",
        OPERA_MCP_READ_ONLY: "true"
      })
      expect(listed).toEqual(["list_arrivals"])
    }))
})
