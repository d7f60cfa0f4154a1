import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RedisServer } from "../support/redisServer.js"
import { redisMissing, startRedis } from "../support/redisServer.js"
import type { ServerSession } from "../support/serverProcess.js"
import { startServer, textOf } from "../support/serverProcess.js"

const waitFor = async (check: () => Promise<boolean>, what: string) => {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

// Through the built binary: a server on Redis that loses it refuses, says so, and heals by itself.
describe.skipIf(redisMissing !== undefined)("serve with OPERA_MCP_STATE_URL (real redis-server)", () => {
  let redis: RedisServer
  let session: ServerSession

  beforeAll(async () => {
    redis = await startRedis()
    session = await startServer({
      args: ["serve", "--sandbox"],
      env: {
        OPERA_MCP_STATE_URL: redis.url,
        OPERA_MCP_STATE_KEY: "a-shared-key-of-the-replicas-0123456789abcdef",
        OPERA_MCP_STATE_TIMEOUT_MS: "300"
      }
    })
  }, 60_000)
  afterAll(async () => {
    await session?.close()
    await redis?.dispose()
  })

  it("Redis away: a write is refused with a clear message, the health check says so, and it recovers", async () => {
    const health = async () => textOf(await session.call("security_health_check"))
    expect(await health()).toContain("security state: redis, ok")
    await redis.stop()
    const refused = await session.call("cancel_reservation", { reservationId: "1001", reason: { code: "GUEST" } })
    expect(refused.isError).toBe(true)
    expect(textOf(refused)).toContain("the shared security state is unreachable")
    const read = await session.call("get_reservation", { reservationId: "1001" })
    expect(textOf(read)).toContain("the shared security state is unreachable")
    expect(await health()).toContain("security state: redis UNREACHABLE")
    await redis.start()
    await waitFor(async () => (await health()).includes("security state: redis, ok"), "the health check to recover")
    const after = await session.call("get_reservation", { reservationId: "1001" })
    expect(textOf(after)).not.toContain("the shared security state is unreachable")
    expect(session.stderr()).not.toContain("a-shared-key-of-the-replicas")
  }, 60_000)
})
