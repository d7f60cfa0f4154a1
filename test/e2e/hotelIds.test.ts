import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { startServer } from "../support/serverProcess.js"

const today = new Date().toISOString().slice(0, 10)

describe("hotel ids have one canonical spelling (built binary over stdio, sandbox in this process)", () => {
  let opera: RunningSandbox

  beforeAll(async () => {
    opera = await startSandbox()
  })
  afterAll(async () => {
    await opera?.stop()
  })

  it("a lower-case hotel id passes the allow-list and reaches OPERA upper-case, as the allow-list compared it", async () => {
    const canonical = opera.sandbox.hotelId.toUpperCase()
    const typed = canonical.toLowerCase()
    expect(typed).not.toBe(canonical)
    const session = await startServer({
      args: ["serve"],
      env: { ...opera.env, OPERA_HOTEL_ID: typed, OPERA_MCP_HOTELS: typed }
    })
    try {
      await Effect.runPromise(opera.sandbox.clearTraffic)
      const found = await session.call("search_reservations", { hotelId: typed, arrivalFrom: today, limit: 2 })
      expect(found.isError).toBeFalsy()
      const byDefault = await session.call("list_arrivals", {})
      expect(byDefault.isError).toBeFalsy()
      const refused = await session.call("search_reservations", { hotelId: "other1", arrivalFrom: today })
      expect(refused.isError).toBe(true)
    } finally {
      await session.close()
    }
    const sent = (await Effect.runPromise(opera.sandbox.traffic)).filter((exchange) => exchange.route?.module !== "oauth")
    expect(sent.length).toBeGreaterThanOrEqual(2)
    for (const exchange of sent) {
      expect(exchange.headers["x-hotelid"]).toBe(canonical)
      expect(exchange.path).not.toContain(`/hotels/${typed}/`)
    }
  })
})
