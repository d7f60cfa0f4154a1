import { Args, Command, Options } from "@effect/cli"
import { Console, Effect, Layer, Option } from "effect"
import type { ClientPolicy } from "../security/clients/ClientRecord.js"
import { ClientNotFound } from "../security/clients/ClientRecord.js"
import { KeyRevocations } from "../security/clients/KeyRevocations.js"
import { RedisStateStore, stateUrlIsSet } from "../security/state/RedisStateStore.js"
import { isoInstant } from "../security/errors.js"
import { ClientStore } from "../security/clients/ClientStore.js"
import { everyToolName } from "../connectors/toolNames.js"
import { unknownToolNames } from "../tools/toolNames.js"
import { reportStartupErrors, StartupFailed } from "./startupErrors.js"
import { blockCommand, unblockCommand } from "./stateCommands.js"
import { withEnvironment } from "./environmentHelp.js"

const json = Options.boolean("json").pipe(Options.withDescription("print JSON for machines"))
const name = Args.text({ name: "NAME" }).pipe(
  Args.withDescription("the client's name: its client id in rate limits, lockouts and the audit log")
)
const tools = Options.text("tools").pipe(
  Options.optional,
  Options.withDescription("comma-separated tool allow-list for this client (default: every tool the server allows)")
)
const hotels = Options.text("hotels").pipe(
  Options.optional,
  Options.withDescription("comma-separated hotel allow-list for this client (default: every hotel the server allows)")
)
const readOnly = Options.boolean("read-only").pipe(Options.withDescription("this client may only call read-only tools"))
const admin = Options.boolean("admin").pipe(
  Options.withDescription(
    "this client sees the house-wide security view (every client's lockouts, blocks, incidents and calls); " +
      "without it a client sees only its own"
  )
)

const splitList = (raw: Option.Option<string>) =>
  Option.map(raw, (text) => text.split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0))

/** `clients add NAME`: the API key is printed once, on stdout, and stored only as a salted HMAC. */
const add = Command.make("add", { name, tools, hotels, readOnly, admin, json }, (options) =>
  Effect.gen(function*() {
    const store = yield* ClientStore
    const toolList = splitList(options.tools)
    const hotelList = splitList(options.hotels)
    const unknown = unknownToolNames(Option.getOrElse(toolList, () => []), everyToolName)
    if (unknown.length > 0) {
      for (const problem of unknown) yield* Console.error(`--tools ${problem}`)
      return yield* new StartupFailed({ message: "unknown tool names in --tools" })
    }
    const policy: ClientPolicy = {
      readOnly: options.readOnly,
      ...(options.admin ? { admin: true } : {}),
      ...(Option.isSome(toolList) ? { tools: toolList.value } : {}),
      ...(Option.isSome(hotelList) ? { hotels: hotelList.value.map((hotel) => hotel.toUpperCase()) } : {})
    }
    const { apiKey, record } = yield* store.add(options.name, policy)
    if (options.json) return yield* Console.log(JSON.stringify({ name: record.name, apiKey, policy }))
    yield* Console.error(`# API key for client "${record.name}". It is shown only this once: store it in the`)
    yield* Console.error("# client's secret store and send it as 'Authorization: Bearer <key>'.")
    yield* Console.log(apiKey)
  })).pipe(Command.withDescription(withEnvironment(
    "clients add",
    "issue an API key for a new HTTP client (printed once)"
  )))

const list = Command.make("list", { json }, ({ json }) =>
  Effect.gen(function*() {
    const store = yield* ClientStore
    const clients = yield* store.list
    const rows = clients.map((client) => ({
      name: client.name,
      keyHint: `${client.keyHint}…`,
      status: client.revokedAt === undefined ? "active" : "revoked",
      readOnly: client.policy.readOnly,
      admin: client.policy.admin === true,
      tools: client.policy.tools ?? "all",
      hotels: client.policy.hotels ?? "all",
      createdAt: isoInstant(client.createdAt),
      ...(client.revokedAt !== undefined ? { revokedAt: isoInstant(client.revokedAt) } : {})
    }))
    if (json) return yield* Console.log(JSON.stringify(rows))
    if (rows.length === 0) return yield* Console.log(`no clients in ${store.path}`)
    for (const row of rows) {
      const access = `${row.readOnly ? "read-only" : "read-write"}${row.admin ? "; admin" : ""}`
      const scope = `${access}; tools: ${String(row.tools)}; hotels: ${String(row.hotels)}`
      yield* Console.log(`${row.name}\t${row.status}\t${row.keyHint}\t${scope}\tcreated ${row.createdAt}`)
    }
  })).pipe(Command.withDescription(withEnvironment(
    "clients list",
    "list HTTP clients: names, policies, status (never keys)"
  )))

/**
 * `clients revoke NAME`: marks the key revoked in the clients file and, with
 * OPERA_MCP_STATE_URL, publishes every revoked key of that name to the shared
 * state, which every replica checks (within a second). Run again, it publishes
 * again: the way to finish a revocation the state store missed.
 */
const revoke = Command.make("revoke", { name }, ({ name }) =>
  Effect.gen(function*() {
    const store = yield* ClientStore
    const shared = yield* stateUrlIsSet
    const revoked = yield* store.revoke(name).pipe(
      Effect.as(true),
      // Already revoked in the file: with a shared state, publishing it again is what the operator wants.
      Effect.catchTag("ClientNotFound", (missing) => shared ? Effect.succeed(false) : Effect.fail(missing))
    )
    if (!shared) {
      return yield* Console.log(`revoked client "${name}"; a running server refuses its key from the next request on`)
    }
    const keys = (yield* store.list).filter((client) => client.name === name && client.revokedAt !== undefined)
    if (keys.length === 0) {
      return yield* new ClientNotFound({ name: name.slice(0, 64), message: `No client named "${name.slice(0, 64)}".` })
    }
    yield* KeyRevocations.pipe(
      Effect.flatMap((revocations) => revocations.publish(keys)),
      Effect.provide(KeyRevocations.Default.pipe(Layer.provide(RedisStateStore)))
    )
    yield* Console.log(
      `${revoked ? "revoked" : "already revoked:"} client "${name}"; published to the shared security state, ` +
        "so every replica refuses its key within a second"
    )
  })).pipe(Command.withDescription(withEnvironment(
    "clients revoke",
    "revoke a client's API key at once (on every replica, with OPERA_MCP_STATE_URL)"
  )))

export const clientsCommand = Command.make("clients").pipe(
  Command.withDescription("manage the API keys of HTTP clients (OPERA_MCP_CLIENTS_FILE)"),
  Command.withSubcommands([add, list, revoke, blockCommand, unblockCommand]),
  Command.transformHandler(reportStartupErrors),
  Command.provide(ClientStore.Default)
)
