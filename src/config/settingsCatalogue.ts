import { oipaSettingDocs } from "../connectors/oipa/database/settings.js"

/**
 * The settings catalogue: every environment variable the program reads, with its default, its meaning and the
 * commands that read it. The README's settings table is generated from it, and each command's `--help` ends with
 * its "Environment:" list; tests record the names each command actually asks for and fail when they disagree.
 */

/** Every command that does work (the groups `audit`, `clients`, … only hold these). */
export const commandNames = [
  "serve",
  "sandbox",
  "config validate",
  "audit verify",
  "audit report",
  "audit cleanup",
  "audit export",
  "audit accept-rollback",
  "audit init-db",
  "audit migrate",
  "keys generate",
  "keys rotate",
  "clients add",
  "clients list",
  "clients revoke",
  "clients block",
  "clients unblock",
  "lockouts list",
  "lockouts clear",
  "credentials rotate"
] as const
export type CommandName = typeof commandNames[number]

export interface SettingDoc {
  readonly name: string
  readonly defaultValue?: string
  readonly meaning: string
  /** The commands that read it. */
  readonly readBy: ReadonlyArray<CommandName>
}

// Who reads what follows from the layers each command builds: the audit log (and the security settings it is
// configured with) for every command that opens it, the security state for the operator commands, the OPERA
// connection for the commands that fetch a token, the transports and telemetry for `serve` alone.
const server: ReadonlyArray<CommandName> = ["serve", "config validate"]
const serveOnly: ReadonlyArray<CommandName> = ["serve"]
const stateOperators: ReadonlyArray<CommandName> = ["clients block", "clients unblock", "lockouts list", "lockouts clear"]
const auditMaintenance: ReadonlyArray<CommandName> = [
  "audit verify",
  "audit report",
  "audit cleanup",
  "audit export",
  "audit accept-rollback",
  "audit init-db",
  "audit migrate",
  "keys rotate"
]
const everyConfigured: ReadonlyArray<CommandName> = [...server, ...auditMaintenance, ...stateOperators, "credentials rotate"]
const clientsFile: ReadonlyArray<CommandName> = ["serve", "clients add", "clients list", "clients revoke", ...stateOperators]
const stateConnection: ReadonlyArray<CommandName> = [...server, ...stateOperators, "clients revoke"]
const stateSecrets: ReadonlyArray<CommandName> = [...stateConnection, "credentials rotate"]
const stateFile: ReadonlyArray<CommandName> = [...server, ...stateOperators]
const piiHash: ReadonlyArray<CommandName> = [...stateFile, "credentials rotate"]
const operaConnection: ReadonlyArray<CommandName> = [...server, "credentials rotate"]
const incidents: ReadonlyArray<CommandName> = [...operaConnection, "clients block"]

const doc = (name: string, defaultValue: string | undefined, meaning: string, readBy: ReadonlyArray<CommandName>): SettingDoc =>
  defaultValue === undefined ? { name, meaning, readBy } : { name, defaultValue, meaning, readBy }

const connection: ReadonlyArray<SettingDoc> = [
  doc("OPERA_BASE_URL", undefined, "OHIP gateway URL of your environment (https; http only for loopback)", operaConnection),
  doc("OPERA_CLIENT_ID", undefined, "OAuth client id of your OHIP application", operaConnection),
  doc("OPERA_CLIENT_SECRET", undefined, "OAuth client secret (secret)", operaConnection),
  doc("OPERA_CLIENT_SECRET_FILE", undefined, "Or: a file (mode 0600) holding it; a running server follows changes (rotation)", operaConnection),
  doc("OPERA_APP_KEY", undefined, "OHIP application key, sent as `x-app-key` (secret)", operaConnection),
  doc("OPERA_ENTERPRISE_ID", undefined, "Enterprise id for the token request (OCIM environments)", operaConnection),
  doc("OPERA_HOTEL_ID", undefined, "Default hotel code, sent as `x-hotelid`", operaConnection),
  doc("OPERA_SCOPE", undefined, "OAuth scope for the client-credentials grant", operaConnection),
  doc("OPERA_USERNAME", undefined, "Integration user for the password grant (with OPERA_PASSWORD)", operaConnection),
  doc("OPERA_PASSWORD", undefined, "Integration user's password (secret)", operaConnection),
  doc("OPERA_TIMEOUT_MS", "30000", "Timeout of one OPERA request", operaConnection),
  doc("OPERA_UPSTREAM_MAX_RPS", "50", "Most OPERA requests per second from this application: this process, or every replica together with OPERA_MCP_STATE_URL (OHIP throttles above ~50 per application and environment)", server),
  doc("OPERA_UPSTREAM_MAX_WAIT_MS", "1000", "Longest a request waits for its turn before it is refused", server)
]

const access: ReadonlyArray<SettingDoc> = [
  doc("OPERA_MCP_READ_ONLY", "false", "Hide and refuse every tool that changes OPERA data", everyConfigured),
  doc("OPERA_MCP_TOOLS", undefined, "Comma-separated allow-list of tool names; a name that is no tool is an error in `config validate` and at start-up, with the closest real names", everyConfigured),
  doc("OPERA_MCP_HOTELS", undefined, "Comma-separated allow-list of hotel codes (compared and sent upper-case, as hotel ids in tool arguments are)", everyConfigured),
  doc("OPERA_MCP_TOOL_PROFILE", "full", "Tools listed: full, minimal, front-desk, housekeeping, revenue, reservations, read-only", everyConfigured),
  doc("OPERA_MCP_REQUIRE_CONFIRMATION", "true", "Destructive tools need a confirmation token (turn off only for unattended agents)", server),
  doc("OPERA_MCP_CONFIRMATION_MODE", "elicit-or-token", "Who confirms destructive calls: elicit-or-token (the user through the client's elicitation form, else a token), elicit-only (refused to clients that cannot ask their user), token", server),
  doc("OPERA_MCP_CONFIRMATION_TTL_SECONDS", "300", "How long a confirmation token (or a 2026-07-28 confirmation round) stays valid", server),
  doc("OPERA_MCP_REQUEST_STATE_KEY", "a key for this process", "Secret (at least 32 characters) signing the state of 2026-07-28 confirmation rounds; the same on every replica so any of them can take the answer (secret)", operaConnection)
]

const http: ReadonlyArray<SettingDoc> = [
  doc("OPERA_MCP_CLIENTS_FILE", "config dir/clients.json", "API-key clients of the HTTP transport (salted HMACs only)", clientsFile),
  doc("OPERA_MCP_TLS_CERT_FILE", undefined, "PEM certificate: serve HTTPS (with OPERA_MCP_TLS_KEY_FILE)", serveOnly),
  doc("OPERA_MCP_TLS_KEY_FILE", undefined, "PEM private key of that certificate", serveOnly),
  doc("OPERA_MCP_TRUSTED_PROXIES", undefined, "CIDR list of proxies whose X-Forwarded-For is believed", serveOnly),
  doc("OPERA_MCP_ALLOWED_HOSTS", "the bind address and localhost", "Host header allow-list (DNS-rebinding protection)", serveOnly),
  doc("OPERA_MCP_ALLOWED_ORIGINS", undefined, "Origin header allow-list for browser clients", serveOnly),
  doc("OPERA_MCP_HTTP_MAX_BODY_BYTES", "1048576", "Largest request body", serveOnly),
  doc("OPERA_MCP_HTTP_MAX_HEADER_BYTES", "16384", "Largest request head", serveOnly),
  doc("OPERA_MCP_HTTP_MAX_CONNECTIONS_PER_SOURCE", "128", "Open connections per peer address", serveOnly),
  doc("OPERA_MCP_METRICS_TOKEN", undefined, "Scrape credential (at least 32 characters) that opens `/metrics` only, never `/mcp`, sent as `Authorization: Bearer …`; an MCP key or token still opens `/metrics` too (secret)", serveOnly),
  doc("OPERA_MCP_HTTP_MAX_SESSIONS", "1000", "Open MCP sessions", serveOnly),
  doc("OPERA_MCP_HTTP_SESSION_IDLE_MINUTES", "30", "An idle session closes after this long", serveOnly),
  doc("OPERA_MCP_HTTP_HEADERS_TIMEOUT_MS", "10000", "Time to send the request head (slowloris)", serveOnly),
  doc("OPERA_MCP_HTTP_REQUEST_TIMEOUT_MS", "60000", "Time to send a whole request", serveOnly),
  doc("OPERA_MCP_HTTP_KEEP_ALIVE_TIMEOUT_MS", "5000", "Idle keep-alive connections close after this long", serveOnly),
  doc("OPERA_MCP_HTTP_SHUTDOWN_GRACE_MS", "10000", "How long shutdown waits for calls in flight", serveOnly),
  doc("OPERA_MCP_OAUTH_ISSUER", undefined, "OAuth resource-server mode: the identity provider's issuer (with AUDIENCE and JWKS_URL)", serveOnly),
  doc("OPERA_MCP_OAUTH_AUDIENCE", undefined, "Audience access tokens must carry; also the `resource` in /.well-known/oauth-protected-resource", serveOnly),
  doc("OPERA_MCP_OAUTH_JWKS_URL", undefined, "The provider's JWKS (https; http only on loopback)", serveOnly),
  doc("OPERA_MCP_OAUTH_WRITE_SCOPE", "opera:write", "Scope a token needs for write tools; tokens without it are read-only", serveOnly)
]

const S = (name: string, defaultValue: string | undefined, meaning: string, readBy: ReadonlyArray<CommandName>) =>
  doc(`OPERA_SECURITY_${name}`, defaultValue, meaning, readBy)

const security: ReadonlyArray<SettingDoc> = [
  S("ENABLE_SECURITY_MONITORING", "true", "Threat monitoring of tool calls", everyConfigured),
  S("ENABLE_AUDIT_LOGGING", "true", "The encrypted, tamper-evident audit log", everyConfigured),
  S("ENABLE_RATE_LIMITING", "true", "Per-client, per-tool rate limits (lockouts apply regardless)", everyConfigured),
  S("ENABLE_TOKEN_BINDING", "false", "Keep the OAuth token in an encrypted file bound to this configuration", everyConfigured),
  S("AUTH_RATE_LIMIT_REQUESTS", "120", "Calls a client may make to one tool per window", everyConfigured),
  S("AUTH_RATE_LIMIT_WINDOW_MINUTES", "1", "Length of the rate-limit window", everyConfigured),
  S("MAX_FAILED_ATTEMPTS", "5", "Failed or refused calls in a burst that lock a client out", everyConfigured),
  S("FAILED_ATTEMPTS_WINDOW_MINUTES", "15", "How long a failure counts toward a lockout", server),
  S("CLIENT_LOCKOUT_DURATION_MINUTES", "15", "How long a lockout lasts", everyConfigured),
  S("TOKEN_MAX_LIFETIME_HOURS", "24", "Upper bound on an OAuth token's life, whatever OPERA grants", everyConfigured),
  S("TOKEN_REFRESH_THRESHOLD_MINUTES", "5", "Refresh a token this long before it expires", everyConfigured),
  S("TOKEN_BINDING_LIFETIME_HOURS", "8", "Oldest cached token accepted at start-up", everyConfigured),
  S("TOKEN_CACHE_PATH", "data dir/token-cache.json", "Token cache file (token binding)", everyConfigured),
  S("ALLOWED_IP_ADDRESSES", undefined, "CIDR allow-list of client addresses (network transports)", everyConfigured),
  S("REQUIRE_HTTPS", "true", "Refuse a non-loopback http:// OPERA URL (and plain HTTP serving)", everyConfigured),
  S("MIN_TLS_VERSION", "TLSv1.2", "Lowest TLS version for outgoing (and served) TLS", everyConfigured),
  S("AUDIT_DB_ENCRYPTION_KEY", undefined, "Audit master key, base64 of 32 bytes (`opera-cloud-mcp keys generate`) (secret)", everyConfigured),
  S("AUDIT_DB_PATH", "data dir/audit.db", "Audit SQLite file (`:memory:` for tests)", everyConfigured),
  S("AUDIT_SIGNING_KEY", "derived from the audit key", "Ed25519 seed that signs checkpoints and anchors (secret)", everyConfigured),
  S("AUDIT_VERIFY_KEY", "derived", "Ed25519 public key verify checks signatures with", everyConfigured),
  S("AUDIT_CHECKPOINT_EVERY_ROWS", "1000", "Sign a checkpoint after this many rows", everyConfigured),
  S("AUDIT_CHECKPOINT_EVERY_MINUTES", "5", "… or after this many minutes", everyConfigured),
  S("AUDIT_CHECKPOINT_DIR", undefined, "Directory outside the db where checkpoints are also written", everyConfigured),
  S("AUDIT_STRICT_MODE", "false", "Refuse every call (not only writes) while the audit log is degraded", everyConfigured),
  S("AUDIT_RETENTION_EVERY_MINUTES", "60", "How often the retention job runs", everyConfigured),
  S("AUDIT_FSYNC_EVERY_WRITE", "false", "fsync each append (slower; survives power loss)", everyConfigured),
  S("AUDIT_BUSY_TIMEOUT_MS", "5000", "Wait for a locked audit db before reporting it busy", everyConfigured),
  S("AUDIT_DB_URL", undefined, "postgres://user:password@host:port/db?sslmode=verify-full: the audit log on PostgreSQL (several writers, one chain each) instead of SQLite (secret)", everyConfigured),
  S("AUDIT_DB_CA_FILE", undefined, "PEM file of the CA that signed the PostgreSQL server's certificate (sslmode=verify-full or verify-ca)", everyConfigured),
  S("AUDIT_WRITER_LEASE_SECONDS", "30", "PostgreSQL: a writer's lease on its chain; a chain whose lease ran out is taken over (and its open intents resolved) by the next writer that starts", everyConfigured),
  S("AUDIT_WRITER_ID", "host name and process id", "PostgreSQL: the name this writer holds its chain lease under", everyConfigured),
  S("SECURITY_EVENT_RETENTION_DAYS", "90", "Audit rows older than this are removed (leaving a signed anchor)", everyConfigured),
  S("AUDIT_DB_MAX_SIZE_MB", "512", "Size cap of the audit db; the oldest rows go first", everyConfigured),
  S("ENABLE_ANOMALY_DETECTION", "true", "Behavioural threat detectors", everyConfigured),
  S("ANOMALY_DETECTION_SENSITIVITY", "0.7", "0–1: how readily behaviour is scored as a threat", everyConfigured),
  S("ENABLE_IP_REPUTATION_CHECK", "false", "Reserved: IP reputation lookups (no external lookups are made)", everyConfigured),
  S("ENABLE_AUTOMATIC_INCIDENT_RESPONSE", "true", "Block a client and send alerts on a high-risk incident", everyConfigured),
  S("SECURITY_NOTIFICATION_WEBHOOK", undefined, "URL that receives signed incident alerts", everyConfigured),
  S("SECURITY_NOTIFICATION_EMAIL", undefined, "Address that receives incident alerts by email", everyConfigured),
  S("WEBHOOK_SECRET", undefined, "Key of the webhook signature (HMAC-SHA256 over timestamp and body) (secret)", incidents),
  S("SMTP_HOST", undefined, "SMTP server for incident emails", incidents),
  S("SMTP_PORT", "587", "SMTP port", incidents),
  S("SMTP_SECURE", "false", "TLS from the start (port 465); otherwise STARTTLS when offered", incidents),
  S("SMTP_USER", undefined, "SMTP login", incidents),
  S("SMTP_PASSWORD", undefined, "SMTP password (secret)", incidents),
  S("SMTP_FROM", "opera-cloud-mcp@localhost", "Sender of incident emails", incidents),
  S("INCIDENT_BLOCK_MINUTES", "60", "How long an incident blocks the client", incidents),
  S("RAISED_MONITORING_MINUTES", "30", "How long a medium-risk client is watched more closely", incidents),
  S("OFF_HOURS_START", "1", "Hotel-local hour when off-hours begin (off-hours detector)", incidents),
  S("OFF_HOURS_END", "5", "Hotel-local hour when off-hours end", incidents),
  S("HOTEL_TIME_ZONE", "UTC", "IANA time zone of the hotel, for off-hours", incidents),
  S("ENABLE_GDPR_MODE", "false", "Hash IP addresses and user agents; mask names (every field that carries a guest's name, combined names included) and addresses in every tool's result, even of tools that exist to show them", everyConfigured),
  S("ENABLE_PII_ANONYMIZATION", "false", "Hash IP addresses and user agents in the audit log", everyConfigured),
  S("PII_HASH_KEY", "random per process", "Key of those hashes, base64 ≥ 32 bytes (secret)", piiHash),
  S("DATA_RETENTION_POLICY_DAYS", "365", "Retention of personal data the server keeps", everyConfigured),
  S("ENABLE_SECURITY_DEBUG_LOGS", "false", "More detail on stderr (still no secrets or PII)", everyConfigured),
  S("REDACT_CARD", "masked", "Card numbers in results: masked or full-mask (never shown)", server),
  S("REDACT_ID_DOCUMENT", "masked", "ID document numbers in results", server),
  S("REDACT_EMAIL", "masked", "Emails in results, except tools that exist to show them", server),
  S("REDACT_PHONE", "masked", "Phone numbers in results, except tools that exist to show them", server),
  S("REDACT_BIRTH_DATE", "masked", "Birth dates in results", server),
  S("REDACT_NAME", "none", "Guest names in results: given name, surname and combined names (`guest.name`, full and display names) (masked in GDPR mode)", server),
  S("REDACT_ADDRESS", "none", "Street addresses in results (masked in GDPR mode)", server),
  S("SECURITY_TESTING_MODE", "false", "Marks a test deployment; the production checklist refuses it", server),
  S("CREDENTIAL_ROTATION_INTERVAL_DAYS", "90", "Planned client-secret rotation interval (production checklist)", server)
]

const sharedState: ReadonlyArray<SettingDoc> = [
  doc("OPERA_MCP_STATE_URL", undefined, "Redis shared by every replica for limits, lockouts, blocks, confirmation tokens and rounds, threat profiles, key revocations, the OPERA throttle and the OAuth token (`redis://` or `rediss://` for TLS; secret: it may carry the password); unset: this process's own store", stateConnection),
  doc("OPERA_MCP_STATE_USERNAME", undefined, "Redis ACL user (or in the URL)", stateConnection),
  doc("OPERA_MCP_STATE_PASSWORD", undefined, "Redis ACL password (secret; or in the URL)", stateSecrets),
  doc("OPERA_MCP_STATE_KEY", undefined, "Key of the hashes that stand for client ids, guest ids and key ids in Redis and of the sealed labels of lockouts and blocks, the same on every replica (secret; required with OPERA_MCP_STATE_URL)", stateSecrets),
  doc("OPERA_MCP_STATE_TIMEOUT_MS", "1000", "Timeout of one Redis command; past it the call is refused", stateConnection),
  doc("OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE", "refuse", "While the shared state is unreachable: `refuse` read-only calls too, or `allow` them (calls that change data are always refused)", stateConnection),
  doc("OPERA_MCP_STATE_FILE", "next to the audit database", "Without Redis: the SQLite file that keeps lockouts and blocks across restarts (`security-state.db` beside the audit database; in memory when the audit log is)", stateFile)
]

const telemetry: ReadonlyArray<SettingDoc> = [
  doc("OTEL_EXPORTER_OTLP_ENDPOINT", undefined, "OpenTelemetry: base URL of an OTLP/HTTP receiver (traces to `/v1/traces`, metrics to `/v1/metrics`): a span per tool call with its pipeline steps and OPERA requests, tool and OPERA latency metrics; attributes carry tool names, outcomes, error tags, OPERA operation ids and HTTP statuses, never arguments, results, ids or error messages; unset: off, spans are not built", serveOnly),
  doc("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "`http/protobuf` or `http/json`", serveOnly),
  doc("OTEL_EXPORTER_OTLP_HEADERS", undefined, "Headers sent with every export, `key=value,key2=value2` (secret: it may carry the receiver's credentials)", serveOnly),
  doc("OTEL_SERVICE_NAME", "opera-cloud-mcp", "The `service.name` resource attribute of everything exported", serveOnly),
  doc("OTEL_SDK_DISABLED", "false", "`true` turns telemetry off even with an endpoint set", serveOnly)
]

const runtime: ReadonlyArray<SettingDoc> = [
  doc("NODE_ENV", "development", "`production` runs the production checklist before serving, and makes a PostgreSQL audit log refuse a superuser or the tables' owner", everyConfigured)
]

// The OIPA connector's database (serve --connector oipa), documented beside its code.
const oipa: ReadonlyArray<SettingDoc> = oipaSettingDocs.map((setting) => ({ ...setting, readBy: server }))

export const documentedSettings: ReadonlyArray<SettingDoc> = [
  ...connection,
  ...oipa,
  ...access,
  ...http,
  ...sharedState,
  ...security,
  ...telemetry,
  ...runtime
]

/** Settings read for locating files, documented by their operating system, not here. */
export const standardVariables: ReadonlyArray<string> = ["HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "NO_COLOR"]

/** The settings `command` reads, in the README's order. */
export const settingsReadBy = (command: CommandName): ReadonlyArray<string> =>
  documentedSettings.filter((setting) => setting.readBy.includes(command)).map((setting) => setting.name)
