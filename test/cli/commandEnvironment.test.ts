import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Console, Effect, Fiber, Redacted } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import os from "node:os"
import path from "node:path"
import { cli } from "../../src/cli/main.js"
import type { CommandName } from "../../src/config/settingsCatalogue.js"
import { commandNames, standardVariables } from "../../src/config/settingsCatalogue.js"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"

/** A ConfigProvider that notes every name asked for, answering from `env`. */
const recording = (env: Record<string, string>, seen: Set<string>) => {
  const inner = ConfigProvider.fromMap(new Map(Object.entries(env)))
  return ConfigProvider.fromFlat(ConfigProvider.makeFlat({
    load: (pathParts, primitive, split) => {
      seen.add(pathParts.join("_"))
      return inner.flattened.load(pathParts, primitive, split)
    },
    enumerateChildren: (pathParts) => inner.flattened.enumerateChildren(pathParts),
    patch: inner.flattened.patch
  }))
}

/** Runs the CLI in process as the binary does; returns what it printed and the settings it asked for. */
const runCli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.gen(function*() {
    const seen = new Set<string>()
    const printed: Array<string> = []
    const current = yield* Console.consoleWith(Effect.succeed)
    const note = (...parts: ReadonlyArray<unknown>) => Effect.sync(() => {
      printed.push(parts.map(String).join(" "))
    })
    const fiber = yield* cli(["node", "opera-cloud-mcp", ...args]).pipe(
      Effect.exit,
      Console.withConsole({ ...current, log: note, error: note, warn: note, info: note }),
      Effect.withConfigProvider(recording(env, seen)),
      Effect.provide(NodeContext.layer),
      Effect.fork
    )
    // Commands that run until stopped (sandbox) have read their settings by then; the others end sooner.
    yield* Fiber.join(fiber).pipe(Effect.timeout("3 seconds"), Effect.ignore)
    yield* Fiber.interrupt(fiber)
    return { printed: printed.join("\n"), seen }
  })

/** The names under "Environment:" in a command's `--help`. */
const helpEnvironment = (command: CommandName) =>
  runCli([...command.split(" "), "--help"], { NO_COLOR: "1" }).pipe(
    Effect.map(({ printed }) => {
      const lines = printed.split("\n")
      const start = lines.findIndex((line) => line.trim() === "Environment:")
      expect(start, `${command} --help has no Environment: list`).toBeGreaterThan(-1)
      const listed: Array<string> = []
      for (const line of lines.slice(start + 1)) {
        if (!line.startsWith("  ")) break
        if (line.trim().startsWith("none:")) continue
        listed.push(...line.split(",").map((name) => name.trim()))
      }
      return listed
    })
  )

const freePortTaken = Effect.acquireRelease(
  Effect.async<{ readonly port: number; readonly close: () => void }>((resume) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed({ port: typeof address === "object" && address !== null ? address.port : 0, close: () => server.close() }))
    })
  }),
  (taken) => Effect.sync(taken.close)
)

const clientName = "front-desk"

// The variable `credentials rotate --from-env NAME` reads is the operator's choice, not a setting.
const fromEnvVariable = "NEW_OPERA_SECRET"

/**
 * Each command's runs: its flags that reach more settings. `serve --http` on a port already taken builds every
 * layer (the application, the HTTP transport, telemetry) and then fails to listen.
 */
const runsOf = (command: CommandName, dir: string, takenPort: string): ReadonlyArray<ReadonlyArray<string>> => {
  switch (command) {
    case "serve":
      return [
        ["serve", "--http", "--port", takenPort],
        ["serve", "--connector", "oipa", "--http", "--port", takenPort]
      ]
    case "config validate":
      return [
        ["config", "validate"],
        ["config", "validate", "--production"],
        ["config", "validate", "--check-connection"],
        ["config", "validate", "--connector", "oipa"]
      ]
    case "audit accept-rollback":
      return [["audit", "accept-rollback", "--reason", "investigated: the backup was restored"]]
    case "audit migrate":
      return [["audit", "migrate", "--from", path.join(dir, "audit.db"), "--to", "postgres://owner:pw@127.0.0.1:1/audit"]]
    case "audit cleanup":
      return [["audit", "cleanup", "--dry-run"]]
    case "clients add":
    case "clients revoke":
    case "clients block":
    case "clients unblock":
    case "lockouts clear":
      return [[...command.split(" "), clientName]]
    case "credentials rotate":
      return [["credentials", "rotate", "--from-env", fromEnvVariable]]
    default:
      return [command.split(" ")]
  }
}

describe("each command's --help names exactly the settings it reads", () => {
  for (const command of commandNames) {
    it.live(command, () =>
      Effect.gen(function*() {
        const dir = mkdtempSync(path.join(os.tmpdir(), "opera-command-env-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(dir, { recursive: true, force: true })))
        const sandbox = yield* Sandbox
        const taken = yield* freePortTaken
        const base: Record<string, string> = {
          HOME: dir,
          OPERA_BASE_URL: sandbox.baseUrl,
          OPERA_CLIENT_ID: sandbox.credentials.clientId,
          OPERA_CLIENT_SECRET: Redacted.value(sandbox.credentials.clientSecret),
          OPERA_APP_KEY: Redacted.value(sandbox.credentials.appKey),
          OPERA_HOTEL_ID: sandbox.hotelId,
          OPERA_SECURITY_AUDIT_DB_PATH: path.join(dir, "audit.db"),
          OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
          OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"),
          [fromEnvVariable]: "a-new-client-secret-1234"
        }
        // Settings read only when another is set: a PostgreSQL audit log, a Redis state, production.
        const environments = [
          base,
          { ...base, OPERA_SECURITY_AUDIT_DB_URL: "postgres://writer:pw@127.0.0.1:1/audit" },
          { ...base, OPERA_MCP_STATE_URL: "redis://127.0.0.1:1", OPERA_MCP_STATE_KEY: "k".repeat(40) },
          { ...base, NODE_ENV: "production" }
        ]
        // Maintenance commands reach their whole path only on an audit log the server made, with a client in it.
        yield* runCli(["serve", "--http", "--port", String(taken.port)], base)
        yield* runCli(["clients", "add", clientName], base)
        const read = new Set<string>()
        for (const args of runsOf(command, dir, String(taken.port))) {
          for (const env of environments) {
            const { seen } = yield* runCli(args, env)
            for (const name of seen) read.add(name)
          }
        }
        const settings = [...read].filter((name) => !standardVariables.includes(name) && name !== fromEnvVariable)
        const listed = yield* helpEnvironment(command)
        expect(settings.filter((name) => !listed.includes(name)), "read but not in --help").toEqual([])
        expect(listed.filter((name) => !read.has(name)), "in --help but never read").toEqual([])
      }).pipe(Effect.provide(Sandbox.layer()), Effect.scoped), 120_000)
  }
})
