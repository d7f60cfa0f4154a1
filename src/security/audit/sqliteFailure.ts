import { AuditUnavailable } from "./errors.js"

/** The SQLite result code of a failure (e.g. SQLITE_BUSY), looking through SqlError causes. */
export const sqliteCode = (failure: unknown): string | undefined => {
  let current: unknown = failure
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

const messagesOf = (failure: unknown): ReadonlyArray<string> => {
  const messages: Array<string> = []
  let current: unknown = failure
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const message = (current as { readonly message?: unknown }).message
    if (typeof message === "string") messages.push(message)
    current = (current as { readonly cause?: unknown }).cause
  }
  return messages
}

/**
 * better-sqlite3's native module cannot be loaded: built for another Node.js
 * (Node names both NODE_MODULE_VERSIONs in the dlopen error) or not built at
 * all. Only the ABI numbers are shown, never the addon's path.
 */
export const nativeModuleProblem = (failure: unknown, nodeVersion: string): string | undefined => {
  for (const message of messagesOf(failure)) {
    const versions = /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(message)
    if (versions !== null) {
      return `better-sqlite3 was built for another Node.js version (NODE_MODULE_VERSION ${versions[1]}; ` +
        `this is Node.js ${nodeVersion}, NODE_MODULE_VERSION ${versions[2]}): ` +
        "run `npm rebuild better-sqlite3` where opera-cloud-mcp is installed, with this Node.js"
    }
    if (/Could not locate the bindings file/.test(message)) {
      return "better-sqlite3's native module is missing (its install script did not run or failed): " +
        "run `npm rebuild better-sqlite3` where opera-cloud-mcp is installed, with this Node.js"
    }
  }
  return undefined
}

/**
 * Turns an SQLite failure into a message the operator can act on. Only the
 * result code and the db path are shown: never SQL text, row values or keys.
 */
export const auditUnavailable = (path: string, doing: string) => (failure: unknown): AuditUnavailable => {
  const code = sqliteCode(failure)
  const where = `audit log ${path}`
  const native = code === undefined ? nativeModuleProblem(failure, process.version) : undefined
  if (native !== undefined) {
    return new AuditUnavailable({ reason: "native_module", message: `${where} cannot be opened: ${native}` })
  }
  if (code === undefined) {
    return new AuditUnavailable({ reason: "io", message: `${where}: could not ${doing}` })
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new AuditUnavailable({
      reason: "busy",
      message: `${where} is busy (another process holds its write lock; ${code}); try again`
    })
  }
  if (code.startsWith("SQLITE_FULL")) {
    return new AuditUnavailable({
      reason: "full",
      message: `${where} could not ${doing}: the disk is full (${code}); free space or run \`opera-cloud-mcp audit cleanup\``
    })
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PERM") || code.startsWith("SQLITE_AUTH")) {
    return new AuditUnavailable({
      reason: "read_only",
      message: `${where} is read-only (${code}); check the permissions of the file and its directory`
    })
  }
  if (code.startsWith("SQLITE_CORRUPT") || code.startsWith("SQLITE_NOTADB")) {
    return new AuditUnavailable({
      reason: "corrupt",
      message: `${where} is damaged or not an audit database (${code}); ` +
        "move it aside (keep it for investigation) and restart the server"
    })
  }
  if (code.startsWith("SQLITE_CANTOPEN")) {
    // Also what a read-only directory or file system gives: WAL mode needs the -wal and -shm files beside the db.
    return new AuditUnavailable({
      reason: "not_open",
      message: `${where} cannot be opened (${code}); check the path, and that the file and its directory are ` +
        "writable (SQLite creates -wal and -shm files beside it)"
    })
  }
  if (code.startsWith("SQLITE_IOERR")) {
    // EROFS, EPERM (an immutable file), EIO: SQLite reports them all as an I/O error.
    return new AuditUnavailable({
      reason: "io",
      message: `${where} could not ${doing}: the system refused the read or write (${code}); ` +
        "check that the disk is healthy and the file, its -wal file and its directory are writable"
    })
  }
  return new AuditUnavailable({ reason: "io", message: `${where} could not ${doing} (${code})` })
}
