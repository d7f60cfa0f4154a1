import { Either, Schema } from "effect"
import type { SealedOpenFailed } from "../../crypto/Keyring.js"
import type { DataKey } from "../../crypto/wrappedKeys.js"
import { sealUnder } from "../../crypto/wrappedKeys.js"
import type { ChainedRow, StoredRow } from "./chain.js"
import { columnAad } from "./chain.js"
import type { AuditEventInput, AuditRecord } from "./model.js"
import { AuditKind, AuditOutcome, AuditSensitive, ConfirmedBy, RiskLevel } from "./model.js"
import type { PersonalFieldsShredded } from "./periodKeys.js"

/** What `sealed` holds: who, which objects, and the person-identifying fields. */
const Sealed = Schema.Struct({
  clientId: Schema.String,
  objectIds: Schema.optional(Schema.Array(Schema.String)),
  /** A hotel "code" not shaped like one (see `clearHotelId`) is kept here instead of in the clear column. */
  hotelId: Schema.optional(Schema.String),
  /** Sealed with the rest (no column of its own): how the call was confirmed. */
  confirmedBy: Schema.optional(ConfirmedBy),
  sensitive: Schema.optional(AuditSensitive)
})
const decodeSealed = Schema.decodeUnknownEither(Schema.parseJson(Sealed))

/** A row as SQLite returns it, decoded at the boundary. */
export const EventRow = Schema.Struct({
  sequence: Schema.Number,
  occurred_at: Schema.Number,
  kind: Schema.String,
  outcome: Schema.String,
  client_ref: Schema.String,
  tool: Schema.NullOr(Schema.String),
  hotel_id: Schema.NullOr(Schema.String),
  risk_score: Schema.NullOr(Schema.Number),
  risk_level: Schema.NullOr(Schema.String),
  duration_ms: Schema.NullOr(Schema.Number),
  error_tag: Schema.NullOr(Schema.String),
  correlation_id: Schema.NullOr(Schema.String),
  key_id: Schema.String,
  sealed: Schema.Uint8ArrayFromSelf,
  mac: Schema.Uint8ArrayFromSelf,
  upstream_request_ids: Schema.NullOr(Schema.String)
})
export type EventRow = typeof EventRow.Type
export const decodeEventRow = Schema.decodeUnknownEither(EventRow)

// upstream_request_ids came later (0004): it goes after mac so the older columns keep their places.
export const eventColumns =
  "sequence, occurred_at, kind, outcome, client_ref, tool, hotel_id, risk_score, risk_level, duration_ms, " +
  "error_tag, correlation_id, key_id, sealed, mac, upstream_request_ids"

export const toStoredRow = (row: EventRow): StoredRow => ({
  sequence: row.sequence,
  occurredAt: row.occurred_at,
  kind: row.kind,
  outcome: row.outcome,
  clientRef: row.client_ref,
  tool: row.tool,
  hotelId: row.hotel_id,
  riskScore: row.risk_score,
  riskLevel: row.risk_level,
  durationMs: row.duration_ms,
  errorTag: row.error_tag,
  correlationId: row.correlation_id,
  keyId: row.key_id,
  sealed: row.sealed,
  mac: row.mac,
  upstreamRequestIds: row.upstream_request_ids
})

// SQLite cannot hold every JS value exactly (NaN becomes NULL, -0 becomes 0, lone surrogates
// become U+FFFD); a row is normalised before it is MACed so that it reads back byte-identical.
// Text without surrogates is already well formed, so only the rest takes the round trip through UTF-8.
const surrogate = /[\uD800-\uDFFF]/
const wellFormed = (text: string | undefined): string | null =>
  text === undefined ? null : surrogate.test(text) ? Buffer.from(text, "utf8").toString("utf8") : text
const finite = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value === 0 ? 0 : value

// Upstream request ids are random UUIDs this server made: only such ids reach the clear column.
const requestIdShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const upstreamRequestIdsColumn = (ids: ReadonlyArray<string> | undefined): string | null => {
  const kept = (ids ?? []).filter((id) => requestIdShape.test(id))
  return kept.length === 0 ? null : kept.join(" ")
}

/**
 * The hotel id goes in a clear column only when it is shaped like a hotel code: a caller can send any
 * text as a hotel id (the fuzzing suite sent a card number), and a clear column must never hold what
 * could be personal data. Codes are short letters, digits, `_` and `-`, without a run of 7 digits
 * (a phone or card number).
 */
export const clearHotelId = (hotelId: string | undefined): string | undefined =>
  hotelId !== undefined && /^[A-Za-z0-9_-]{1,20}$/.test(hotelId) && !/\d{7}/.test(hotelId) ? hotelId : undefined

/** Encrypts an event's personal fields under its day's data key, for its place (log, sequence), and lays out its row. */
export const sealEvent = (options: {
  readonly dataKey: DataKey
  readonly logId: string
  readonly sequence: number
  readonly occurredAt: number
  readonly clientRef: string
  readonly event: AuditEventInput
}): ChainedRow => {
  const { event, sequence } = options
  const hotelId = clearHotelId(event.hotelId)
  const plaintext = JSON.stringify({
    clientId: event.clientId,
    objectIds: event.objectIds,
    ...(hotelId === undefined && event.hotelId !== undefined ? { hotelId: event.hotelId } : {}),
    ...(event.confirmedBy !== undefined ? { confirmedBy: event.confirmedBy } : {}),
    sensitive: event.sensitive
  })
  return {
    sequence,
    occurredAt: options.occurredAt,
    kind: event.kind,
    outcome: event.outcome,
    clientRef: options.clientRef,
    tool: wellFormed(event.tool),
    hotelId: wellFormed(hotelId),
    riskScore: finite(event.riskScore),
    riskLevel: event.riskLevel ?? null,
    durationMs: finite(event.durationMs),
    errorTag: wellFormed(event.errorTag),
    correlationId: wellFormed(event.correlationId),
    upstreamRequestIds: upstreamRequestIdsColumn(event.upstreamRequestIds),
    keyId: options.dataKey.keyId,
    sealed: sealUnder(options.dataKey, Buffer.from(plaintext, "utf8"), columnAad(options.logId, sequence, "sealed"))
  }
}

export type OpenRowFailure =
  | SealedOpenFailed
  | PersonalFieldsShredded
  | { readonly _tag: "RowMalformed"; readonly message: string }

/** Opens a sealed value under the key its header names (`PeriodKeys.open`). */
export type SealedOpener = (
  sealed: Uint8Array,
  aad: Uint8Array
) => Either.Either<Buffer, SealedOpenFailed | PersonalFieldsShredded>

/** Decrypts and authenticates a row's sealed column, without parsing it (what verify needs). */
export const authenticateRow = (open: SealedOpener, logId: string, row: Pick<ChainedRow, "sequence" | "sealed">) =>
  open(row.sealed, columnAad(logId, row.sequence, "sealed"))

const isKind = Schema.is(AuditKind)
const isOutcome = Schema.is(AuditOutcome)
const isRiskLevel = Schema.is(RiskLevel)
const malformed = (message: string) => Either.left({ _tag: "RowMalformed", message } as const)

/** Decrypts, authenticates and reads a stored row. */
export const openRow = (
  open: SealedOpener,
  logId: string,
  row: StoredRow
): Either.Either<AuditRecord, OpenRowFailure> =>
  Either.gen(function*() {
    const plain = yield* authenticateRow(open, logId, row)
    const sealed = yield* decodeSealed(plain.toString("utf8")).pipe(
      Either.orElse(() => malformed("the sealed fields are not readable"))
    )
    if (!isKind(row.kind) || !isOutcome(row.outcome) || (row.riskLevel !== null && !isRiskLevel(row.riskLevel))) {
      return yield* malformed("row holds an unknown kind, outcome or risk level")
    }
    return {
      sequence: row.sequence,
      occurredAt: row.occurredAt,
      kind: row.kind,
      clientId: sealed.clientId,
      clientRef: row.clientRef,
      objectIds: sealed.objectIds ?? [],
      outcome: row.outcome,
      keyId: row.keyId,
      sensitive: sealed.sensitive ?? {},
      ...(row.tool === null ? {} : { tool: row.tool }),
      ...(row.hotelId !== null ? { hotelId: row.hotelId } : sealed.hotelId !== undefined ? { hotelId: sealed.hotelId } : {}),
      ...(row.riskScore === null ? {} : { riskScore: row.riskScore }),
      ...(row.riskLevel === null ? {} : { riskLevel: row.riskLevel }),
      ...(row.durationMs === null ? {} : { durationMs: row.durationMs }),
      ...(row.errorTag === null ? {} : { errorTag: row.errorTag }),
      ...(row.correlationId === null ? {} : { correlationId: row.correlationId }),
      ...(row.upstreamRequestIds === null ? {} : { upstreamRequestIds: row.upstreamRequestIds.split(" ") }),
      ...(sealed.confirmedBy === undefined ? {} : { confirmedBy: sealed.confirmedBy })
    }
  })
