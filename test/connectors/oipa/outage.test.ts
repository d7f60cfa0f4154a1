import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { fromCode } from "../../../src/connectors/oipa/database/driverErrors.js"
import { OipaDatabase } from "../../../src/connectors/oipa/database/OipaDatabase.js"
import { OipaConnector } from "../../../src/connectors/oipa/OipaConnector.js"
import { seedRows } from "../../../src/connectors/oipa/sandbox/seed.js"
import { OipaAppLayer } from "../../../src/Runtime.js"
import { ThreatMonitor } from "../../../src/security/ThreatMonitor.js"
import { CallContext } from "../../../src/tools/CallContext.js"
import { Connector } from "../../../src/tools/Connector.js"
import { ToolRegistry } from "../../../src/tools/ToolRegistry.js"

// The database as it is once its listener has gone away: every read fails the way the driver's ORA-12541 maps.
const listenerGone = () => Effect.fail(fromCode("ORA-12541"))
const unreachableDatabase = Layer.succeed(
  OipaDatabase,
  OipaDatabase.make({
    ping: () => Effect.succeed({ healthy: false as const, reason: "no listener" }),
    searchPolicies: listenerGone,
    policyDetails: listenerGone,
    countsByStatus: listenerGone,
    searchClients: listenerGone,
    clientPortfolio: listenerGone,
    expiringPolicies: listenerGone
  } as never)
)

/** The sandbox runtime, its registry rebuilt over `connector` (the same pipeline services, another connector). */
const registryOver = (connector: Layer.Layer<Connector> | undefined) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(OipaAppLayer({ _tag: "Sandbox" }))
    if (connector === undefined) return { registry: Context.get(context, ToolRegistry), context }
    const replaced = Context.add(context, Connector, Context.get(yield* Layer.build(connector), Connector))
    const registry = yield* Layer.build(ToolRegistry.Default.pipe(Layer.provide(Layer.succeedContext(replaced))))
    return { registry: Context.get(registry, ToolRegistry), context: replaced }
  })

const raisedClients = Effect.map(Effect.flatMap(ThreatMonitor, (monitor) => monitor.snapshot), (snapshot) =>
  snapshot.clients.map((client) => client.clientId))

describe("an OIPA outage is not the caller's fault", () => {
  it("the connector classes its failures: outage, not found, rejected", () =>
    Effect.gen(function*() {
      const { classifyFailure } = yield* Connector
      expect(classifyFailure(fromCode("ORA-12541"))).toBe("outage")
      expect(classifyFailure({ _tag: "OipaTimeout", message: "" })).toBe("outage")
      expect(classifyFailure({ _tag: "OipaNotFound", message: "" })).toBe("not_found")
      expect(classifyFailure({ _tag: "ToolError", message: "" })).toBe("rejected")
    }).pipe(Effect.provide(OipaConnector.pipe(Layer.provide(unreachableDatabase))), Effect.runPromise))

  it.scoped("30 calls refused by an unreachable database lock nobody out and raise no threat", () =>
    Effect.gen(function*() {
      const { registry, context } = yield* registryOver(OipaConnector.pipe(Layer.provide(unreachableDatabase)))
      const policy = seedRows().AsPolicy[0]!
      for (let index = 0; index < 30; index++) {
        const outcome = yield* registry.dispatch("oipa_get_policy_details", { policyGuid: policy.PolicyGUID }).pipe(
          Effect.provideService(CallContext, { clientId: "stdio#policy-desk", transport: "stdio" })
        )
        expect(outcome.isError).toBe(true)
        // The database's own explanation each time, never a lockout or a threat block.
        expect(outcome.text).toContain("Cannot reach the OIPA database")
      }
      expect(yield* raisedClients.pipe(Effect.provide(context))).toEqual([])
    }))

  it.scoped("while 12 lookups of policies that do not exist do raise the caller's risk", () =>
    Effect.gen(function*() {
      const { registry, context } = yield* registryOver(undefined)
      for (let index = 0; index < 12; index++) {
        const outcome = yield* registry.dispatch("oipa_get_policy_details", { policyNumber: `PN999${String(index).padStart(4, "0")}` })
          .pipe(Effect.provideService(CallContext, { clientId: "stdio#guesser", transport: "stdio" }))
        expect(outcome.isError).toBe(true)
      }
      expect(yield* raisedClients.pipe(Effect.provide(context))).toEqual(["stdio#guesser"])
    }))
})
