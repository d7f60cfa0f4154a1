import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import { copyFileSync, readFileSync } from "node:fs"
import { AppLayer } from "../../../src/Runtime.js"
import { Sandbox } from "../../../src/connectors/opera/sandbox/Sandbox.js"
import { KeyRevocations } from "../../../src/security/clients/KeyRevocations.js"
import { RedisStateStore } from "../../../src/security/state/RedisStateStore.js"
import { CallContext } from "../../../src/tools/CallContext.js"
import { ToolRegistry } from "../../../src/tools/ToolRegistry.js"
import type { HttpFixture } from "../../mcp/http/harness.js"
import { initializeBody, mcpHeaders, rawRequest, startHttpFixture } from "../../mcp/http/harness.js"
import type { RedisServer } from "../../support/redisServer.js"
import { redisMissing, startRedis } from "../../support/redisServer.js"

const shared = (redis: RedisServer) => ({
  OPERA_MCP_STATE_URL: redis.url,
  OPERA_MCP_STATE_KEY: "a-shared-key-of-the-replicas-0123456789abcdef",
  OPERA_MCP_STATE_TIMEOUT_MS: "500",
  OPERA_MCP_REQUEST_STATE_KEY: "a-round-key-shared-by-the-replicas-0123456789"
})

/** Runs `body` with these variables in process.env (the runtime reads them as it is built), restoring them after. */
const withEnv = async <A>(env: Record<string, string | undefined>, body: () => Promise<A>): Promise<A> => {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]))
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  apply(env)
  try {
    return await body()
  } finally {
    apply(saved)
  }
}

type Replica = ManagedRuntime.ManagedRuntime<ToolRegistry, unknown>

/** One server (the real runtime over its embedded sandbox), built now under `env`. */
const replica = (env: Record<string, string | undefined>) =>
  withEnv(env, async () => {
    const runtime: Replica = ManagedRuntime.make(AppLayer({ _tag: "Sandbox" }))
    await runtime.runtime()
    return runtime
  })

/** The scraper's calls through `dispatch`, round-robin over the replicas: the 1-based call it is refused at. */
const scrape = async (replicas: ReadonlyArray<Replica>, clientId: string) => {
  const guests = await replicas[0]!.runPromise(Effect.serviceOption(Sandbox).pipe(
    Effect.map(Option.match({ onNone: () => [], onSome: (sandbox) => sandbox.seededGuests.slice(0, 120) }))
  ))
  expect(guests.length).toBeGreaterThan(60)
  for (const [index, guest] of guests.entries()) {
    const outcome = await replicas[index % replicas.length]!.runPromise(ToolRegistry.pipe(
      Effect.flatMap((registry) => registry.dispatch("get_guest_profile", { profileId: guest.profileId })),
      Effect.provideService(CallContext, { clientId, transport: "http" })
    ))
    if (outcome.isError) {
      expect(outcome.text).toMatch(/blocked|high risk/i)
      return { refusedAt: index + 1, read: guests.slice(0, index) }
    }
  }
  return { refusedAt: -1, read: guests }
}

describe.skipIf(redisMissing !== undefined)("shared decisions through the tool-call pipeline (real redis-server)", () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.dispose()
  })

  it("a scraper rotating over two replicas is refused at the same call as against one server", async () => {
    const alone = await replica({ OPERA_MCP_STATE_URL: undefined })
    const [a, b] = [await replica(shared(redis)), await replica(shared(redis))]
    try {
      const single = await scrape([alone], "http#scraper-alone")
      expect(single.refusedAt, "the scrape was never refused").toBeGreaterThan(5)
      const spread = await scrape([a, b], "http#scraper-spread")
      expect(spread.refusedAt).toBe(single.refusedAt)
      // The block the incident opened is refused on both replicas.
      for (const on of [a, b]) {
        const after = await on.runPromise(ToolRegistry.pipe(
          Effect.flatMap((registry) => registry.dispatch("list_hotels", {})),
          Effect.provideService(CallContext, { clientId: "http#scraper-spread", transport: "http" })
        ))
        expect(after.isError).toBe(true)
      }
      const contents = redis.dump()
      expect(contents).toContain("opera-mcp:threat:")
      // The behaviour entries themselves are scanned, not only the keys.
      expect(contents).toContain('"tool":"get_guest_profile"')
      // Guests appear in Redis only as keyed hashes: no profile id, name or e-mail of the guests read.
      // (As whole tokens: a short number may well occur inside a timestamp.)
      const tokens = new Set(contents.split(/[^0-9A-Za-z@._-]+/))
      for (const guest of spread.read) {
        for (const value of [guest.profileId, guest.surname, guest.email]) if (value !== undefined) expect(tokens.has(value)).toBe(false)
        if (guest.email !== undefined) expect(contents).not.toContain(guest.email)
      }
      console.log(`[shared] scraper refused at call ${spread.refusedAt} on two replicas, ${single.refusedAt} on one server`)
    } finally {
      await Promise.all([alone.dispose(), a.dispose(), b.dispose()])
    }
  }, 120_000)

  describe("two HTTP replicas on one Redis, each with its own copy of the clients file", () => {
    let a: HttpFixture
    let b: HttpFixture
    beforeAll(async () => {
      a = await startHttpFixture({ ...shared(redis), OPERA_MCP_REQUIRE_CONFIRMATION: "true" }, { desk: { readOnly: false } })
      const copy = `${a.clientsFile}.replica-b.json`
      copyFileSync(a.clientsFile, copy)
      b = await startHttpFixture({ ...shared(redis), OPERA_MCP_REQUIRE_CONFIRMATION: "true", OPERA_MCP_CLIENTS_FILE: copy }, {})
    }, 60_000)
    afterAll(async () => {
      await b?.stop()
      await a?.stop()
    })

    let id = 0
    const modernCall = async (
      replicaOf: HttpFixture,
      name: string,
      args: Record<string, unknown>,
      retry?: { readonly state: string }
    ) => {
      const answer = await rawRequest(replicaOf.server.url, {
        headers: { ...mcpHeaders(a.keys.desk), "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": name },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: ++id,
          method: "tools/call",
          params: {
            name,
            arguments: args,
            ...(retry !== undefined
              ? { inputResponses: { confirm: { action: "accept", content: { confirm: true } } }, requestState: retry.state }
              : {}),
            _meta: {
              "io.modelcontextprotocol/protocolVersion": "2026-07-28",
              "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} } }
            }
          }
        })
      })
      expect(answer.status, answer.body).toBe(200)
      return (JSON.parse(answer.body) as {
        result: { resultType?: string; requestState?: string; isError?: boolean; structuredContent?: any; content?: unknown }
      }).result
    }

    it("a confirmation round answered on A cannot be replayed on B", async () => {
      // Both sandboxes are seeded alike: the same reservation is due in on A and on B.
      const listed = await modernCall(a, "search_reservations", { limit: 1, status: "DueIn" })
      const target = (listed.structuredContent.reservations as Array<{ reservationId: string }>)[0]!
      const asked = await modernCall(a, "cancel_reservation", { reservationId: target.reservationId })
      expect(asked.resultType).toBe("input_required")
      const state = { state: asked.requestState! }
      const done = await modernCall(a, "cancel_reservation", { reservationId: target.reservationId }, state)
      expect(done.resultType ?? "complete").toBe("complete")
      expect(done.isError ?? false, JSON.stringify(done)).toBe(false)
      // B's sandbox still holds the reservation: a replay there is asked again, not obeyed.
      const replayed = await modernCall(b, "cancel_reservation", { reservationId: target.reservationId }, state)
      expect(replayed.resultType).toBe("input_required")
    }, 60_000)

    it("a key revoked through the shared state is refused by both replicas within a second", async () => {
      const initialize = (on: HttpFixture) =>
        rawRequest(on.server.url, { headers: mcpHeaders(a.keys.desk), body: initializeBody }).then((answer) => answer.status)
      expect([await initialize(a), await initialize(b)]).toEqual([200, 200])
      const file = JSON.parse(readFileSync(a.clientsFile, "utf8")) as { clients: Array<{ name: string; keyHash: string }> }
      const record = file.clients.find((client) => client.name === "desk")!
      // What `clients revoke` does with OPERA_MCP_STATE_URL, from a process of its own.
      const cli = await withEnv(shared(redis), async () => ManagedRuntime.make(KeyRevocations.Default.pipe(Layer.provide(RedisStateStore))))
      const revokedAt = Date.now()
      try {
        await cli.runPromise(KeyRevocations.pipe(Effect.flatMap((revocations) => revocations.publish([record]))))
      } finally {
        await cli.dispose()
      }
      const refusedAfter: Array<number> = []
      for (const on of [a, b]) {
        while (await initialize(on) !== 401) {
          if (Date.now() - revokedAt > 5000) throw new Error("the revoked key was still accepted after 5 s")
          await new Promise((resolve) => setTimeout(resolve, 20))
        }
        refusedAfter.push(Date.now() - revokedAt)
      }
      console.log(`[shared] revoked key refused by replica A after ${refusedAfter[0]} ms, B after ${refusedAfter[1]} ms`)
      expect(Math.max(...refusedAfter)).toBeLessThan(1000)
      expect(redis.dump()).not.toContain(record.keyHash)
      expect(redis.dump()).not.toContain(a.keys.desk!)
    }, 60_000)
  })
})

if (redisMissing !== undefined) {
  describe("shared decisions through the pipeline", () => {
    it.skip(redisMissing ?? "", () => undefined)
  })
}
