/**
 * Shared by the reliability suites: the scale knob, the leak scan, and a
 * server session that notices when the process dies.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import { repoRoot } from "../support/serverProcess.js"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import type { ServerSession } from "../support/serverProcess.js"

/**
 * RELIABILITY_SCALE multiplies every case count: 1 (the default) is a few
 * thousand fuzz cases, 0.1 is the CI smoke run, 50 is the 100,000.
 */
export const scale = (() => {
  const raw = Number(process.env.RELIABILITY_SCALE ?? "1")
  return Number.isFinite(raw) && raw > 0 ? raw : 1
})()

export const scaled = (base: number, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  Math.min(max, Math.max(min, Math.round(base * scale)))

/** Settings that keep a long run from locking the fuzzing client out before the decoder is reached. */
export const fuzzSettings: Record<string, string> = {
  OPERA_SECURITY_AUTH_RATE_LIMIT_REQUESTS: "1000000",
  OPERA_SECURITY_MAX_FAILED_ATTEMPTS: "1000",
  OPERA_SECURITY_FAILED_ATTEMPTS_WINDOW_MINUTES: "1",
  OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY: "0",
  OPERA_UPSTREAM_MAX_RPS: "10000"
}

/** A stack frame as V8 prints it. */
export const stackTrace = /\n\s+at (?:file:\/\/|node:|async |\S+ \(|\/)/

export interface LeakHit {
  readonly where: string
  readonly what: string
}

/**
 * Every secret and seeded guest identifier in every place the scan covers.
 * `publicPlaces` (tool results) may show a guest's e-mail or phone when the
 * tool exists to show it; secrets and card numbers may appear nowhere.
 */
export const scanForLeaks = async (
  opera: RunningSandbox,
  places: Record<string, string>,
  options: { readonly publicPlaces?: ReadonlyArray<string>; readonly cardNumbers?: ReadonlyArray<string> } = {}
): Promise<ReadonlyArray<LeakHit>> => {
  const secrets = await opera.secrets()
  const personal = opera.sandbox.seededGuests.flatMap((guest) => [guest.email, guest.phone])
    .filter((value): value is string => value !== undefined && value.length >= 6)
  const files = [opera.auditDbPath, `${opera.auditDbPath}-wal`].filter(existsSync)
  const all: Record<string, string> = { ...places }
  for (const file of files) all[file] = readFileSync(file).toString("latin1")
  const hits: Array<LeakHit> = []
  for (const [where, text] of Object.entries(all)) {
    for (const secret of [...secrets, ...(options.cardNumbers ?? [])]) {
      if (text.includes(secret)) hits.push({ where, what: `secret or card number of length ${secret.length}` })
    }
    if (options.publicPlaces?.includes(where)) continue
    for (const value of personal) if (text.includes(value)) hits.push({ where, what: "a seeded guest's e-mail or phone" })
  }
  return hits
}

/** Resolves when the server process goes away (crash or exit). */
export const watchExit = (session: ServerSession) => {
  const state = { closed: false }
  const previous = session.client.onclose
  session.client.onclose = () => {
    state.closed = true
    previous?.()
  }
  return state
}

export const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hang: ${what} did not settle within ${ms} ms`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      }
    )
  })

/** Each suite's figures (cases, failures, hangs, leaks) go to .bench/reliability/<suite>.json for the README. */
export const writeSummary = async (suite: string, figures: Record<string, unknown>) => {
  const dir = path.join(repoRoot, ".bench/reliability")
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, `${suite}.json`), `${JSON.stringify({ scale, ...figures }, null, 2)}\n`)
}
