/**
 * Storage faults under the audit log, over stdio against the built server:
 * SQLITE_BUSY, disk full, a read-only db, a corrupted page. Writes fail closed
 * (OPERA never sees them), reads follow the configured degraded mode, errors
 * are typed sentences, and nothing acknowledged before a fault is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { makeTranscript } from "./storage/auditedServer.js"
import { runBusyScenario } from "./storage/busyScenario.js"
import { runCorruptPageScenario } from "./storage/corruptPageScenario.js"
import { runDiskFullScenario } from "./storage/diskFullScenario.js"
import type { Freezer, ReadOnlyHow } from "./storage/readOnlyScenario.js"
import { chattrFreezer, runReadOnlyScenario } from "./storage/readOnlyScenario.js"
import type { SmallDisk } from "./storage/smallDisk.js"
import { mountSmallDisk } from "./storage/smallDisk.js"
import { scanForLeaks, stackTrace, writeSummary } from "./support.js"

describe("storage faults under the audit log", () => {
  let opera: RunningSandbox
  // Disk full and read-only need a filesystem the test can fill and remount: a tmpfs (root or CAP_SYS_ADMIN).
  let disk: SmallDisk | undefined
  const skipped: Record<string, string> = {}
  const transcript = makeTranscript()
  const figures: Record<string, unknown> = { skipped }

  beforeAll(async () => {
    opera = await startSandbox()
    const mounted = mountSmallDisk(2048)
    if ("disk" in mounted) disk = mounted.disk
    else skipped.smallDisk = mounted.skip
  })
  afterAll(async () => {
    await writeSummary("storage", figures)
    disk?.unmount()
    await opera?.stop()
  })

  it("SQLITE_BUSY: writes refused before OPERA, reads go on, recovery after the lock is released", async () => {
    figures.busyLenient = await runBusyScenario(opera, transcript, false)
  })

  it("SQLITE_BUSY in strict mode: reads are refused too", async () => {
    figures.busyStrict = await runBusyScenario(opera, transcript, true)
  })

  for (const strict of [false, true]) {
    const mode = strict ? "strict" : "lenient"
    it(`disk full (${mode}): writes refused before OPERA, reads per mode, nothing acknowledged lost`, async (ctx) => {
      if (disk === undefined) return ctx.skip(skipped.smallDisk)
      figures[`diskFull ${mode}`] = await runDiskFullScenario(opera, transcript, disk, strict)
    })
  }

  const freezers: Record<ReadOnlyHow, () => Freezer | string> = {
    "remount before start": () =>
      disk === undefined ? skipped.smallDisk ?? "no small disk" : {
        dbPath: `${disk.dir}/ro-start.db`,
        freeze: () => disk?.remount("ro"),
        thaw: () => disk?.remount("rw")
      },
    "chattr +i before start": () => chattrFreezer(),
    "chattr +i while serving": () => chattrFreezer(true)
  }
  for (const [how, make] of Object.entries(freezers) as Array<[ReadOnlyHow, () => Freezer | string]>) {
    it(`read-only db (${how}): a typed error; before start-up serve refuses, while serving writes fail closed and reads go on`, async (ctx) => {
      const freezer = make()
      if (typeof freezer === "string") {
        skipped[`readOnly ${how}`] = freezer
        return ctx.skip(freezer)
      }
      figures[`readOnly ${how}`] = await runReadOnlyScenario(opera, transcript, freezer, how)
    })
  }

  it("corrupted page: degraded with a typed error, writes fail closed, verify reports the damage", async () => {
    figures.corruptPage = await runCorruptPageScenario(opera, transcript)
  })

  it("prints no stack trace and leaks nothing: stdout, stderr, results, CLI output, every db and WAL", async () => {
    const traced = Object.entries(transcript.places).filter(([, text]) => stackTrace.test(text)).map(([where]) => where)
    const hits = [
      ...await scanForLeaks(opera, transcript.places),
      ...(await Promise.all(transcript.dbPaths.map((dbPath) => scanForLeaks({ ...opera, auditDbPath: dbPath }, {}))))
        .flat()
    ]
    figures.scanned = { places: Object.keys(transcript.places).length, dbs: transcript.dbPaths.length }
    figures.stackTraces = traced.length
    figures.leaks = hits.length
    expect(traced).toEqual([])
    expect(hits).toEqual([])
    expect(transcript.dbPaths.length).toBeGreaterThan(0)
  })
})
