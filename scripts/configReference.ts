import { oipaSettingDocs } from "../src/connectors/oipa/database/settings.js"

/**
 * The configuration reference: every environment variable the server reads,
 * with its default and meaning. A test records the names the running program
 * actually asks for and fails when this table and the code disagree.
 */
export interface SettingDoc {
  readonly name: string
  readonly defaultValue?: string
  readonly meaning: string
}

const doc = (name: string, defaultValue: string | undefined, meaning: string): SettingDoc =>
  defaultValue === undefined ? { name, meaning } : { name, defaultValue, meaning }

const connection: ReadonlyArray<SettingDoc> = [
  doc("OPERA_BASE_URL", undefined, "OHIP gateway URL of your environment (https; http only for loopback)"),
  doc("OPERA_CLIENT_ID", undefined, "OAuth client id of your OHIP application"),
  doc("OPERA_CLIENT_SECRET", undefined, "OAuth client secret (secret)"),
  doc("OPERA_CLIENT_SECRET_FILE", undefined, "Or: a file (mode 0600) holding it; a running server follows changes (rotation)"),
  doc("OPERA_APP_KEY", undefined, "OHIP application key, sent as `x-app-key` (secret)"),
  doc("OPERA_ENTERPRISE_ID", undefined, "Enterprise id for the token request (OCIM environments)"),
  doc("OPERA_HOTEL_ID", undefined, "Default hotel code, sent as `x-hotelid`"),
  doc("OPERA_SCOPE", undefined, "OAuth scope for the client-credentials grant"),
  doc("OPERA_USERNAME", undefined, "Integration user for the password grant (with OPERA_PASSWORD)"),
  doc("OPERA_PASSWORD", undefined, "Integration user's password (secret)"),
  doc("OPERA_TIMEOUT_MS", "30000", "Timeout of one OPERA request"),
  doc("OPERA_UPSTREAM_MAX_RPS", "50", "Most OPERA requests per second from this application: this process, or every replica together with OPERA_MCP_STATE_URL (OHIP throttles above ~50 per application and environment)"),
  doc("OPERA_UPSTREAM_MAX_WAIT_MS", "1000", "Longest a request waits for its turn before it is refused")
]

const access: ReadonlyArray<SettingDoc> = [
  doc("OPERA_MCP_READ_ONLY", "false", "Hide and refuse every tool that changes OPERA data"),
  doc("OPERA_MCP_TOOLS", undefined, "Comma-separated allow-list of tool names; a name that is no tool is an error in `config validate` and at start-up, with the closest real names"),
  doc("OPERA_MCP_HOTELS", undefined, "Comma-separated allow-list of hotel codes (compared and sent upper-case, as hotel ids in tool arguments are)"),
  doc("OPERA_MCP_TOOL_PROFILE", "full", "Tools listed: full, minimal, front-desk, housekeeping, revenue, reservations, read-only"),
  doc("OPERA_MCP_REQUIRE_CONFIRMATION", "true", "Destructive tools need a confirmation token (turn off only for unattended agents)"),
  doc("OPERA_MCP_CONFIRMATION_MODE", "elicit-or-token", "Who confirms destructive calls: elicit-or-token (the user through the client's elicitation form, else a token), elicit-only (refused to clients that cannot ask their user), token"),
  doc("OPERA_MCP_CONFIRMATION_TTL_SECONDS", "300", "How long a confirmation token (or a 2026-07-28 confirmation round) stays valid"),
  doc("OPERA_MCP_REQUEST_STATE_KEY", "a key for this process", "Secret (at least 32 characters) signing the state of 2026-07-28 confirmation rounds; the same on every replica so any of them can take the answer (secret)")
]

const http: ReadonlyArray<SettingDoc> = [
  doc("OPERA_MCP_CLIENTS_FILE", "config dir/clients.json", "API-key clients of the HTTP transport (salted HMACs only)"),
  doc("OPERA_MCP_TLS_CERT_FILE", undefined, "PEM certificate: serve HTTPS (with OPERA_MCP_TLS_KEY_FILE)"),
  doc("OPERA_MCP_TLS_KEY_FILE", undefined, "PEM private key of that certificate"),
  doc("OPERA_MCP_TRUSTED_PROXIES", undefined, "CIDR list of proxies whose X-Forwarded-For is believed"),
  doc("OPERA_MCP_ALLOWED_HOSTS", "the bind address and localhost", "Host header allow-list (DNS-rebinding protection)"),
  doc("OPERA_MCP_ALLOWED_ORIGINS", undefined, "Origin header allow-list for browser clients"),
  doc("OPERA_MCP_HTTP_MAX_BODY_BYTES", "1048576", "Largest request body"),
  doc("OPERA_MCP_HTTP_MAX_HEADER_BYTES", "16384", "Largest request head"),
  doc("OPERA_MCP_HTTP_MAX_CONNECTIONS_PER_SOURCE", "128", "Open connections per peer address"),
  doc("OPERA_MCP_METRICS_TOKEN", undefined, "Scrape credential (at least 32 characters) that opens `/metrics` only, never `/mcp`, sent as `Authorization: Bearer …`; an MCP key or token still opens `/metrics` too (secret)"),
  doc("OPERA_MCP_HTTP_MAX_SESSIONS", "1000", "Open MCP sessions"),
  doc("OPERA_MCP_HTTP_SESSION_IDLE_MINUTES", "30", "An idle session closes after this long"),
  doc("OPERA_MCP_HTTP_HEADERS_TIMEOUT_MS", "10000", "Time to send the request head (slowloris)"),
  doc("OPERA_MCP_HTTP_REQUEST_TIMEOUT_MS", "60000", "Time to send a whole request"),
  doc("OPERA_MCP_HTTP_KEEP_ALIVE_TIMEOUT_MS", "5000", "Idle keep-alive connections close after this long"),
  doc("OPERA_MCP_HTTP_SHUTDOWN_GRACE_MS", "10000", "How long shutdown waits for calls in flight"),
  doc("OPERA_MCP_OAUTH_ISSUER", undefined, "OAuth resource-server mode: the identity provider's issuer (with AUDIENCE and JWKS_URL)"),
  doc("OPERA_MCP_OAUTH_AUDIENCE", undefined, "Audience access tokens must carry; also the `resource` in /.well-known/oauth-protected-resource"),
  doc("OPERA_MCP_OAUTH_JWKS_URL", undefined, "The provider's JWKS (https; http only on loopback)"),
  doc("OPERA_MCP_OAUTH_WRITE_SCOPE", "opera:write", "Scope a token needs for write tools; tokens without it are read-only")
]

const S = (name: string, defaultValue: string | undefined, meaning: string) =>
  doc(`OPERA_SECURITY_${name}`, defaultValue, meaning)

const security: ReadonlyArray<SettingDoc> = [
  S("ENABLE_SECURITY_MONITORING", "true", "Threat monitoring of tool calls"),
  S("ENABLE_AUDIT_LOGGING", "true", "The encrypted, tamper-evident audit log"),
  S("ENABLE_RATE_LIMITING", "true", "Per-client, per-tool rate limits (lockouts apply regardless)"),
  S("ENABLE_TOKEN_BINDING", "false", "Keep the OAuth token in an encrypted file bound to this configuration"),
  S("AUTH_RATE_LIMIT_REQUESTS", "120", "Calls a client may make to one tool per window"),
  S("AUTH_RATE_LIMIT_WINDOW_MINUTES", "1", "Length of the rate-limit window"),
  S("MAX_FAILED_ATTEMPTS", "5", "Failed or refused calls in a burst that lock a client out"),
  S("FAILED_ATTEMPTS_WINDOW_MINUTES", "15", "How long a failure counts toward a lockout"),
  S("CLIENT_LOCKOUT_DURATION_MINUTES", "15", "How long a lockout lasts"),
  S("TOKEN_MAX_LIFETIME_HOURS", "24", "Upper bound on an OAuth token's life, whatever OPERA grants"),
  S("TOKEN_REFRESH_THRESHOLD_MINUTES", "5", "Refresh a token this long before it expires"),
  S("TOKEN_BINDING_LIFETIME_HOURS", "8", "Oldest cached token accepted at start-up"),
  S("TOKEN_CACHE_PATH", "data dir/token-cache.json", "Token cache file (token binding)"),
  S("ALLOWED_IP_ADDRESSES", undefined, "CIDR allow-list of client addresses (network transports)"),
  S("REQUIRE_HTTPS", "true", "Refuse a non-loopback http:// OPERA URL (and plain HTTP serving)"),
  S("MIN_TLS_VERSION", "TLSv1.2", "Lowest TLS version for outgoing (and served) TLS"),
  S("AUDIT_DB_ENCRYPTION_KEY", undefined, "Audit master key, base64 of 32 bytes (`opera-cloud-mcp keys generate`) (secret)"),
  S("AUDIT_DB_PATH", "data dir/audit.db", "Audit SQLite file (`:memory:` for tests)"),
  S("AUDIT_SIGNING_KEY", "derived from the audit key", "Ed25519 seed that signs checkpoints and anchors (secret)"),
  S("AUDIT_VERIFY_KEY", "derived", "Ed25519 public key verify checks signatures with"),
  S("AUDIT_CHECKPOINT_EVERY_ROWS", "1000", "Sign a checkpoint after this many rows"),
  S("AUDIT_CHECKPOINT_EVERY_MINUTES", "5", "… or after this many minutes"),
  S("AUDIT_CHECKPOINT_DIR", undefined, "Directory outside the db where checkpoints are also written"),
  S("AUDIT_STRICT_MODE", "false", "Refuse every call (not only writes) while the audit log is degraded"),
  S("AUDIT_RETENTION_EVERY_MINUTES", "60", "How often the retention job runs"),
  S("AUDIT_FSYNC_EVERY_WRITE", "false", "fsync each append (slower; survives power loss)"),
  S("AUDIT_BUSY_TIMEOUT_MS", "5000", "Wait for a locked audit db before reporting it busy"),
  S("AUDIT_DB_URL", undefined, "postgres://user:password@host:port/db?sslmode=verify-full: the audit log on PostgreSQL (several writers, one chain each) instead of SQLite (secret)"),
  S("AUDIT_DB_CA_FILE", undefined, "PEM file of the CA that signed the PostgreSQL server's certificate (sslmode=verify-full or verify-ca)"),
  S("AUDIT_WRITER_LEASE_SECONDS", "30", "PostgreSQL: a writer's lease on its chain; a chain whose lease ran out is taken over (and its open intents resolved) by the next writer that starts"),
  S("AUDIT_WRITER_ID", "host name and process id", "PostgreSQL: the name this writer holds its chain lease under"),
  S("SECURITY_EVENT_RETENTION_DAYS", "90", "Audit rows older than this are removed (leaving a signed anchor)"),
  S("AUDIT_DB_MAX_SIZE_MB", "512", "Size cap of the audit db; the oldest rows go first"),
  S("ENABLE_ANOMALY_DETECTION", "true", "Behavioural threat detectors"),
  S("ANOMALY_DETECTION_SENSITIVITY", "0.7", "0–1: how readily behaviour is scored as a threat"),
  S("ENABLE_IP_REPUTATION_CHECK", "false", "Reserved: IP reputation lookups (no external lookups are made)"),
  S("ENABLE_AUTOMATIC_INCIDENT_RESPONSE", "true", "Block a client and send alerts on a high-risk incident"),
  S("SECURITY_NOTIFICATION_WEBHOOK", undefined, "URL that receives signed incident alerts"),
  S("SECURITY_NOTIFICATION_EMAIL", undefined, "Address that receives incident alerts by email"),
  S("WEBHOOK_SECRET", undefined, "Key of the webhook signature (HMAC-SHA256 over timestamp and body) (secret)"),
  S("SMTP_HOST", undefined, "SMTP server for incident emails"),
  S("SMTP_PORT", "587", "SMTP port"),
  S("SMTP_SECURE", "false", "TLS from the start (port 465); otherwise STARTTLS when offered"),
  S("SMTP_USER", undefined, "SMTP login"),
  S("SMTP_PASSWORD", undefined, "SMTP password (secret)"),
  S("SMTP_FROM", "opera-cloud-mcp@localhost", "Sender of incident emails"),
  S("INCIDENT_BLOCK_MINUTES", "60", "How long an incident blocks the client"),
  S("RAISED_MONITORING_MINUTES", "30", "How long a medium-risk client is watched more closely"),
  S("OFF_HOURS_START", "1", "Hotel-local hour when off-hours begin (off-hours detector)"),
  S("OFF_HOURS_END", "5", "Hotel-local hour when off-hours end"),
  S("HOTEL_TIME_ZONE", "UTC", "IANA time zone of the hotel, for off-hours"),
  S("ENABLE_GDPR_MODE", "false", "Hash IP addresses and user agents; mask names (every field that carries a guest's name, combined names included) and addresses in every tool's result, even of tools that exist to show them"),
  S("ENABLE_PII_ANONYMIZATION", "false", "Hash IP addresses and user agents in the audit log"),
  S("PII_HASH_KEY", "random per process", "Key of those hashes, base64 ≥ 32 bytes (secret)"),
  S("DATA_RETENTION_POLICY_DAYS", "365", "Retention of personal data the server keeps"),
  S("ENABLE_SECURITY_DEBUG_LOGS", "false", "More detail on stderr (still no secrets or PII)"),
  S("REDACT_CARD", "masked", "Card numbers in results: masked or full-mask (never shown)"),
  S("REDACT_ID_DOCUMENT", "masked", "ID document numbers in results"),
  S("REDACT_EMAIL", "masked", "Emails in results, except tools that exist to show them"),
  S("REDACT_PHONE", "masked", "Phone numbers in results, except tools that exist to show them"),
  S("REDACT_BIRTH_DATE", "masked", "Birth dates in results"),
  S("REDACT_NAME", "none", "Guest names in results: given name, surname and combined names (`guest.name`, full and display names) (masked in GDPR mode)"),
  S("REDACT_ADDRESS", "none", "Street addresses in results (masked in GDPR mode)"),
  S("SECURITY_TESTING_MODE", "false", "Marks a test deployment; the production checklist refuses it"),
  S("CREDENTIAL_ROTATION_INTERVAL_DAYS", "90", "Planned client-secret rotation interval (production checklist)")
]

const sharedState: ReadonlyArray<SettingDoc> = [
  doc("OPERA_MCP_STATE_URL", undefined, "Redis shared by every replica for limits, lockouts, blocks, confirmation tokens and rounds, threat profiles, key revocations, the OPERA throttle and the OAuth token (`redis://` or `rediss://` for TLS; secret: it may carry the password); unset: this process's own store"),
  doc("OPERA_MCP_STATE_USERNAME", undefined, "Redis ACL user (or in the URL)"),
  doc("OPERA_MCP_STATE_PASSWORD", undefined, "Redis ACL password (secret; or in the URL)"),
  doc("OPERA_MCP_STATE_KEY", undefined, "Key of the hashes that stand for client ids, guest ids and key ids in Redis and of the sealed labels of lockouts and blocks, the same on every replica (secret; required with OPERA_MCP_STATE_URL)"),
  doc("OPERA_MCP_STATE_TIMEOUT_MS", "1000", "Timeout of one Redis command; past it the call is refused"),
  doc("OPERA_MCP_STATE_READS_WHEN_UNAVAILABLE", "refuse", "While the shared state is unreachable: `refuse` read-only calls too, or `allow` them (calls that change data are always refused)"),
  doc("OPERA_MCP_STATE_FILE", "next to the audit database", "Without Redis: the SQLite file that keeps lockouts and blocks across restarts (`security-state.db` beside the audit database; in memory when the audit log is)")
]

const telemetry: ReadonlyArray<SettingDoc> = [
  doc("OTEL_EXPORTER_OTLP_ENDPOINT", undefined, "OpenTelemetry: base URL of an OTLP/HTTP receiver (traces to `/v1/traces`, metrics to `/v1/metrics`): a span per tool call with its pipeline steps and OPERA requests, tool and OPERA latency metrics; attributes carry tool names, outcomes, error tags, OPERA operation ids and HTTP statuses, never arguments, results, ids or error messages; unset: off, spans are not built"),
  doc("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "`http/protobuf` or `http/json`"),
  doc("OTEL_EXPORTER_OTLP_HEADERS", undefined, "Headers sent with every export, `key=value,key2=value2` (secret: it may carry the receiver's credentials)"),
  doc("OTEL_SERVICE_NAME", "opera-cloud-mcp", "The `service.name` resource attribute of everything exported"),
  doc("OTEL_SDK_DISABLED", "false", "`true` turns telemetry off even with an endpoint set")
]

const process: ReadonlyArray<SettingDoc> = [
  doc("NODE_ENV", "development", "`production` runs the production checklist before serving, and makes a PostgreSQL audit log refuse a superuser or the tables' owner")
]

// The OIPA connector's database (serve --connector oipa), documented beside its code.
const oipa: ReadonlyArray<SettingDoc> = oipaSettingDocs

export const documentedSettings: ReadonlyArray<SettingDoc> = [
  ...connection,
  ...oipa,
  ...access,
  ...http,
  ...sharedState,
  ...security,
  ...telemetry,
  ...process
]

/** Settings read for locating files, documented by their operating system, not here. */
export const standardVariables: ReadonlyArray<string> = ["HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "NO_COLOR"]

export const configReference = (): ReadonlyArray<SettingDoc> => documentedSettings
