import { DateTime, Either, Option, Schema } from "effect"
import { serverInfo } from "../../mcp/serverInfo.js"
import type { FeedEntry } from "../../security/audit/feed.js"
import { maskRecord } from "../../security/audit/masking.js"
import type { AuditKind, AuditOutcome, AuditRecord, RiskLevel } from "../../security/audit/model.js"
import type { CefEvent } from "./cef.js"
import { cefLine, readCefExtension } from "./cef.js"

export const FeedFormat = Schema.Literal("jsonl", "cef")
export type FeedFormat = typeof FeedFormat.Type

/** Which row of which chain a line carries: what a shipper (and a restart) dedupes on. */
export interface LineKey {
  readonly chain: string
  readonly sequence: number
}

const iso = (epochMillis: number) => DateTime.formatIso(DateTime.unsafeMake(epochMillis))

export const device = { vendor: "opera-cloud-mcp", product: "audit", version: serverInfo.version } as const

/** CEF signature ids, one per event kind (documented in the README's SIEM section). */
export const signatureIds: Readonly<Record<AuditKind | "unreadable", string>> = {
  tool_call: "100",
  tool_intent: "110",
  tool_outcome: "120",
  auth: "200",
  security: "300",
  admin: "400",
  unreadable: "900"
}

const kindNames: Readonly<Record<AuditKind, string>> = {
  tool_call: "tool call",
  tool_intent: "write intent",
  tool_outcome: "write outcome",
  auth: "authentication",
  security: "security event",
  admin: "audit administration"
}

const outcomeSeverity: Readonly<Record<AuditOutcome, number>> = {
  success: 2,
  pending: 2,
  cancelled: 3,
  failure: 5,
  refused: 6,
  unknown_outcome: 6
}

/**
 * CEF severity, 0–10: the highest of what the outcome, the kind and the threat monitor's risk level say.
 * A security event is at least 7, a failed or refused authentication 7, a high-risk call 8, a reveal of
 * personal data by an operator (an admin row of an `…_reveal` action) 6.
 */
export const severityOf = (event: {
  readonly kind: AuditKind
  readonly tool?: string | undefined
  readonly outcome: AuditOutcome
  readonly riskLevel?: RiskLevel | undefined
}): number =>
  Math.max(
    outcomeSeverity[event.outcome],
    event.kind === "security" ? 7 : 0,
    event.kind === "auth" && (event.outcome === "failure" || event.outcome === "refused") ? 7 : 0,
    event.kind === "admin" ? (event.tool?.endsWith("_reveal") === true ? 6 : 3) : 0,
    event.riskLevel === "high" ? 8 : event.riskLevel === "medium" ? 5 : 0
  )

const list = (values: ReadonlyArray<string> | undefined) =>
  values === undefined || values.length === 0 ? undefined : values.join(",")

type Columns = Omit<AuditRecord, "clientId" | "objectIds" | "sensitive" | "confirmedBy">

const commonExtension = (chain: string, row: Columns): CefEvent["extension"] => [
  ["rt", row.occurredAt],
  ["operaMcpTime", iso(row.occurredAt)],
  ["deviceExternalId", chain],
  ["externalId", row.sequence],
  ["cat", row.kind],
  ["act", row.tool],
  ["outcome", row.outcome],
  ["suid", row.clientRef],
  ["reason", row.errorTag],
  ["cs1Label", row.hotelId === undefined ? undefined : "hotelId"],
  ["cs1", row.hotelId],
  ["cs2Label", row.correlationId === undefined ? undefined : "correlationId"],
  ["cs2", row.correlationId],
  ["cs3Label", row.riskLevel === undefined ? undefined : "riskLevel"],
  ["cs3", row.riskLevel],
  ["cn1Label", row.riskScore === undefined ? undefined : "riskScore"],
  ["cn1", row.riskScore],
  ["cn2Label", row.durationMs === undefined ? undefined : "durationMs"],
  ["cn2", row.durationMs],
  ["cs6Label", "keyId"],
  ["cs6", row.keyId]
]

const headerOf = (row: Columns) => ({
  signatureId: signatureIds[row.kind],
  name: `${kindNames[row.kind]} ${row.tool ?? row.kind} ${row.outcome}`,
  severity: severityOf(row)
})

const cefOf = (entry: FeedEntry, reveal: boolean): CefEvent => {
  switch (entry._tag) {
    case "Opened": {
      const record = reveal ? entry.record : maskRecord(entry.record)
      const { sensitive } = record
      return {
        ...headerOf(record),
        extension: [
          ...commonExtension(entry.chain, record),
          ["suser", record.clientId],
          ["cs4Label", sensitive.ipAddress === undefined ? undefined : "sourceAddress"],
          ["cs4", sensitive.ipAddress],
          ["requestClientApplication", sensitive.userAgent],
          ["cs5Label", record.confirmedBy === undefined ? undefined : "confirmedBy"],
          ["cs5", record.confirmedBy],
          ["msg", sensitive.details],
          ["operaMcpObjectIds", list(record.objectIds)],
          ["operaMcpGuestNames", list(sensitive.guestNames)],
          ["operaMcpEmails", list(sensitive.emails)],
          ["operaMcpPhones", list(sensitive.phones)],
          ["operaMcpPersonalFields", reveal ? "revealed" : "masked"]
        ]
      }
    }
    case "Shredded":
      return {
        ...headerOf(entry.columns),
        extension: [
          ...commonExtension(entry.chain, entry.columns),
          ["operaMcpPersonalFields", "shredded"],
          ["operaMcpShreddedAt", iso(entry.shreddedAt)]
        ]
      }
    case "Unreadable":
      return {
        signatureId: signatureIds.unreadable,
        name: "audit row unreadable: run audit verify",
        severity: 9,
        extension: [
          ["rt", entry.occurredAt ?? undefined],
          ["operaMcpTime", entry.occurredAt === null ? undefined : iso(entry.occurredAt)],
          ["deviceExternalId", entry.chain],
          ["externalId", entry.sequence],
          ["msg", entry.reason]
        ]
      }
  }
}

const jsonOf = (entry: FeedEntry, reveal: boolean) => {
  switch (entry._tag) {
    case "Opened":
      return {
        time: iso(entry.record.occurredAt),
        chain: entry.chain,
        ...(reveal ? entry.record : maskRecord(entry.record)),
        personalFields: reveal ? "revealed" : "masked"
      }
    case "Shredded":
      return {
        time: iso(entry.columns.occurredAt),
        chain: entry.chain,
        ...entry.columns,
        personalFields: "shredded",
        shreddedAt: iso(entry.shreddedAt)
      }
    case "Unreadable":
      return {
        time: entry.occurredAt === null ? null : iso(entry.occurredAt),
        chain: entry.chain,
        sequence: entry.sequence,
        unreadable: true,
        problem: `${entry.reason}; run audit verify`
      }
  }
}

/** One feed line (no newline): personal fields masked unless `reveal`. */
export const feedLine = (format: FeedFormat, reveal: boolean) => (entry: FeedEntry): string =>
  format === "jsonl" ? JSON.stringify(jsonOf(entry, reveal)) : cefLine(device, cefOf(entry, reveal))

const JsonKey = Schema.parseJson(Schema.Struct({ chain: Schema.String, sequence: Schema.Int }))
const decodeJsonKey = Schema.decodeUnknownEither(JsonKey)

/** The chain and sequence a line of ours carries; None for a line that is not one. */
export const lineKey = (format: FeedFormat, line: string): Option.Option<LineKey> => {
  if (format === "jsonl") return Either.getRight(decodeJsonKey(line))
  const extension = readCefExtension(line)
  const chain = extension?.get("deviceExternalId")
  const sequence = Number(extension?.get("externalId"))
  return chain !== undefined && Number.isSafeInteger(sequence) ? Option.some({ chain, sequence }) : Option.none()
}
