// @ts-check
// An application that uses opera-cloud-mcp as a library: it composes the runtime with its own threat detector and
// access rule, with its own `effect` import, and runs tool calls through the whole security pipeline. The package
// test copies this file into a fresh project where the packed package is installed, type-checks it and runs it.
import { Effect } from "effect"
import { AppLayer, CallContext, ToolRegistry } from "opera-cloud-mcp"

/** The hotel's own threat rule: any guest search by name is a threat here (score 2 stops the call). */
/** @type {import("opera-cloud-mcp").ThreatDetector} */
const guestSearches = {
  name: "hotel_guest_searches",
  detect: (_profile, call) =>
    call.tool.name === "search_guests" ? [{ name: "guest_search_by_name", score: 2, reason: "guest searches are not for assistants here" }] : []
}

/** The hotel's own access rule: no cashiering tools for assistants. */
/** @type {import("opera-cloud-mcp").AccessRule} */
const noCashiering = {
  name: "no_cashiering",
  refuse: (_ctx, tool) => tool.domain === "cashiering" ? "cashiering is closed to assistants at this hotel." : undefined
}

const program = Effect.gen(function*() {
  const registry = yield* ToolRegistry
  /** @param {string} name @param {Record<string, unknown>} args */
  const call = (name, args) =>
    registry.dispatch(name, args).pipe(Effect.provideService(CallContext, { clientId: "hotel-app", transport: "stdio" }))
  const today = new Date().toISOString().slice(0, 10)
  const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
  const search = yield* call("search_reservations", { arrivalFrom: today, arrivalTo: inAWeek, limit: 2 })
  const folio = yield* call("get_folio", { reservationId: "1" })
  const guests = yield* call("search_guests", { surname: "Smith" })
  return {
    search: { isError: search.isError, text: search.text.slice(0, 200) },
    folio: { isError: folio.isError, text: folio.text },
    guests: { isError: guests.isError, text: guests.text }
  }
})

const result = await Effect.runPromise(program.pipe(
  Effect.provide(AppLayer({ _tag: "Sandbox" }, { threatDetectors: [guestSearches], accessRules: [noCashiering] }))
))
console.log(JSON.stringify(result))
