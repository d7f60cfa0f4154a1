import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Layer, Option } from "effect"
import { explicitScenarios } from "../../scripts/fidelity/scenarios/explicit.js"
import { fixturesFrom } from "../../scripts/fidelity/scenarios/fixtures.js"
import { genericScenarios } from "../../scripts/fidelity/scenarios/generic.js"
import { AppLayer } from "../../src/Runtime.js"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"
import { CallContext } from "../../src/tools/CallContext.js"
import { ToolRegistry } from "../../src/tools/ToolRegistry.js"

const confirmationTokenIn = (text: string) => /"confirmationToken": "([A-Za-z0-9_-]+)"/.exec(text)?.[1]
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * GDPR mode over every tool: each tool of the registry is called through
 * dispatch (the whole pipeline) against the in-process sandbox with the
 * fidelity run's scenarios, and no seeded guest's given name, surname or full
 * name may appear in any result, text or structured. (The pipeline checks that
 * each redacted result still fits the tool's output schema, and dies if not.)
 */
describe("GDPR mode masks every guest name in every tool's output", () => {
  it.live("no seeded guest name in any result", () =>
    Effect.scoped(Effect.gen(function*() {
      const context = yield* Layer.build(AppLayer({ _tag: "Sandbox" }))
      // AppLayer's type names only OperaConnection for the connection part; in Sandbox mode the Sandbox is merged in too.
      const sandbox = yield* Option.match(Context.getOption(context, Sandbox), {
        onNone: () => Effect.dieMessage("AppLayer({ _tag: \"Sandbox\" }) did not provide the Sandbox"),
        onSome: Effect.succeed
      })
      const registry = Context.get(context, ToolRegistry)
      const snapshot = yield* sandbox.snapshot
      const fixtures = fixturesFrom(snapshot, sandbox.hotelId)
      const explicit = explicitScenarios(fixtures)
      const guests = [...snapshot.guests.values()]
      const names = guests.flatMap((guest) => [guest.givenName, guest.surname, `${guest.givenName} ${guest.surname}`])
      const pattern = new RegExp(`\\b(${[...new Set(names)].map(escape).join("|")})\\b`)
      const leaks: Array<string> = []
      const died: Array<string> = []
      let calls = 0
      let withGuestData = 0
      for (const tool of registry.tools) {
        const scenarios = [...genericScenarios(tool, fixtures), ...(explicit[tool.name] ?? [])]
        for (const [index, scenario] of scenarios.entries()) {
          const call = (args: Readonly<Record<string, unknown>>) =>
            registry.dispatch(tool.name, args).pipe(
              Effect.provideService(CallContext, { clientId: `gdpr#${tool.name}#${index}`, transport: "stdio" }),
              Effect.catchAllDefect((defect) => Effect.succeed({ isError: true, text: String(defect), died: true } as const))
            )
          const first = yield* call(scenario.args)
          const token = first.isError ? confirmationTokenIn(first.text) : undefined
          const outcome = token === undefined ? first : yield* call({ ...scenario.args, confirmationToken: token })
          calls++
          if ("died" in outcome) died.push(`${tool.name} (${scenario.label}): ${outcome.text}`)
          const everything = `${outcome.text}\n${"structured" in outcome ? JSON.stringify(outcome.structured) : ""}`
          if (!outcome.isError && /[A-Z]\*\*\*/.test(everything)) withGuestData++
          const found = pattern.exec(everything)
          if (found !== null) leaks.push(`${tool.name} (${scenario.label}): "${found[0]}" in ${everything.slice(0, 300)}`)
        }
      }
      expect(died).toEqual([])
      expect(leaks).toEqual([])
      // The scan saw names to mask: it cannot pass on results that carry none.
      expect(calls).toBeGreaterThan(registry.tools.length)
      expect(withGuestData).toBeGreaterThan(10)
    }).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
        ["OPERA_SECURITY_ENABLE_GDPR_MODE", "true"],
        ["OPERA_SECURITY_AUDIT_DB_PATH", ":memory:"],
        ["OPERA_SECURITY_ENABLE_ANOMALY_DETECTION", "false"],
        ["HOME", "/nonexistent-home"]
      ])))
    )), 120_000)
})

describe("an unknown tool name", () => {
  it.live("that carries a card number is masked in the error", () =>
    Effect.scoped(Effect.gen(function*() {
      const registry = Context.get(yield* Layer.build(AppLayer({ _tag: "Sandbox" })), ToolRegistry)
      const outcome = yield* registry.dispatch("get_4111111111111111", {}).pipe(
        Effect.provideService(CallContext, { clientId: "unknown-tool", transport: "stdio" })
      )
      expect(outcome.isError).toBe(true)
      expect(outcome.text).toMatch(/^Unknown tool "get_\*{16}"/)
      const underscored = yield* registry.dispatch("pay_4111_1111_1111_1111", {}).pipe(
        Effect.provideService(CallContext, { clientId: "unknown-tool", transport: "stdio" })
      )
      expect(underscored.text).not.toMatch(/4111|1111/)
    }).pipe(
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
        ["OPERA_SECURITY_AUDIT_DB_PATH", ":memory:"],
        ["HOME", "/nonexistent-home"]
      ])))
    )))
})
