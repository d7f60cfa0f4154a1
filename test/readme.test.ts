import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { readFileSync } from "node:fs"
import path from "node:path"
import { documentedSettings, standardVariables } from "../scripts/configReference.js"
import { renderReadme } from "../scripts/readmeSections.js"
import { telemetrySettings } from "../src/config/Telemetry.js"
import { runProductionChecklist } from "../src/cli/productionChecklist.js"
import { HttpTransportLive } from "../src/mcp/http/HttpTransportLive.js"
import { AppLayer } from "../src/Runtime.js"
import { catalog } from "../src/connectors/opera/tools/catalog.js"
import { ToolRegistry } from "../src/tools/ToolRegistry.js"
import { repoRoot } from "./support/serverProcess.js"

/** A ConfigProvider that notes every name asked for, answering from `inner`. */
const recording = (inner: ConfigProvider.ConfigProvider, seen: Set<string>) =>
  ConfigProvider.fromFlat(ConfigProvider.makeFlat({
    load: (pathParts, primitive, split) => {
      seen.add(pathParts.join("_"))
      return inner.flattened.load(pathParts, primitive, split)
    },
    enumerateChildren: (pathParts) => inner.flattened.enumerateChildren(pathParts),
    patch: inner.flattened.patch
  }))

const property = new Map([
  ["OPERA_BASE_URL", "https://ohip.example.com"],
  ["OPERA_CLIENT_ID", "client"],
  ["OPERA_CLIENT_SECRET", "secret"],
  ["OPERA_APP_KEY", "key"],
  ["OPERA_HOTEL_ID", "H1"],
  ["OPERA_SECURITY_AUDIT_DB_PATH", ":memory:"],
  ["OPERA_MCP_CLIENTS_FILE", "/nonexistent/clients.json"]
])

describe("README", () => {
  it("its generated sections (tool list, configuration table) are up to date: run npm run readme", () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8")
    expect(renderReadme(readme)).toBe(readme)
  })

  it.effect("documents exactly the settings the server reads", () =>
    Effect.gen(function*() {
      const seen = new Set<string>()
      const provider = recording(ConfigProvider.fromMap(property), seen)
      yield* ToolRegistry.pipe(
        Effect.provide(Layer.merge(AppLayer({ _tag: "Property" }), HttpTransportLive)),
        Effect.withConfigProvider(provider)
      )
      yield* runProductionChecklist().pipe(Effect.withConfigProvider(provider))
      // The OIPA connector's database settings, as `serve --connector oipa` reads them.
      yield* runProductionChecklist("oipa").pipe(Effect.withConfigProvider(provider))
      // Read by `serve` around the application layers.
      yield* telemetrySettings.pipe(Effect.withConfigProvider(provider))
      const documented = new Set(documentedSettings.map((setting) => setting.name))
      const read = [...seen].filter((name) => !standardVariables.includes(name))
      expect(read.filter((name) => !documented.has(name)), "read but not documented").toEqual([])
      expect([...documented].filter((name) => !seen.has(name)), "documented but never read").toEqual([])
    }))

  it("every OPERA tool names the OHIP operations it calls", () => {
    // The OPERA connector's catalog (OIPA's tools read a database, not OHIP operations).
    const missing = catalog.filter((tool) => tool.domain !== "security" && (tool.operations ?? []).length === 0)
    expect(missing.map((tool) => tool.name)).toEqual([])
  })
})
