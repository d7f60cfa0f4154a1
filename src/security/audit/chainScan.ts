import type { createHmac, KeyObject } from "node:crypto"
import type { Redacted } from "effect"
import type { SslMode } from "./pg/pgSettings.js"
import type { OpeningKey, SealedCheck } from "../../crypto/sealedCheck.js"
import type { CanonicalField } from "./canonical.js"

/**
 * The fast pass of `verify`: checks each row's link to the row before it
 * (HMAC over the stored MAC of the previous row and the row's canonical
 * bytes), its shape, that its encrypted field opens in its place, and the
 * signed chain heads, and names the first sequence it cannot vouch for. It
 * never classifies damage: verify re-walks from that sequence with the full
 * checks, so a bug here can cost time, never a verdict that a damaged log is
 * whole (a row only passes if its MAC, made with the chain key, matches and
 * its AES-GCM tag holds).
 *
 * Because each row's link uses the *stored* MAC of its predecessor, ranges of
 * the chain can be scanned independently, and the first suspect of the whole
 * log is the lowest suspect of its ranges. So this file runs in worker threads
 * too, from its source text: the functions here reference nothing outside
 * their own bodies; what they need comes in as `ScanDeps`.
 */

/** What a scanner needs from its host thread. */
export interface ScanDeps {
  readonly canonicalBytes: (domain: string, fields: ReadonlyArray<CanonicalField>) => Buffer
  readonly createHmac: typeof createHmac
  readonly timingSafeEqual: (left: Uint8Array, right: Uint8Array) => boolean
}

/** One range of the chain: rows `after + 1 .. through`. */
export interface ScanJob {
  readonly after: number
  readonly through: number
  /**
   * The chain value at `after` when it is not a row (the retention anchor or
   * the genesis value). Absent: the scanner is fed row `after` first and
   * takes its stored MAC.
   */
  readonly previous?: Uint8Array
  /** Signed chain heads (sequence, digest) inside the range, ascending. */
  readonly marks: ReadonlyArray<readonly [number, Uint8Array]>
}

export interface ChainScanner {
  /** The next row, columns in `eventColumns` order. Returns the suspect sequence, after which feeding stops. */
  readonly feed: (raw: ReadonlyArray<unknown>) => number | undefined
  /** After the last row: the first sequence of the range that never came, if any. */
  readonly finish: () => number | undefined
  /** Rows of the range vouched for so far. */
  readonly checked: () => number
}

/**
 * Whether a row's encrypted field opens in its place: `check` with the AAD of
 * `columnAad` (chain.ts), built from the same domain and the same encoder.
 */
export const makeRowSealedCheck = (logId: string, aadDomain: string, check: SealedCheck, deps: ScanDeps) => {
  // The AAD of every row differs only in the sequence, a float64 at a fixed place: encoded once, and the
  // sequence written in per row (`check` copies the AAD before it returns, so the buffer can be reused).
  const aad = deps.canonicalBytes(aadDomain, [logId, 0, "sealed"])
  const sequenceAt = deps.canonicalBytes(aadDomain, [logId]).length + 1
  return (sequence: number, sealed: Uint8Array): boolean => {
    aad.writeDoubleBE(sequence, sequenceAt)
    return check(sealed, aad)
  }
}

export type RowSealedCheck = ReturnType<typeof makeRowSealedCheck>

export const makeChainScanner = (
  job: ScanJob,
  chainKey: Uint8Array | KeyObject,
  rowDomain: string,
  deps: ScanDeps,
  sealedOpens?: RowSealedCheck
): ChainScanner => {
  let expected = job.after + 1
  let previous: Uint8Array | undefined = job.previous
  let mark = 0
  const text = (value: unknown) => typeof value === "string"
  const textOrNull = (value: unknown) => value === null || typeof value === "string"
  const numberOrNull = (value: unknown) => value === null || typeof value === "number"
  const bytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array
  const equal = (left: Uint8Array, right: Uint8Array) =>
    left.length === right.length && deps.timingSafeEqual(left, right)
  // The same shape as `EventRow` in rows.ts (what verify's full walk decodes).
  const holdsShape = (raw: ReadonlyArray<unknown>) =>
    raw.length === 16 && typeof raw[0] === "number" && typeof raw[1] === "number" && text(raw[2]) && text(raw[3]) &&
    text(raw[4]) && textOrNull(raw[5]) && textOrNull(raw[6]) && numberOrNull(raw[7]) && textOrNull(raw[8]) &&
    numberOrNull(raw[9]) && textOrNull(raw[10]) && textOrNull(raw[11]) && text(raw[12]) && bytes(raw[13]) &&
    bytes(raw[14]) && textOrNull(raw[15])

  const feed = (raw: ReadonlyArray<unknown>): number | undefined => {
    if (previous === undefined) {
      // Row `after` belongs to the range before, which checks it; here only its MAC is used.
      const mac = raw[14]
      if (raw[0] !== job.after || !bytes(mac)) return expected
      previous = mac
      return undefined
    }
    if (raw[0] !== expected || !holdsShape(raw)) return expected
    // As rowMac (chain.ts): the upstream request ids only when set.
    const fields = (raw[15] === null ? raw.slice(0, 14) : [...raw.slice(0, 14), raw[15]]) as ReadonlyArray<CanonicalField>
    const mac = deps.createHmac("sha256", chainKey).update(previous).update(deps.canonicalBytes(rowDomain, fields))
      .digest()
    if (!equal(mac, raw[14] as Uint8Array)) return expected
    if (sealedOpens !== undefined && !sealedOpens(expected, raw[13] as Uint8Array)) return expected
    while (mark < job.marks.length && job.marks[mark]![0] <= expected) {
      const [sequence, digest] = job.marks[mark]!
      if (sequence === expected && !equal(digest, mac)) return expected
      mark++
    }
    previous = mac
    expected++
    return undefined
  }

  return {
    feed,
    finish: () => (expected <= job.through ? expected : undefined),
    checked: () => expected - 1 - job.after
  }
}

/**
 * Where verify's PostgreSQL workers connect, and which chain they read: the pool's own settings. The
 * password stays Redacted here; it is unwrapped only into the workers' data (this process's memory).
 */
export interface PgScanTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly user: string
  readonly password: Redacted.Redacted | undefined
  readonly sslMode: SslMode
  readonly ca: string | undefined
  readonly chainId: number
}

/** What verify's worker threads read: an SQLite file, or a chain of a PostgreSQL database. */
export type ScanSource =
  | { readonly _tag: "sqlite"; readonly path: string }
  | { readonly _tag: "postgresql"; readonly target: PgScanTarget }

/** What a worker is handed once: the keys and the columns (kept in this process; never logged), beside its source. */
export interface ScanWorkerData {
  readonly chainKey: KeyObject
  readonly rowDomain: string
  readonly columns: string
  readonly logId: string
  readonly aadDomain: string
  readonly openingKeys: ReadonlyArray<OpeningKey>
}

/** The few better-sqlite3 calls a worker makes. */
export type OpenReadOnly = (path: string) => {
  readonly prepare: (sql: string) => {
    readonly raw: (on: boolean) => { readonly all: (...params: Array<unknown>) => Array<Array<unknown>> }
  }
  readonly close: () => unknown
}

/**
 * A worker's whole job: open the log read-only, feed the range to a scanner
 * page by page (`all` per page costs less per row than `iterate`), close.
 */
export const scanRangeInDb = (
  job: ScanJob,
  data: { readonly dbPath: string; readonly columns: string },
  scanner: ChainScanner,
  open: OpenReadOnly
): { readonly suspect: number | null; readonly checked: number } => {
  const pageRows = 2000
  const db = open(data.dbPath)
  try {
    const page = db.prepare(
      `SELECT ${data.columns} FROM audit_events WHERE sequence >= ? AND sequence <= ? ORDER BY sequence LIMIT ?`
    ).raw(true)
    // Without a given start value the scanner first reads row `after` for its MAC.
    let from = job.previous === undefined ? job.after : job.after + 1
    let suspect: number | undefined
    while (suspect === undefined && from <= job.through) {
      const rows = page.all(from, job.through, pageRows)
      if (rows.length === 0) break
      for (const raw of rows) {
        suspect = scanner.feed(raw)
        if (suspect !== undefined) break
      }
      // `sequence` is the INTEGER primary key, so the next page starts right after the last row.
      from = Number(rows[rows.length - 1]![0]) + 1
    }
    suspect ??= scanner.finish()
    return { suspect: suspect ?? null, checked: scanner.checked() }
  } finally {
    db.close()
  }
}
