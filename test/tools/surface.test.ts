import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { catalog } from "../../src/connectors/opera/tools/catalog.js"
import { promptDefinitions } from "../../src/connectors/opera/surface/prompts.js"
import { reservationIdsIn } from "../../src/connectors/opera/surface/reservationIds.js"
import { RecentReservations } from "../../src/tools/surface/RecentReservations.js"
import { changedResources, resourceDefinitions } from "../../src/connectors/opera/surface/resources.js"

const byName = new Map(catalog.map((tool) => [tool.name, tool]))

describe("resource and prompt definitions", () => {
  it("every resource is read by a read-only tool that takes the template's variables", () => {
    for (const definition of resourceDefinitions) {
      const tool = byName.get(definition.tool)
      expect(tool?.annotations.readOnlyHint, definition.name).toBe(true)
      const variables = [...definition.uriTemplate.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!)
      expect(variables, definition.name).toContain("hotelId")
      const args = definition.argumentsFor(Object.fromEntries(variables.map((name) => [name, "1"])))
      const known = Object.keys((tool!.inputSchema.properties ?? {}) as object)
      for (const name of Object.keys(args)) expect(known, `${definition.name}: ${name}`).toContain(name)
      expect(definition.perHotel, definition.name).toBe(variables.length === 1)
    }
  })

  it("every prompt names tools that exist, and is gated by all of them", () => {
    for (const prompt of promptDefinitions) {
      expect(prompt.tools.filter((name) => !byName.has(name)), prompt.name).toEqual([])
      expect(prompt.tool.requires?.map((tool) => tool.name).sort(), prompt.name).toEqual([...prompt.tools].sort())
      expect(prompt.tool.name).toBe(`prompt:${prompt.name}`)
    }
  })

  it("a change announces the reservation, its folio, the guest and today's lists of the hotel", () => {
    expect(changedResources("front-desk", "SAND01", { reservationId: "500001" }, { reservation: { reservationId: "500001" } })).toEqual([
      "opera://hotels/SAND01/reservations/500001",
      "opera://hotels/SAND01/reservations/500001/folio",
      "opera://hotels/SAND01/arrivals/today",
      "opera://hotels/SAND01/departures/today"
    ])
    expect(changedResources("guests", "SAND01", { profileId: "100013" }, {})).toEqual(["opera://hotels/SAND01/guests/100013"])
    expect(changedResources("housekeeping", undefined, { reservationId: "1" }, {})).toEqual([])
  })
})

describe("RecentReservations", () => {
  const withRecent = <A>(program: (recent: RecentReservations) => Effect.Effect<A>) =>
    RecentReservations.pipe(Effect.flatMap(program), Effect.provide(RecentReservations.Default))

  it.effect("each client gets only its own, newest first, at most 25", () =>
    withRecent((recent) =>
      Effect.gen(function*() {
        yield* recent.note("desk", "H1", ["1", "2"])
        yield* recent.note("desk", "H1", ["3", "1"])
        yield* recent.note("other", "H1", ["9"])
        expect((yield* recent.of("desk")).map((entry) => entry.reservationId)).toEqual(["3", "1", "2"])
        expect((yield* recent.of("other")).map((entry) => entry.reservationId)).toEqual(["9"])
        expect(yield* recent.of("nobody")).toEqual([])
        yield* recent.note("desk", "H1", Array.from({ length: 40 }, (_, index) => String(100 + index)))
        expect((yield* recent.of("desk")).length).toBe(25)
      })
    ))

  it.effect("keeps at most 1,000 clients, forgetting the one seen longest ago", () =>
    withRecent((recent) =>
      Effect.gen(function*() {
        for (let client = 0; client <= 1000; client++) yield* recent.note(`client-${client}`, "H1", ["1"])
        expect(yield* recent.of("client-0")).toEqual([])
        expect((yield* recent.of("client-1000")).length).toBe(1)
      })
    ))

  it("finds the reservation ids in a result, a few levels down, at most 50", () => {
    expect(reservationIdsIn({ reservations: [{ reservationId: "1" }, { reservationId: "2", linked: { reservationId: "3" } }] }))
      .toEqual(["1", "2", "3"])
    expect(reservationIdsIn({ list: Array.from({ length: 80 }, (_, index) => ({ reservationId: String(index) })) }).length).toBe(50)
  })
})
