import { AuditUnavailable } from "../errors.js"

/** The SQLSTATE of a PostgreSQL failure (e.g. 23505), looking through SqlError causes. */
export const sqlState = (failure: unknown): string | undefined => {
  let current: unknown = failure
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

/** A network failure of the driver (no SQLSTATE): ECONNREFUSED, ENOTFOUND, a TLS refusal. */
const socketCode = (failure: unknown): string | undefined => {
  let current: unknown = failure
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string" && /^(E[A-Z]+|ERR_TLS_[A-Z_]+|[A-Z_]*CERT[A-Z_]*|DEPTH_ZERO_SELF_SIGNED_CERT)$/.test(code)) {
      return code
    }
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

/**
 * Turns a PostgreSQL failure into a message the operator can act on. Only the
 * SQLSTATE and the server (never the password, SQL text or row values) are shown.
 */
export const pgUnavailable = (where: string, doing: string) => (failure: unknown): AuditUnavailable => {
  const state = sqlState(failure)
  const at = `audit log ${where}`
  if (state === undefined) {
    const socket = socketCode(failure)
    return new AuditUnavailable({
      reason: "not_open",
      message: socket === undefined
        ? `${at}: could not ${doing}`
        : `${at}: could not ${doing}: the server cannot be reached or its certificate was refused (${socket}); ` +
          "check the host, port, sslmode and OPERA_SECURITY_AUDIT_DB_CA_FILE"
    })
  }
  if (state === "42501") {
    return new AuditUnavailable({
      reason: "read_only",
      message: `${at}: could not ${doing}: permission denied (SQLSTATE ${state}); the role lacks a grant ` +
        "(see `opera-cloud-mcp audit init-db --print-sql`)"
    })
  }
  if (state === "28P01" || state === "28000") {
    return new AuditUnavailable({
      reason: "not_open",
      message: `${at}: could not ${doing}: the server refused the login (SQLSTATE ${state}); check the user and password`
    })
  }
  if (state.startsWith("08") || state === "57P01" || state === "57P02" || state === "57P03" || state === "53300") {
    return new AuditUnavailable({
      reason: "not_open",
      message: `${at}: could not ${doing}: the connection failed (SQLSTATE ${state}); check that the server is up`
    })
  }
  if (state === "53100") {
    return new AuditUnavailable({
      reason: "full",
      message: `${at}: could not ${doing}: the server's disk is full (SQLSTATE ${state}); free space or run ` +
        "`opera-cloud-mcp audit cleanup`"
    })
  }
  if (state === "40001" || state === "40P01" || state === "55P03") {
    return new AuditUnavailable({ reason: "busy", message: `${at} is busy (SQLSTATE ${state}); try again` })
  }
  if (state === "42P01" || state === "42703") {
    return new AuditUnavailable({
      reason: "not_open",
      message: `${at}: could not ${doing}: the audit tables are missing or old (SQLSTATE ${state}); run ` +
        "`opera-cloud-mcp audit init-db` as the owner"
    })
  }
  if (state === "P0001" || state === "XX001" || state === "XX002") {
    return new AuditUnavailable({
      reason: "corrupt",
      message: `${at}: could not ${doing}: the database refused it as damage to the audit log (SQLSTATE ${state}); ` +
        "keep the database for investigation"
    })
  }
  return new AuditUnavailable({ reason: "io", message: `${at} could not ${doing} (SQLSTATE ${state})` })
}
