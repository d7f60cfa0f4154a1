import { spawnSync } from "node:child_process"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { builtBinary } from "../support/serverProcess.js"
import { startRawServer } from "./rawServer.js"
import type { JsonRpcAnswer } from "./rawServer.js"
import { fuzzSettings, scaled, scanForLeaks, stackTrace, writeSummary } from "./support.js"

const rounds = scaled(4, 1, 20)
const inFlight = 64

const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnSync(process.execPath, [builtBinary, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", timeout: 60_000 })

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

describe(`crash: SIGKILL during ${inFlight} concurrent writes, ${rounds} times`, () => {
  let opera: RunningSandbox
  const transcripts: Record<string, string> = {}
  const figures = { rounds: 0, sent: 0, acknowledged: 0, verifyFailures: 0, missingRows: 0 }

  beforeAll(async () => {
    opera = await startSandbox({
      ...fuzzSettings,
      OPERA_MCP_REQUIRE_CONFIRMATION: "false",
      // 64 bookings at once is this suite's load, not an attack: at night (off-hours) the burst would score high.
      OPERA_SECURITY_ENABLE_ANOMALY_DETECTION: "false"
    })
  })
  afterAll(async () => {
    await writeSummary("crash", figures)
    await opera?.stop()
  })

  it("after every restart audit verify passes and every acknowledged write has its rows", async () => {
    for (let round = 0; round < rounds; round++) {
      const server = startRawServer(opera.env)
      try {
        await server.initialize()
        const answers: Array<Promise<JsonRpcAnswer | undefined>> = []
        for (let call = 1; call <= inFlight; call++) {
          server.send({
            id: call,
            method: "tools/call",
            params: {
              name: "create_reservation",
              arguments: {
                guest: { givenName: "Crash", surname: `Test${round}x${call}` },
                arrivalDate: inDays(40 + (call % 20)),
                departureDate: inDays(41 + (call % 20)),
                roomType: "KING",
                ratePlanCode: "BAR",
                adults: 1
              }
            }
          })
          answers.push(server.answer(call, 60_000).catch(() => undefined))
        }
        figures.sent += inFlight
        // Kill once some calls are acknowledged and others are still in flight.
        const killAfter = 8 + ((round * 13) % 40)
        const started = Date.now()
        const acknowledged = () => (server.stdout().match(/"isError"/g) ?? []).length +
          (server.stdout().match(/"structuredContent"/g) ?? []).length
        while (acknowledged() < killAfter && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 2))
        server.kill()
        await server.exited(10_000)
        // Let every answer that arrived before the kill be picked up.
        await new Promise((resolve) => setTimeout(resolve, 100))
        const settled = await Promise.all(answers.map((answer) => Promise.race([answer, Promise.resolve(undefined)])))
        const succeeded = settled.filter((answer) => answer?.result !== undefined && answer.result.isError !== true)
        figures.acknowledged += succeeded.length
        transcripts[`stdout ${round}`] = server.stdout()
        transcripts[`stderr ${round}`] = server.stderr()
      } finally {
        server.kill()
      }
      figures.rounds++

      const verify = cli(["audit", "verify", "--json"], opera.env)
      const verified = JSON.parse(verify.stdout || "{}") as { ok?: boolean }
      if (verify.status !== 0 || verified.ok !== true) figures.verifyFailures++
      expect(verify.status, verify.stderr).toBe(0)
      expect(verified.ok).toBe(true)

      const report = cli(["audit", "report", "--hours", "1", "--json"], opera.env)
      expect(report.status, report.stderr).toBe(0)
      const totals = (JSON.parse(report.stdout) as { totals: { succeeded: number } }).totals
      // Every write the client saw succeed has its outcome row (intent rows are counted as pending).
      if (totals.succeeded < figures.acknowledged) figures.missingRows += figures.acknowledged - totals.succeeded
      expect(totals.succeeded).toBeGreaterThanOrEqual(figures.acknowledged)
    }
    expect(figures.acknowledged).toBeGreaterThan(0)
  }, 1_800_000)

  it("leaks nothing and prints no stack trace across the crashes", async () => {
    const hits = await scanForLeaks(opera, transcripts)
    expect(hits).toEqual([])
    for (const [name, text] of Object.entries(transcripts)) expect(stackTrace.test(text), name).toBe(false)
  })
})
