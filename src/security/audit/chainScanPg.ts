import type { KeyObject } from "node:crypto"
import type { ChainScanner, RowSealedCheck, ScanDeps, ScanJob } from "./chainScan.js"

/**
 * verify's fast pass on PostgreSQL, where the server encodes each row. Decoding sixteen text columns into
 * JavaScript values and encoding them again into canonical bytes cost the workers more than the MAC did;
 * here PostgreSQL sends one value per row, `mac ‖ canonical(row)`, the very bytes `rowMac` (chain.ts)
 * covers, and a worker makes one HMAC over them. Nothing is taken on trust from the server: a row only
 * passes if those bytes begin with the row domain and the expected sequence, hold the row's shape field by
 * field, end where the row ends, and their HMAC under the chain key is the stored MAC, so they are what the
 * writer chained, from the stored columns. An encoder fault here can only make an honest row a suspect,
 * which the full walk (columns decoded one by one) then judges.
 *
 * Like chainScan.ts, the functions a worker runs reference nothing outside their own bodies.
 */

/**
 * The kind of each field of `canonical(row)`, in `eventColumns` order less `mac`, as the canonical encoder
 * types them: number, text, bytes; `?` when null is allowed. `upstream_request_ids` is the optional tail.
 */
export const rowFieldKinds = [
  ["sequence", "number"],
  ["occurred_at", "number"],
  ["kind", "text"],
  ["outcome", "text"],
  ["client_ref", "text"],
  ["tool", "text?"],
  ["hotel_id", "text?"],
  ["risk_score", "number?"],
  ["risk_level", "text?"],
  ["duration_ms", "number?"],
  ["error_tag", "text?"],
  ["correlation_id", "text?"],
  ["key_id", "text"],
  ["sealed", "bytes"]
] as const

const bytea = (bytes: Uint8Array) => `'\\x${Buffer.from(bytes).toString("hex")}'::bytea`

/**
 * The SQL expression, over a row of `audit_events`, of `mac ‖ canonical(domain, fields)` in base64 (the
 * canonical encoding of canonical.ts: 0x00 for null; 0x01 ‖ u32be(length) ‖ UTF-8 for text; 0x02 ‖
 * float64be for a number; 0x03 ‖ u32be(length) ‖ bytes). Text goes as `textsend` makes it, in the
 * connection's encoding, which the worker sets to UTF-8; its length is `octet_length` when the database
 * keeps UTF-8 too (the same bytes, counted without a copy), or else counted after the conversion. A bigint
 * becomes the float64 `pg` reads it as (exact below 2^53).
 */
export const canonicalRowSql = (domainPrefix: Uint8Array, serverUtf8: boolean): string => {
  const text = (column: string) =>
    `'\\x01'::bytea || int4send(${serverUtf8 ? `octet_length(${column})` : `length(textsend(${column}))`}) || ` +
    `textsend(${column})`
  const encoded = (column: string, kind: string) => {
    const value = kind.startsWith("text")
      ? text(column)
      : kind.startsWith("number")
      ? `'\\x02'::bytea || float8send(${column}::float8)`
      : `'\\x03'::bytea || int4send(length(${column})) || ${column}`
    return kind.endsWith("?") ? `CASE WHEN ${column} IS NULL THEN '\\x00'::bytea ELSE ${value} END` : value
  }
  const fields = rowFieldKinds.map(([column, kind]) => encoded(column, kind))
  // As rowMac: the upstream request ids only when set.
  const tail = `CASE WHEN upstream_request_ids IS NULL THEN ''::bytea ELSE ${text("upstream_request_ids")} END`
  return `encode(mac || ${bytea(domainPrefix)} || ${[...fields, tail].join(" || ")}, 'base64')`
}

/** What a PostgreSQL worker is handed to read encoded rows: the query's expression, and where the sequence lies. */
export const encodedRows = (domainPrefix: Uint8Array) => ({
  domainPrefix,
  rowSql: { utf8: canonicalRowSql(domainPrefix, true), other: canonicalRowSql(domainPrefix, false) },
  // After the MAC (32 bytes), the domain, and the sequence's number tag.
  sequenceAt: 32 + domainPrefix.length + 1
})

/**
 * A scanner of rows PostgreSQL encoded with `canonicalRowSql`: `feed` takes `[mac ‖ canonical]` as bytes.
 * The same verdicts as `makeChainScanner` over the same rows: the row's link, its shape, its encrypted
 * field (found in the bytes the MAC covers) and the signed heads of the range.
 */
export const makeEncodedRowScanner = (
  job: ScanJob,
  chainKey: Uint8Array | KeyObject,
  domainPrefix: Uint8Array,
  deps: ScanDeps,
  sealedOpens: RowSealedCheck | undefined
): ChainScanner => {
  const macLength = 32
  // Field tags of canonical.ts, and the row's shape as `holdsShape` in chainScan.ts checks it.
  const nullTag = 0, textTag = 1, numberTag = 2, bytesTag = 3
  const shape = [
    [numberTag], [numberTag], [textTag], [textTag], [textTag], [textTag, nullTag], [textTag, nullTag],
    [numberTag, nullTag], [textTag, nullTag], [numberTag, nullTag], [textTag, nullTag], [textTag, nullTag],
    [textTag], [bytesTag]
  ]
  const sealedField = 13
  const bodyAt = macLength + domainPrefix.length
  let expected = job.after + 1
  let previous: Uint8Array | undefined = job.previous
  let mark = 0
  const equal = (left: Uint8Array, right: Uint8Array) =>
    left.length === right.length && deps.timingSafeEqual(left, right)
  const fieldEnd = (bytes: Buffer, at: number, tag: number) =>
    tag === nullTag ? at + 1 : tag === numberTag ? at + 9 : at + 5 + bytes.readUInt32BE(at + 1)
  // The sequence a row's bytes name (NaN when they do not begin as a row's do).
  const sequenceOf = (bytes: Buffer) => {
    if (bytes.length < bodyAt + 9 || bytes[bodyAt] !== numberTag) return Number.NaN
    for (let index = 0; index < domainPrefix.length; index++) {
      if (bytes[macLength + index] !== domainPrefix[index]) return Number.NaN
    }
    return bytes.readDoubleBE(bodyAt + 1)
  }
  // Where the encrypted field lies, if the bytes hold the row's shape to their end (undefined otherwise).
  const sealedOf = (bytes: Buffer): Buffer | undefined => {
    let at = bodyAt
    let sealed: Buffer | undefined
    for (let field = 0; field < shape.length; field++) {
      if (at >= bytes.length) return undefined
      const tag = bytes[at]!
      if (!shape[field]!.includes(tag) || (tag !== nullTag && at + 5 > bytes.length)) return undefined
      const end = fieldEnd(bytes, at, tag)
      if (end > bytes.length) return undefined
      if (field === sealedField) sealed = bytes.subarray(at + 5, end)
      at = end
    }
    // The optional tail: the upstream request ids, as text.
    if (at < bytes.length) {
      if (bytes[at] !== textTag || at + 5 > bytes.length) return undefined
      at = fieldEnd(bytes, at, textTag)
    }
    return at === bytes.length ? sealed : undefined
  }

  const feed = (raw: ReadonlyArray<unknown>): number | undefined => {
    const bytes = raw[0]
    if (!(bytes instanceof Buffer) || raw.length !== 1) return expected
    if (previous === undefined) {
      // Row `after` belongs to the range before, which checks it; here only its MAC is used.
      if (sequenceOf(bytes) !== job.after) return expected
      previous = bytes.subarray(0, macLength)
      return undefined
    }
    if (sequenceOf(bytes) !== expected) return expected
    const sealed = sealedOf(bytes)
    if (sealed === undefined) return expected
    const mac = deps.createHmac("sha256", chainKey).update(previous).update(bytes.subarray(macLength)).digest()
    if (!equal(mac, bytes.subarray(0, macLength))) return expected
    if (sealedOpens !== undefined && !sealedOpens(expected, sealed)) return expected
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

/** One page of a chain from PostgreSQL (the worker's `pg` client, array rows). */
export type PgQuery = (text: string, values: ReadonlyArray<unknown>) => Promise<ReadonlyArray<ReadonlyArray<unknown>>>

/**
 * A PostgreSQL worker's job: the range of its chain page by page on the worker's own connection, each row
 * as `canonicalRowSql` encodes it, the next page asked for before this one is scanned (the server reads it
 * while this thread checks MACs). `pg` reads results as text, so the bytes come in base64.
 */
export const scanRangeInPg = async (
  job: ScanJob,
  data: { readonly rowSql: string; readonly chainId: number; readonly sequenceAt: number },
  scanner: ChainScanner,
  query: PgQuery
): Promise<{ readonly suspect: number | null; readonly checked: number }> => {
  const pageRows = 5000
  const text = `SELECT ${data.rowSql} FROM audit_events WHERE chain_id = $1 AND sequence >= $2 AND sequence <= $3 ` +
    "ORDER BY sequence LIMIT $4"
  const pageFrom = (from: number) =>
    query(text, [data.chainId, from, job.through, pageRows]).then((rows) => {
      for (const row of rows as Array<Array<unknown>>) {
        if (typeof row[0] === "string") row[0] = Buffer.from(row[0], "base64")
      }
      return rows
    })
  // The sequence of a page's last row, from its bytes (NaN if they are too short: the scanner names it).
  const lastOf = (rows: ReadonlyArray<ReadonlyArray<unknown>>) => {
    const bytes = rows[rows.length - 1]![0]
    return bytes instanceof Buffer && bytes.length >= data.sequenceAt + 8 ? bytes.readDoubleBE(data.sequenceAt) : NaN
  }
  // Without a given start value the scanner first reads row `after` for its MAC.
  const from = job.previous === undefined ? job.after : job.after + 1
  let next: Promise<ReadonlyArray<ReadonlyArray<unknown>>> | undefined = from <= job.through ? pageFrom(from) : undefined
  let suspect: number | undefined
  try {
    while (suspect === undefined && next !== undefined) {
      const rows: ReadonlyArray<ReadonlyArray<unknown>> = await next
      next = undefined
      if (rows.length === 0) break
      const last = lastOf(rows)
      if (last < job.through) next = pageFrom(last + 1)
      for (const raw of rows) {
        suspect = scanner.feed(raw)
        if (suspect !== undefined) break
      }
    }
  } finally {
    // A page asked for ahead and not needed (a suspect was found): its answer is awaited, its failure ignored.
    if (next !== undefined) await next.then(() => undefined, () => undefined)
  }
  suspect ??= scanner.finish()
  return { suspect: suspect ?? null, checked: scanner.checked() }
}
