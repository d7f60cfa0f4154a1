import { Config, Effect, Option } from "effect"
import { flag, optionalSecret, optionalText, wholeNumber } from "../../config/settings.js"

const A = (name: string) => `OPERA_SECURITY_AUDIT_${name}`

export const auditConfig = Config.all({
  /** Ed25519 seed (base64, 32 bytes) that signs checkpoints and anchors; derived from the audit key when unset. */
  signingKey: optionalSecret(A("SIGNING_KEY")),
  /** Ed25519 public key (base64, 32 bytes) that verify trusts; derived from the signing key when unset. */
  verifyKey: optionalText(A("VERIFY_KEY")),
  checkpointEveryRows: wholeNumber(A("CHECKPOINT_EVERY_ROWS"), { min: 1, max: 10_000_000 }).pipe(
    Config.withDefault(1000)
  ),
  checkpointEveryMinutes: wholeNumber(A("CHECKPOINT_EVERY_MINUTES"), { min: 1, max: 1440 }).pipe(
    Config.withDefault(5)
  ),
  /** Directory outside the db where each checkpoint is also written, so tail truncation is detectable. */
  checkpointDir: optionalText(A("CHECKPOINT_DIR")),
  /** Refuse every tool call (not only writes) while the audit log is degraded. */
  strictMode: flag(A("STRICT_MODE")).pipe(Config.withDefault(false)),
  retentionEveryMinutes: wholeNumber(A("RETENTION_EVERY_MINUTES"), { min: 1, max: 10_080 }).pipe(
    Config.withDefault(60)
  ),
  /** fsync every append (synchronous=FULL); off, a power cut can lose the last appends but never the chain. */
  fsyncEveryWrite: flag(A("FSYNC_EVERY_WRITE")).pipe(Config.withDefault(false)),
  busyTimeoutMs: wholeNumber(A("BUSY_TIMEOUT_MS"), { min: 0, max: 600_000 }).pipe(Config.withDefault(5000)),
  /** postgres://user:password@host:port/db?sslmode=verify-full selects PostgreSQL; unset keeps SQLite. */
  dbUrl: optionalSecret(A("DB_URL")),
  /** PEM file of the CA that signed the PostgreSQL server's certificate (sslmode verify-ca / verify-full). */
  dbCaFile: optionalText(A("DB_CA_FILE")),
  /** How long a writer's lease on its chain lasts without renewal (renewed every third of it). */
  writerLeaseSeconds: wholeNumber(A("WRITER_LEASE_SECONDS"), { min: 5, max: 3600 }).pipe(Config.withDefault(30)),
  /** Names this writer in the chain lease (default: host name and process id). */
  writerId: optionalText(A("WRITER_ID")),
  /** NODE_ENV=production: the PostgreSQL log refuses a superuser or the tables' owner. */
  production: Config.string("NODE_ENV").pipe(
    Config.withDefault("development"),
    Config.map((value) => value.trim() === "production")
  ),
  xdgDataHome: optionalText("XDG_DATA_HOME"),
  home: optionalText("HOME")
})

export type AuditSettings = Config.Config.Success<typeof auditConfig>

/** Audit settings beyond SecurityConfig's: signing, checkpoints, strict mode, schedules. */
export class AuditConfig extends Effect.Service<AuditConfig>()("opera/AuditConfig", {
  effect: auditConfig
}) {}

/**
 * Where the audit db lives: OPERA_SECURITY_AUDIT_DB_PATH, else
 * $XDG_DATA_HOME/opera-cloud-mcp/audit.db, else ~/.local/share/opera-cloud-mcp/audit.db.
 */
export const resolveAuditDbPath = (
  configured: Option.Option<string>,
  settings: Pick<AuditSettings, "xdgDataHome" | "home">
): Option.Option<string> =>
  configured.pipe(
    Option.map((path) => path.trim()),
    Option.orElse(() => Option.map(settings.xdgDataHome, (dir) => `${dir.replace(/\/+$/, "")}/opera-cloud-mcp/audit.db`)),
    Option.orElse(() =>
      Option.map(settings.home, (dir) => `${dir.replace(/\/+$/, "")}/.local/share/opera-cloud-mcp/audit.db`)
    )
  )
