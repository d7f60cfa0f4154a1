import { Either, Redacted } from "effect"
import type { ConnectionOptions } from "node:tls"
import { AuditMisconfigured } from "../errors.js"

export type SslMode = "disable" | "require" | "verify-ca" | "verify-full"
const sslModes: ReadonlyArray<SslMode> = ["disable", "require", "verify-ca", "verify-full"]

/** OPERA_SECURITY_AUDIT_DB_URL, decoded: the password stays Redacted, `display` never holds it. */
export interface PgTarget {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly username: string
  readonly password: Redacted.Redacted | undefined
  readonly sslMode: SslMode
  /** `postgres://user@host:port/db`, for messages. */
  readonly display: string
  readonly loopback: boolean
}

const setting = "OPERA_SECURITY_AUDIT_DB_URL"
const misconfigured = (message: string) => new AuditMisconfigured({ setting, message: `${setting} ${message}` })
const isLoopback = (host: string) => host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host)

/** Whether a URL setting names PostgreSQL (and not an SQLite path). */
export const isPostgresUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value.trim())

/**
 * Reads the URL at the boundary. The messages name what is wrong, never the
 * value: a malformed URL can hold the password.
 */
export const parsePgUrl = (url: Redacted.Redacted): Either.Either<PgTarget, AuditMisconfigured> =>
  Either.gen(function*() {
    const raw = Redacted.value(url).trim()
    if (!isPostgresUrl(raw)) return yield* Either.left(misconfigured("must start with postgres:// or postgresql://"))
    const parsed = yield* Either.try({
      try: () => new URL(raw),
      catch: () => misconfigured("is not a valid URL (percent-encode special characters of the password)")
    })
    const host = parsed.hostname
    if (host === "") return yield* Either.left(misconfigured("has no host"))
    const port = parsed.port === "" ? 5432 : Number(parsed.port)
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""))
    if (database === "" || database.includes("/")) return yield* Either.left(misconfigured("must name one database (…/dbname)"))
    const username = decodeURIComponent(parsed.username)
    if (username === "") return yield* Either.left(misconfigured("has no user name (postgres://user:password@host/db)"))
    const unknown = [...parsed.searchParams.keys()].filter((key) => key !== "sslmode")
    if (unknown.length > 0) {
      return yield* Either.left(misconfigured(`has parameters this server does not read (${unknown.join(", ")}); ` +
        "only sslmode is read, the CA file is OPERA_SECURITY_AUDIT_DB_CA_FILE"))
    }
    const loopback = isLoopback(host)
    const requested = parsed.searchParams.get("sslmode")
    // No sslmode: verified TLS, except on loopback, where there is no network to protect.
    const sslMode = requested === null ? (loopback ? "disable" : "verify-full") : requested
    if (!sslModes.includes(sslMode as SslMode)) {
      return yield* Either.left(misconfigured(`has sslmode=${sslMode.slice(0, 20)}; use one of ${sslModes.join(", ")}`))
    }
    const password = parsed.password === "" ? undefined : Redacted.make(decodeURIComponent(parsed.password))
    return {
      host,
      port,
      database,
      username,
      password,
      sslMode: sslMode as SslMode,
      loopback,
      display: `postgres://${username}@${host}:${port}/${database}`
    }
  })

/**
 * TLS options for `pg`: verify-full checks the chain (against the CA file when
 * given) and the host name; verify-ca the chain only; require encrypts only.
 */
export const tlsOptions = (target: PgTarget, ca: string | undefined): false | ConnectionOptions =>
  target.sslMode === "disable"
    ? false
    : target.sslMode === "require"
    ? { rejectUnauthorized: false }
    : {
      rejectUnauthorized: true,
      ...(ca === undefined ? {} : { ca }),
      ...(target.sslMode === "verify-ca" ? { checkServerIdentity: () => undefined } : { servername: target.host })
    }

/** In production, a database across a network must be reached over verified TLS. */
export const productionTlsProblem = (target: PgTarget): string | undefined =>
  target.loopback || target.sslMode === "verify-full"
    ? undefined
    : `${setting} has sslmode=${target.sslMode} for ${target.host}: in production the audit database must be ` +
      "reached with sslmode=verify-full (and OPERA_SECURITY_AUDIT_DB_CA_FILE naming the CA)"
