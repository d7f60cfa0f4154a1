import { spawnSync } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startRawServer } from "../reliability/rawServer.js"
import type { JsonRpcAnswer, RawServer } from "../reliability/rawServer.js"
import { fuzzSettings } from "../reliability/support.js"
import { freshDatabase } from "../security/audit/pg/pgFixtures.js"
import { postgresMissing, startPostgres } from "../support/postgresServer.js"
import type { PostgresServer } from "../support/postgresServer.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { builtBinary } from "../support/serverProcess.js"

const rounds = 10
const inFlight = 12

const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnSync(process.execPath, [builtBinary, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 60_000 })

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

if (postgresMissing !== undefined) console.warn(postgresMissing)

describe.skipIf(postgresMissing !== undefined)("three servers append to one PostgreSQL audit log; one is SIGKILLed mid-write", () => {
  let pg: PostgresServer
  let opera: RunningSandbox
  beforeAll(async () => {
    pg = await startPostgres()
    opera = await startSandbox({
      ...fuzzSettings,
      OPERA_MCP_REQUIRE_CONFIRMATION: "false",
      OPERA_SECURITY_ENABLE_ANOMALY_DETECTION: "false"
    })
  }, 60_000)
  afterAll(async () => {
    await opera?.stop()
    await pg?.stop()
  })

  it(`${rounds} kills: audit verify passes over every chain and every acknowledged call has its rows`, async () => {
    const db = freshDatabase(pg)
    // The owner runs init-db (schema and identity), then the roles; the servers connect as the writer role.
    const init = cli(["audit", "init-db"], { ...opera.env, OPERA_SECURITY_AUDIT_DB_URL: db.ownerUrl })
    expect(init.status, init.stderr).toBe(0)
    expect(init.stdout).toMatch(/schema of postgres:\/\/owner_\w+@127\.0\.0\.1:\d+\/\w+ is at version 2/)
    const roles = db.grantRoles()
    const writerEnv = () => ({
      ...opera.env,
      // Each server keeps its own security-state file (beside a per-server path); the audit log is shared.
      OPERA_SECURITY_AUDIT_DB_PATH: join(mkdtempSync(join(tmpdir(), "pg-writer-")), "audit.db"),
      OPERA_SECURITY_AUDIT_DB_URL: roles.writerUrl,
      OPERA_SECURITY_AUDIT_WRITER_LEASE_SECONDS: "5"
    })
    let nextId = 1
    const book = (server: RawServer, round: number, calls: number) => {
      const answers: Array<Promise<JsonRpcAnswer | undefined>> = []
      for (let call = 0; call < calls; call++) {
        const id = nextId++
        server.send({
          id,
          method: "tools/call",
          params: {
            name: "create_reservation",
            arguments: {
              guest: { givenName: "Writer", surname: `Test${round}x${id}` },
              arrivalDate: inDays(40 + (id % 20)),
              departureDate: inDays(41 + (id % 20)),
              roomType: "KING",
              ratePlanCode: "BAR",
              adults: 1
            }
          }
        })
        answers.push(server.answer(id, 60_000).catch(() => undefined))
      }
      return answers
    }
    const succeeded = (answers: ReadonlyArray<JsonRpcAnswer | undefined>) =>
      answers.filter((answer) => answer?.result !== undefined && answer.result.isError !== true).length

    const steady = [startRawServer(writerEnv()), startRawServer(writerEnv())]
    let acknowledged = 0
    try {
      await Promise.all(steady.map((server) => server.initialize()))
      for (let round = 0; round < rounds; round++) {
        const victim = startRawServer(writerEnv())
        try {
          await victim.initialize()
          const others = steady.flatMap((server) => book(server, round, inFlight))
          const doomed = book(victim, round, inFlight)
          // Kill once some of the victim's calls are answered and others are still in flight.
          const killAfter = 2 + (round % 6)
          const started = Date.now()
          const answered = () => (victim.stdout().match(/"jsonrpc"/g) ?? []).length - 1
          while (answered() < killAfter && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 2))
          victim.kill()
          await victim.exited(10_000)
          await new Promise((resolve) => setTimeout(resolve, 100))
          const settled = await Promise.all(doomed.map((answer) => Promise.race([answer, Promise.resolve(undefined)])))
          acknowledged += succeeded(settled)
          acknowledged += succeeded(await Promise.all(others))
          expect(victim.stderr()).not.toMatch(/\n\s+at /)
        } finally {
          victim.kill()
        }
      }
    } finally {
      for (const server of steady) {
        server.process.stdin.end()
        await server.exited(20_000).catch(() => server.kill())
      }
    }
    expect(acknowledged).toBeGreaterThan(2 * rounds * inFlight)

    const readerEnv = { ...opera.env, OPERA_SECURITY_AUDIT_DB_URL: roles.readerUrl }
    const verify = cli(["audit", "verify", "--json"], readerEnv)
    expect(verify.status, verify.stdout + verify.stderr).toBe(0)
    const verdict = JSON.parse(verify.stdout) as { ok: boolean; rowsChecked: number; chains: ReadonlyArray<unknown> }
    expect(verdict.ok).toBe(true)
    expect(verdict.chains.length).toBeGreaterThanOrEqual(3)
    const report = cli(["audit", "report", "--hours", "1", "--json"], readerEnv)
    expect(report.status, report.stderr).toBe(0)
    const totals = (JSON.parse(report.stdout) as { totals: { succeeded: number; unknownOutcome: number } }).totals
    // Every call a client saw succeed has its outcome row, whichever writer ran it.
    expect(totals.succeeded).toBeGreaterThanOrEqual(acknowledged)
  }, 600_000)
})
