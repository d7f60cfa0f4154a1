import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { redisMissing } from "../support/redisServer.js"
import type { AnySession, Needle, ReplicaFleet } from "../support/replicaFleet.js"
import {
  connectLegacySession,
  connectModern,
  eventually,
  leaksIn,
  readinessOf,
  startFleet,
  textOf
} from "../support/replicaFleet.js"

// Exact bounds: the limit per client and tool in the window, the failures that lock a client out.
const limit = 9
const maxFailures = 3
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
const unreachable = "the shared security state is unreachable"

type Era = "2026-07-28" | "2025"
const eras: ReadonlyArray<Era> = ["2026-07-28", "2025"]
const connect = (era: Era, url: string, key: string): Promise<AnySession> =>
  era === "2026-07-28" ? connectModern(url, key) : connectLegacySession(url, key)

const closeAll = (sessions: ReadonlyArray<AnySession>) => Promise.all(sessions.map((session) => session.close()))

// Three replicas of the built binary on one Redis, one OPERA sandbox and a round-robin proxy; the fixture
// is shared by the file's tests (each test uses clients of its own, so their limits and lockouts are apart).
describe.skipIf(redisMissing !== undefined)("three serve --http replicas on one Redis, behind a round-robin proxy", () => {
  let fleet: ReplicaFleet
  // What the tests saw that must never be in Redis: confirmation tokens, the guests they booked.
  const seen: Array<Needle> = []

  beforeAll(async () => {
    fleet = await startFleet({
      // As in production: lockouts and blocks must outlive a Redis restart.
      redisAppendOnly: true,
      settings: {
        OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: String(limit),
        OPERA_SECURITY_AUTH_RATE_LIMIT_WINDOW_MINUTES: "1",
        OPERA_SECURITY_MAX_FAILED_ATTEMPTS: String(maxFailures),
        OPERA_MCP_REQUIRE_CONFIRMATION: "true",
        OPERA_MCP_CONFIRMATION_MODE: "token"
      },
      // Each replica follows its own setting while Redis is away; the third lets reads through.
      replicaSettings: [{}, {}, { OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE: "allow" }],
      clients: {
        "rate-modern": { readOnly: false },
        "rate-legacy": { readOnly: false },
        "fails-on-one": { readOnly: false },
        "fails-on-each": { readOnly: false },
        "confirm-modern": { readOnly: false },
        "confirm-legacy": { readOnly: false },
        "outage": { readOnly: false }
      }
    })
  }, 120_000)
  afterAll(async () => {
    await fleet?.dispose()
  }, 60_000)

  const rateLimited = (text: string) => {
    const match = /^Rate limit reached for list_hotels: at most (\d+) calls per 1 minute\(s\)\. Try again in (\d+) second\(s\)\./
      .exec(text)
    expect(match, text).not.toBeNull()
    expect(Number(match![1])).toBe(limit)
    const retryAfter = Number(match![2])
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
  }

  it("2026-07-28, round robin: exactly the limit passes in the window over all replicas, then each refuses with a retry-after", async () => {
    const session = await connectModern(fleet.url, fleet.keys["rate-modern"]!)
    try {
      const before = fleet.proxy.forwarded()
      for (let call = 0; call < limit; call++) {
        const answer = await session.call("list_hotels")
        expect(answer.isError, textOf(answer)).toBeFalsy()
      }
      for (let call = 0; call < 3; call++) {
        const refused = await session.call("list_hotels")
        expect(refused.isError).toBe(true)
        rateLimited(textOf(refused))
      }
      // The calls were spread: each replica answered at least a third of them.
      const spread = fleet.proxy.forwarded().map((count, index) => count - before[index]!)
      for (const count of spread) expect(count).toBeGreaterThanOrEqual(Math.floor((limit + 3) / 3))
    } finally {
      await session.close()
    }
  })

  it("2025: a session lives on one replica; with one session on each, the limit is still one bound", async () => {
    const key = fleet.keys["rate-legacy"]!
    const sessions = [
      await connectLegacySession(fleet.url, key),
      await connectLegacySession(fleet.url, key),
      await connectLegacySession(fleet.url, key)
    ]
    try {
      const homes = sessions.map((session) => fleet.proxy.replicaOfSession(session.sessionId()!))
      expect(new Set(homes).size).toBe(3)

      // Another replica does not know the session: 404, which tells a 2025 client to initialize again.
      const home = homes[0]!
      const elsewhere = await fetch(fleet.replicaUrls[(home + 1) % 3]!, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-session-id": sessions[0]!.sessionId()!,
          "mcp-protocol-version": "2025-06-18"
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list", params: {} })
      })
      expect(elsewhere.status).toBe(404)
      expect(await elsewhere.text()).toContain("Session not found")

      for (let call = 0; call < limit; call++) {
        const answer = await sessions[call % 3]!.call("list_hotels")
        expect(answer.isError, textOf(answer)).toBeFalsy()
      }
      for (const session of sessions) {
        const refused = await session.call("list_hotels")
        expect(refused.isError).toBe(true)
        rateLimited(textOf(refused))
      }
    } finally {
      await closeAll(sessions)
    }
  })

  const expectLockedOut = async (name: string) => {
    for (const url of fleet.replicaUrls) {
      const session = await connectModern(url, fleet.keys[name]!)
      try {
        const refused = await session.call("list_hotels")
        expect(refused.isError).toBe(true)
        expect(textOf(refused)).toMatch(/^This client is locked out after repeated failed or refused calls, until /)
      } finally {
        await session.close()
      }
    }
  }

  it("a lockout from failures on one replica refuses the client on every replica", async () => {
    const one = await connectModern(fleet.replicaUrls[0]!, fleet.keys["fails-on-one"]!)
    try {
      for (let failure = 0; failure < maxFailures; failure++) {
        const refused = await one.call("get_reservation", {})
        expect(refused.isError).toBe(true)
        expect(textOf(refused)).not.toContain("locked out")
      }
    } finally {
      await one.close()
    }
    await expectLockedOut("fails-on-one")
  })

  it("failures spread over the replicas add up to one lockout", async () => {
    for (const url of fleet.replicaUrls) {
      const session = await connectModern(url, fleet.keys["fails-on-each"]!)
      try {
        expect((await session.call("get_reservation", {})).isError).toBe(true)
      } finally {
        await session.close()
      }
    }
    await expectLockedOut("fails-on-each")
  })

  it("wrong keys from one address, on one replica, lock the address out on every replica; a valid key still passes", async () => {
    const wrong = (n: number) => "ocm_" + String(n).padStart(43, "Q")
    const initialize = (url: string, key: string) =>
      fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream"
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
        })
      })
    for (let attempt = 0; attempt < maxFailures; attempt++) {
      expect((await initialize(fleet.replicaUrls[0]!, wrong(attempt))).status).toBe(401)
    }
    for (const url of fleet.replicaUrls.slice(1)) {
      const refused = await initialize(url, wrong(9))
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0)
    }
    const valid = await connectModern(fleet.replicaUrls[2]!, fleet.keys["rate-modern"]!)
    try {
      expect((await valid.call("security_health_check")).isError).toBeFalsy()
    } finally {
      await valid.close()
    }
  })

  const book = async (session: AnySession, surname: string) => {
    const created = await session.call("create_reservation", {
      guest: { givenName: "Ada", surname },
      arrivalDate: inDays(40),
      departureDate: inDays(42),
      roomType: "KING",
      ratePlanCode: "BAR",
      adults: 1
    })
    expect(created.isError, textOf(created)).toBeFalsy()
    seen.push({ what: `the guest name Ada ${surname}`, value: surname })
    return (created.structuredContent as { reservation: { reservationId: string } }).reservation.reservationId
  }

  const statusOf = async (session: AnySession, reservationId: string) => {
    const read = await session.call("get_reservation", { reservationId })
    return (read.structuredContent as { reservation: { status: string } }).reservation.status
  }

  for (const era of eras) {
    it(`${era}: a confirmation token issued on one replica works once on a second and is refused on a third`, async () => {
      const key = fleet.keys[era === "2025" ? "confirm-legacy" : "confirm-modern"]!
      const [first, second, third] = await Promise.all(fleet.replicaUrls.map((url) => connect(era, url, key)))
      try {
        const reservationId = await book(first!, `Replicated${era === "2025" ? "Legacy" : "Modern"}`)
        const asked = await first!.call("cancel_reservation", { reservationId })
        expect(asked.isError, textOf(asked)).toBeFalsy()
        const token = (asked.structuredContent as { confirmationRequired: { confirmationToken: string } })
          .confirmationRequired.confirmationToken
        seen.push({ what: `a confirmation token (${era})`, value: token })
        expect(await statusOf(first!, reservationId)).toBe("Reserved")

        const confirmed = await second!.call("cancel_reservation", { reservationId, confirmationToken: token })
        expect(confirmed.isError, textOf(confirmed)).toBeFalsy()
        expect(await statusOf(third!, reservationId)).toBe("Cancelled")

        const replayed = await third!.call("cancel_reservation", { reservationId, confirmationToken: token })
        expect(replayed.isError).toBe(true)
        expect(textOf(replayed)).toContain("This confirmation token was already used.")
      } finally {
        await closeAll([first!, second!, third!])
      }
    })
  }

  it("Redis holds no token, key, secret, client name, address or guest data in clear", async () => {
    const contents = fleet.redis.dump()
    // The scan read the state the tests made: windows, failures and lockouts, confirmation records.
    expect(contents).toContain("opera-mcp:rl:")
    expect(contents).toContain("opera-mcp:lockouts")
    expect(contents).toContain("opera-mcp:once:")
    const guests = fleet.opera.sandbox.seededGuests.flatMap((guest): Array<Needle> => [
      { what: `a seeded guest's name (${guest.profileId})`, value: `${guest.givenName} ${guest.surname}` },
      ...(guest.email === undefined ? [] : [{ what: `a seeded guest's e-mail (${guest.profileId})`, value: guest.email }]),
      ...(guest.phone === undefined ? [] : [{ what: `a seeded guest's phone (${guest.profileId})`, value: guest.phone }])
    ])
    const clients = Object.keys(fleet.keys).map((name) => ({ what: `the client name ${name}`, value: name }))
    const needles = [
      ...(await fleet.secrets()),
      ...seen,
      ...guests,
      ...clients,
      { what: "the source address", value: "127.0.0.1" }
    ]
    expect(leaksIn(contents, needles)).toEqual([])
  })

  it("a full Redis (maxmemory-policy noeviction) drops no lockout, and a confirmation it cannot store is refused", async () => {
    const session = await connectModern(fleet.url, fleet.keys["outage"]!)
    try {
      const reservationId = await book(session, "FullRedis")
      expect(fleet.redis.cli("CONFIG", "GET", "maxmemory-policy")).toContain("noeviction")
      fleet.redis.cli("CONFIG", "SET", "maxmemory", "1")
      try {
        await expectLockedOut("fails-on-one")
        const refused = await session.call("cancel_reservation", { reservationId })
        expect(refused.isError).toBe(true)
        expect(textOf(refused)).toContain(`Refused: ${unreachable}`)
      } finally {
        fleet.redis.cli("CONFIG", "SET", "maxmemory", "0")
      }
      const asked = await session.call("cancel_reservation", { reservationId })
      expect(asked.structuredContent, textOf(asked)).toHaveProperty("confirmationRequired")
    } finally {
      await session.close()
    }
  })

  it("a lockout survives a restart of every replica", async () => {
    await fleet.restartReplicas()
    await expectLockedOut("fails-on-one")
  }, 60_000)

  it("Redis killed mid-run: changes refused with a clear message, reads per each replica's setting, readiness degraded, recovery on restart", async () => {
    const key = fleet.keys["outage"]!
    const sessions = await Promise.all(fleet.replicaUrls.map((url) => connectModern(url, key)))
    try {
      const reservationId = await book(sessions[0]!, "Outage")
      // In flight when Redis dies: every call either completes or is refused with the message, none hangs.
      const inFlight = Promise.all([0, 1, 2, 0, 1, 2].map((index) => sessions[index]!.call("get_reservation", { reservationId })))
      await fleet.redis.stop()
      for (const answer of await inFlight) {
        if (answer.isError === true) expect(textOf(answer)).toContain(unreachable)
      }

      for (const [index, session] of sessions.entries()) {
        const write = await session.call("cancel_reservation", { reservationId })
        expect(write.isError).toBe(true)
        expect(textOf(write)).toContain(`Refused: ${unreachable}`)
        expect(textOf(write)).toContain("Nothing was changed.")

        const read = await session.call("get_reservation", { reservationId })
        if (index === 2) {
          expect(read.isError, textOf(read)).toBeFalsy()
        } else {
          expect(read.isError).toBe(true)
          expect(textOf(read)).toContain(unreachable)
        }

        const health = textOf(await session.call("security_health_check"))
        expect(health).toContain(
          `security state: redis UNREACHABLE — calls that change data are refused, reads are ${index === 2 ? "allowed" : "refused"}`
        )
      }
      for (const base of fleet.replicaBases) {
        await eventually(async () => (await readinessOf(base)).status === 503, `${base}/readyz to answer 503`)
        expect((await readinessOf(base)).body).toMatchObject({ ready: false, connector: "opera", upstream: "reachable", securityState: "unreachable" })
      }
      // Refused before OPERA: no replica sent the cancellation.
      const cancellations = async () =>
        (await fleet.operaTraffic()).filter((exchange) =>
          exchange.method === "POST" && exchange.path.endsWith(`/reservations/${reservationId}/cancellations`)
        ).length
      expect(await cancellations()).toBe(0)
      expect(await statusOf(sessions[2]!, reservationId)).toBe("Reserved")

      await fleet.redis.start()
      for (const base of fleet.replicaBases) {
        await eventually(async () => (await readinessOf(base)).status === 200, `${base}/readyz to recover`)
      }
      for (const session of sessions) {
        expect(textOf(await session.call("security_health_check"))).toContain("security state: redis, ok")
      }
      // Redis kept its data (append-only file): the lockout from before the outage still holds everywhere.
      await expectLockedOut("fails-on-one")
      // The shared state works again across replicas: a token issued on one is taken on another.
      const asked = await sessions[0]!.call("cancel_reservation", { reservationId })
      const token = (asked.structuredContent as { confirmationRequired: { confirmationToken: string } })
        .confirmationRequired.confirmationToken
      const confirmed = await sessions[1]!.call("cancel_reservation", { reservationId, confirmationToken: token })
      expect(confirmed.isError, textOf(confirmed)).toBeFalsy()
      expect(await statusOf(sessions[2]!, reservationId)).toBe("Cancelled")
      expect(await cancellations()).toBe(1)
    } finally {
      await closeAll(sessions)
    }
  }, 90_000)

  it("no replica logged a key, token or secret", async () => {
    expect(leaksIn(fleet.stderr(), [...(await fleet.secrets()), ...seen.filter((needle) => needle.what.startsWith("a confirmation"))]))
      .toEqual([])
  })
})
