import { hmacSha256 } from "../../crypto/mac.js"
import { canonicalBytes } from "./canonical.js"

/** One row of `audit_events` without its MAC: exactly what the MAC covers. */
export interface ChainedRow {
  readonly sequence: number
  readonly occurredAt: number
  readonly kind: string
  readonly outcome: string
  readonly clientRef: string
  readonly tool: string | null
  readonly hotelId: string | null
  readonly riskScore: number | null
  readonly riskLevel: string | null
  readonly durationMs: number | null
  readonly errorTag: string | null
  readonly correlationId: string | null
  readonly keyId: string
  /** AES-256-GCM of the client id, object ids and personal fields. */
  readonly sealed: Uint8Array
  /** Space-separated correlation ids of the call's upstream requests (added in 0004). */
  readonly upstreamRequestIds: string | null
}

export interface StoredRow extends ChainedRow {
  readonly mac: Uint8Array
}

/**
 * The MAC chain: mac(n) = HMAC(chainKey, mac(n-1) ‖ canonical(row n)). Row 1
 * chains to a genesis value bound to the log id, so a row replayed from another
 * log never fits, and the sequence number is inside the canonical bytes, so a
 * row moved to another position never fits either.
 */
export const genesisMac = (chainKey: Uint8Array, logId: string): Buffer =>
  hmacSha256(chainKey, canonicalBytes("opera-audit/genesis/v1", [logId]))

/**
 * The domain of a row's canonical bytes. Its fields are the columns of `eventColumns` in that order, less `mac`;
 * `upstream_request_ids` only when it is set, so rows written before it existed keep their MACs (the fields
 * are length-prefixed: a row with it never encodes like one without).
 */
export const rowDomain = "opera-audit/row/v1"

export const rowMac = (chainKey: Uint8Array, previousMac: Uint8Array, row: ChainedRow): Buffer =>
  hmacSha256(
    chainKey,
    previousMac,
    canonicalBytes(rowDomain, [
      row.sequence,
      row.occurredAt,
      row.kind,
      row.outcome,
      row.clientRef,
      row.tool,
      row.hotelId,
      row.riskScore,
      row.riskLevel,
      row.durationMs,
      row.errorTag,
      row.correlationId,
      row.keyId,
      row.sealed,
      ...(row.upstreamRequestIds === null ? [] : [row.upstreamRequestIds])
    ])
  )

/** The domain of an encrypted column's AAD; its fields are the log id, the row's sequence and the column. */
export const aadDomain = "opera-audit/aad/v1"

/** AAD that binds an encrypted column to its log, row and column. */
export const columnAad = (logId: string, sequence: number, column: "sealed"): Buffer =>
  canonicalBytes(aadDomain, [logId, sequence, column])
