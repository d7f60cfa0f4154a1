import { FileSystem } from "@effect/platform"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { Clock, Config, Effect, Option, Ref, Schema } from "effect"
import { optionalText } from "../../config/settings.js"
import { findKey, generateApiKey, generateSalt, hashApiKey } from "./apiKey.js"
import type { AuthenticatedClient, ClientPolicy, ClientRecord } from "./ClientRecord.js"
import {
  ClientAlreadyExists,
  clientNamePattern,
  ClientNotFound,
  ClientsFile,
  ClientsFileProblem,
  emptyClientsFile,
  InvalidClientName
} from "./ClientRecord.js"

export const clientsFileSetting = "OPERA_MCP_CLIENTS_FILE"

const clientsConfig = Config.all({
  file: optionalText(clientsFileSetting),
  xdgConfigHome: optionalText("XDG_CONFIG_HOME"),
  home: optionalText("HOME")
})

/** OPERA_MCP_CLIENTS_FILE, else $XDG_CONFIG_HOME/opera-cloud-mcp/clients.json, else ~/.config/…. */
const resolvePath = (settings: Config.Config.Success<typeof clientsConfig>) =>
  settings.file.pipe(
    Option.orElse(() => Option.map(settings.xdgConfigHome, (dir) => `${dir.replace(/\/+$/, "")}/opera-cloud-mcp`)
      .pipe(Option.map((dir) => `${dir}/clients.json`))),
    Option.orElse(() => Option.map(settings.home, (dir) => `${dir.replace(/\/+$/, "")}/.config/opera-cloud-mcp/clients.json`))
  )

const decodeFile = Schema.decodeUnknown(Schema.parseJson(ClientsFile))

interface Snapshot {
  readonly stamp: string
  readonly clients: ReadonlyArray<ClientRecord>
}

/**
 * The API-key clients of the HTTP transport, in a JSON file (mode 0600) that
 * holds names, per-client policy and salted HMACs of the keys, never a key.
 * The server re-reads the file whenever it changes, so `clients revoke` takes
 * effect on the next request without a restart.
 */
export class ClientStore extends Effect.Service<ClientStore>()("opera/ClientStore", {
  effect: Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Option.match(resolvePath(yield* clientsConfig), {
      onSome: Effect.succeed,
      onNone: () => new ClientsFileProblem({ message: `${clientsFileSetting} is not set and neither is HOME: set the path` })
    })
    const problem = (what: string) => () =>
      new ClientsFileProblem({ message: `clients file ${path}: ${what}. Check the path and its permissions.` })

    const stampOf = fs.stat(path).pipe(
      Effect.map((info) => `${Option.getOrElse(Option.map(info.mtime, (d) => d.getTime()), () => 0)}:${info.size}:${info.ino._tag === "Some" ? info.ino.value : 0}`),
      Effect.catchTag("SystemError", (error) => error.reason === "NotFound" ? Effect.succeed("missing") : Effect.fail(error)),
      Effect.mapError(problem("cannot be read"))
    )

    const read = Effect.gen(function*() {
      const stamp = yield* stampOf
      if (stamp === "missing") return { stamp, clients: emptyClientsFile.clients }
      const text = yield* fs.readFileString(path).pipe(Effect.mapError(problem("cannot be read")))
      const file = yield* decodeFile(text).pipe(Effect.mapError(problem("is not a valid clients file")))
      return { stamp, clients: file.clients }
    })

    const cache = yield* Ref.make<Snapshot>({ stamp: "", clients: [] })

    /** The current clients, re-read only when the file changed. */
    const current = Effect.gen(function*() {
      const stamp = yield* stampOf
      const cached = yield* Ref.get(cache)
      if (cached.stamp === stamp) return cached.clients
      const fresh = yield* read
      yield* Ref.set(cache, fresh)
      return fresh.clients
    })

    // Atomic replace: a reader sees the old file or the new one, never half of one.
    const write = (clients: ReadonlyArray<ClientRecord>) =>
      Effect.gen(function*() {
        const dir = path.slice(0, Math.max(path.lastIndexOf("/"), 0))
        if (dir !== "") yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
        const temp = `${path}.${generateSalt().replace(/[^A-Za-z0-9]/g, "").slice(0, 8)}.tmp`
        const body = JSON.stringify({ version: 1, clients } satisfies ClientsFile, null, 2)
        yield* fs.writeFileString(temp, `${body}\n`, { mode: 0o600 })
        yield* fs.rename(temp, path)
      }).pipe(Effect.mapError(problem("cannot be written")))

    const checkName = (name: string) =>
      clientNamePattern.test(name) ? Effect.void : Effect.fail(
        new InvalidClientName({
          message: "A client name is 1-64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter."
        })
      )

    /** Issue a key for a new client. The key is returned once and never stored. */
    const add = Effect.fn("ClientStore.add")(function*(name: string, policy: ClientPolicy) {
      yield* checkName(name)
      const { clients } = yield* read
      if (clients.some((client) => client.name === name && client.revokedAt === undefined)) {
        return yield* new ClientAlreadyExists({
          name,
          message: `A client named "${name}" already exists. Revoke it first, or choose another name.`
        })
      }
      const apiKey = generateApiKey()
      const salt = generateSalt()
      const record: ClientRecord = {
        name,
        salt,
        keyHash: hashApiKey(apiKey, salt),
        keyHint: apiKey.slice(0, 8),
        policy,
        createdAt: yield* Clock.currentTimeMillis
      }
      yield* write([...clients.filter((client) => client.name !== name), record])
      return { record, apiKey } as const
    })

    /** Every client, revoked ones included. */
    const list = Effect.map(read, (snapshot) => snapshot.clients).pipe(Effect.withSpan("ClientStore.list"))

    /** Revoke a client's key; the running server refuses it from its next request on. */
    const revoke = Effect.fn("ClientStore.revoke")(function*(name: string) {
      const { clients } = yield* read
      const target = clients.find((client) => client.name === name && client.revokedAt === undefined)
      if (target === undefined) {
        return yield* new ClientNotFound({ name: name.slice(0, 64), message: `No active client named "${name.slice(0, 64)}".` })
      }
      const now = yield* Clock.currentTimeMillis
      yield* write(clients.map((client) => client === target ? { ...client, revokedAt: now } : client))
    })

    /** The record of the active client this key belongs to; constant time over all clients. */
    const findActive = Effect.fn("ClientStore.findActive")(function*(apiKey: string) {
      const active = (yield* current).filter((client) => client.revokedAt === undefined)
      return Option.fromNullable(active[findKey(apiKey, active)])
    })

    /** The active client this key belongs to; constant time over all clients. */
    const authenticate = (apiKey: string) =>
      findActive(apiKey).pipe(
        Effect.map(Option.map((client): AuthenticatedClient => ({ name: client.name, policy: client.policy })))
      )

    /** How many clients may authenticate now. */
    const activeCount = Effect.map(current, (clients) => clients.filter((client) => client.revokedAt === undefined).length)

    return { path, add, list, revoke, findActive, authenticate, activeCount } as const
  }),
  dependencies: [NodeFileSystem.layer]
}) {}
