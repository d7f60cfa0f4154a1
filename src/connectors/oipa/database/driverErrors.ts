import { SqlError } from "@effect/sql/SqlError"
import { Option, Schema } from "effect"
import {
  OipaAuthenticationFailed,
  type OipaError,
  OipaMissingObject,
  OipaQueryFailed,
  OipaTimeout,
  OipaUnreachable
} from "./errors.js"

// What the drivers put on their errors: oracledb a `code` such as "ORA-01017" or "NJS-123",
// better-sqlite3 a `code` such as "SQLITE_READONLY". Decoded, never trusted to be there.
const DriverFailure = Schema.Struct({ code: Schema.String, message: Schema.optional(Schema.String) })
const driverFailure = Schema.decodeUnknownOption(DriverFailure)

const codeShape = /^(ORA|NJS|DPY|DPI|TNS|SQLITE)[-_][0-9A-Z_]+$/
const connectCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT"])

const authentication = (code: string) =>
  new OipaAuthenticationFailed({
    message: code === "ORA-28000"
      ? "The OIPA database account is locked: ask the DBA to unlock it (OIPA_DB_USER)"
      : code === "ORA-28001"
      ? "The OIPA database account's password has expired: set a new one in OIPA_DB_PASSWORD"
      : "The OIPA database refused the user name or password: check OIPA_DB_USER and OIPA_DB_PASSWORD"
  })

const unreachable = (what: string) =>
  new OipaUnreachable({ message: `Cannot reach the OIPA database: ${what} (OIPA_DB_CONNECT_STRING)` })

const timeout = () =>
  new OipaTimeout({
    message: "The OIPA database did not answer within the call timeout: narrow the search, " +
      "or raise OIPA_DB_CALL_TIMEOUT_MS if such queries are expected to take longer"
  })

const missing = () =>
  new OipaMissingObject({
    message: "An OIPA table the connector reads is missing or not granted to its user: " +
      "grant SELECT on AsPolicy, AsClient, AsRole, AsPlan, AsCode and AsSegment (or create synonyms)"
  })

/** One driver error code as the typed error a person can act on. */
export const fromCode = (code: string): OipaError => {
  switch (code) {
    case "ORA-01017":
    case "ORA-01005":
    case "ORA-28000":
    case "ORA-28001":
    case "ORA-01045":
      return authentication(code)
    case "ORA-12541":
      return unreachable("no listener at that host and port")
    case "ORA-12514":
    case "ORA-12505":
    case "NJS-518":
    case "NJS-519":
      return unreachable("the listener does not know that service name")
    case "ORA-12170":
    case "ORA-12535":
    case "NJS-500":
    case "NJS-501":
    case "NJS-503":
    case "NJS-510":
    case "NJS-511":
    case "NJS-521":
      return unreachable("the connection could not be established or was lost")
    case "NJS-530":
      return unreachable("the host name does not resolve")
    case "NJS-512":
    case "NJS-514":
    case "NJS-515":
      return unreachable("the connect string is not valid Easy Connect or descriptor syntax")
    case "NJS-516":
    case "NJS-517":
    case "NJS-520":
      return unreachable("that alias is not in the tnsnames.ora of OIPA_DB_WALLET_DIR")
    case "ORA-29024":
    case "ORA-29106":
    case "NJS-505":
    case "NJS-506":
    case "NJS-507":
    case "NJS-508":
    case "NJS-529":
      return unreachable("the TLS handshake failed: check the server certificate, its name, and OIPA_DB_WALLET_DIR")
    case "ORA-01013":
    case "NJS-123":
    case "DPI-1067":
      return timeout()
    case "ORA-00942":
    case "ORA-04043":
    case "ORA-01031":
      return missing()
    case "SQLITE_READONLY":
      return new OipaQueryFailed({ code, message: "The OIPA connector is read-only: the database refused a change" })
    default:
      if (connectCodes.has(code)) return unreachable("the network connection failed")
      return new OipaQueryFailed({
        code: codeShape.test(code) ? code : "unknown",
        message: "The OIPA database could not run the query; the operator's log has the error code"
      })
  }
}

/**
 * A driver failure as an OipaError. The driver's message is read only to tell
 * SQLite's "no such table" from other SQLITE_ERRORs; it is never copied.
 */
export const fromDriverError = (cause: unknown): OipaError => {
  const inner = cause instanceof SqlError ? cause.cause : cause
  return Option.match(driverFailure(inner), {
    onNone: () => new OipaQueryFailed({ code: "unknown", message: "The OIPA database could not run the query" }),
    onSome: ({ code, message }) =>
      code === "SQLITE_ERROR" && message !== undefined && /no such (table|column)/.test(message)
        ? missing()
        : fromCode(code)
  })
}
