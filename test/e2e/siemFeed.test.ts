import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import type { ServerSession } from "../support/serverProcess.js"
import { builtBinary, startServer } from "../support/serverProcess.js"

/** A small CEF reader written for this test, apart from the exporter's code: header fields and extension. */
const parseCef = (line: string) => {
  expect(line.startsWith("CEF:")).toBe(true)
  const header: Array<string> = []
  let current = ""
  let index = 4
  for (; index < line.length && header.length < 7; index++) {
    const char = line[index]!
    if (char === "\\" && (line[index + 1] === "|" || line[index + 1] === "\\")) {
      current += line[++index]
    } else if (char === "|") {
      header.push(current)
      current = ""
    } else current += char
  }
  expect(header).toHaveLength(7)
  const rest = line.slice(index)
  const extension = new Map<string, string>()
  const starts = [...rest.matchAll(/(?:^| )([A-Za-z0-9_]+)=/g)]
  starts.forEach((match, position) => {
    const end = starts[position + 1]?.index ?? rest.length
    const raw = rest.slice(match.index + match[0].length, end)
    expect(raw).not.toMatch(/(^|[^\\])(\\\\)*=/) // every = in a value is escaped
    extension.set(match[1]!, raw.replace(/\\(.)/g, (_, escaped: string) => escaped === "n" ? "\n" : escaped === "r" ? "\r" : escaped))
  })
  const [version, vendor, product, deviceVersion, signatureId, name, severity] = header
  return { version, vendor, product, deviceVersion, signatureId, name, severity: Number(severity), extension }
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("the SIEM feed through the built binary, beside a serving server", () => {
  let opera: RunningSandbox
  let session: ServerSession
  let dir: string
  let env: Record<string, string>

  const cli = (args: ReadonlyArray<string>) =>
    spawnSync(process.execPath, [builtBinary, ...args], { env, encoding: "utf8", timeout: 60_000 })

  beforeAll(async () => {
    opera = await startSandbox({ OPERA_MCP_REQUIRE_CONFIRMATION: "false" })
    dir = mkdtempSync(path.join(tmpdir(), "siem-feed-"))
    env = { PATH: process.env.PATH ?? "", HOME: dir, ...opera.env }
    session = await startServer({ args: ["serve"], env: opera.env })
    await session.call("security_health_check")
  }, 60_000)
  afterAll(async () => {
    await session?.close()
    await opera?.stop()
  })

  it("delivers every event exactly once across ten SIGKILLs, as CEF with personal fields masked; a reveal is audited", async () => {
    const cursor = path.join(dir, "feed.cursor")
    const output = path.join(dir, "feed.cef")
    const feedArgs = ["audit", "export", "--follow", "--format", "cef", "--interval-ms", "50", "--cursor", cursor, "--output", output]
    const exporter = () => {
      const child = spawn(process.execPath, [builtBinary, ...feedArgs], { env, stdio: ["ignore", "pipe", "pipe"] })
      let stderr = ""
      child.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")))
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      return { child, exited, stderr: () => stderr }
    }
    const size = () => existsSync(output) ? statSync(output).size : 0

    // Tool calls keep appending events (searches by the seeded guests' names and emails) the whole time.
    const guests = opera.sandbox.seededGuests.slice(0, 6)
    let calling = true
    let calls = 0
    const traffic = (async () => {
      while (calling) {
        const guest = guests[calls % guests.length]!
        await session.call("search_guests", calls % 2 === 0 ? { surname: guest.surname } : { email: guest.email ?? "x@y.z" })
        if (calls % 5 === 0) await session.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(2), limit: 2 })
        calls++
        await sleep(10)
      }
    })()

    for (let round = 0; round < 10; round++) {
      const running = exporter()
      const before = size()
      const deadline = Date.now() + 15_000
      while (size() === before && Date.now() < deadline) await sleep(5)
      // Somewhere inside its work: in a write, between the write and the cursor, or polling.
      await sleep(Math.floor(Math.random() * 40))
      running.child.kill("SIGKILL")
      expect(await running.exited).toBe(null)
    }
    calling = false
    await traffic
    expect(calls).toBeGreaterThan(5)

    // The last run catches up and stops on SIGTERM: a clean stop, recorded, exit 0.
    const last = exporter()
    const lastSequence = () => {
      const verified = cli(["audit", "verify", "--json"])
      expect(verified.status, verified.stderr).toBe(0)
      return (JSON.parse(verified.stdout) as { lastSequence: number }).lastSequence
    }
    const delivered = () => {
      const lines = readFileSync(output, "utf8").split("\n").filter((line) => line.length > 0)
      return lines.map(parseCef)
    }
    const target = lastSequence()
    for (let tries = 0; tries < 400; tries++) {
      const events = delivered()
      if (events.length > 0 && Number(events.at(-1)!.extension.get("externalId")) >= target) break
      await sleep(50)
    }
    last.child.kill("SIGTERM")
    expect(await last.exited, last.stderr()).toBe(0)
    expect(last.stderr()).toMatch(/lines delivered \(personal data masked\)/)

    const events = delivered()
    const sequences = events.map((event) => Number(event.extension.get("externalId")))
    // Every row of the log up to the last run's own stop row (recorded after its last line), each once, in order.
    expect(sequences).toEqual(Array.from({ length: lastSequence() - 1 }, (_, index) => index + 1))
    expect(new Set(events.map((event) => event.extension.get("deviceExternalId"))).size).toBe(1)

    for (const event of events) {
      expect(event).toMatchObject({ version: "0", vendor: "opera-cloud-mcp", product: "audit" })
      expect(event.deviceVersion).toMatch(/^\d+\.\d+\.\d+/)
      expect(event.severity).toBeGreaterThanOrEqual(0)
      expect(event.severity).toBeLessThanOrEqual(10)
      expect(event.extension.get("operaMcpTime")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(new Date(event.extension.get("operaMcpTime")!).getTime()).toBe(Number(event.extension.get("rt")))
    }
    const search = events.find((event) => event.extension.get("act") === "search_guests")!
    expect(search).toMatchObject({ signatureId: "100", name: "tool call search_guests success" })
    expect(search.extension.get("msg")).toMatch(/^\[masked, \d+ chars\]$/)
    const starts = events.filter((event) => event.extension.get("act") === "audit_feed")
    expect(starts.length).toBeGreaterThanOrEqual(11)
    expect(starts.every((event) => event.signatureId === "400")).toBe(true)

    // Masked: no seeded guest's name, email or phone, and no secret, in the file a shipper reads.
    const text = readFileSync(output, "utf8")
    for (const guest of guests) {
      for (const needle of [guest.surname, guest.email, guest.phone]) {
        if (needle !== undefined && needle.length > 3) expect(text).not.toContain(needle)
      }
    }
    for (const secret of await opera.secrets()) expect(text).not.toContain(secret)

    // --reveal shows them, and the reveal itself is an event of the log (seen by the next masked feed).
    const revealed = cli(["audit", "export", "--reveal", "--cursor", path.join(dir, "reveal.cursor")])
    expect(revealed.status, revealed.stderr).toBe(0)
    expect(revealed.stdout).toContain(guests[0]!.surname)
    const afterReveal = cli(["audit", "export", "--format", "cef", "--cursor", cursor, "--output", output])
    expect(afterReveal.status, afterReveal.stderr).toBe(0)
    const reveal = delivered().find((event) => event.extension.get("act") === "audit_feed_reveal")
    expect(reveal).toMatchObject({ signatureId: "400", severity: 6 })
    expect(reveal?.extension.get("suser")).toMatch(/\*\*\*/)
    expect(readFileSync(output, "utf8")).not.toContain(guests[0]!.surname)
  }, 240_000)

  it("on stdout: JSON lines a shipper reads from the pipe; a reader that goes away ends the feed with a reason", async () => {
    const once = cli(["audit", "export", "--format", "jsonl", "--cursor", path.join(dir, "stdout.cursor")])
    expect(once.status, once.stderr).toBe(0)
    const lines = once.stdout.trim().split("\n").map((line) => JSON.parse(line) as { chain: string; sequence: number; time: string })
    expect(lines.map((line) => line.sequence)).toEqual(Array.from({ length: lines.length }, (_, index) => index + 1))
    expect(lines.every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(line.time))).toBe(true)

    const child = spawn(process.execPath, [builtBinary, "audit", "export", "--follow", "--format", "cef", "--interval-ms", "50"], {
      env,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString("utf8")))
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()))
    child.stdout.destroy()
    // New events make the feed write to the closed pipe.
    for (let index = 0; index < 3; index++) await session.call("search_reservations", { arrivalFrom: inDays(0), arrivalTo: inDays(1), limit: 1 })
    expect(await exited).toBe(3)
    expect(stderr).toContain("stdout was closed by its reader")
    expect(stderr).not.toMatch(/node:events|at .*\.mjs/)
  }, 120_000)
})
