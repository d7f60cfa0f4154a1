import { Config, Effect, Option, Redacted } from "effect"
import { list, optionalSecret, optionalText, wholeNumber } from "../../config/settings.js"
import { oauthSettingsConfig } from "../../security/jwt/OAuthResource.js"

const M = (name: string) => `OPERA_MCP_${name}`
const H = (name: string) => `OPERA_MCP_HTTP_${name}`
const bounded = (name: string, min: number, max: number, fallback: number) =>
  wholeNumber(name, { min, max }).pipe(Config.withDefault(fallback))
const emptyList = [] as ReadonlyArray<string>

export const httpSettingsConfig = Config.all({
  /** PEM certificate chain and private key: both set means HTTPS. */
  tlsCertFile: optionalText(M("TLS_CERT_FILE")),
  tlsKeyFile: optionalText(M("TLS_KEY_FILE")),
  /** Peers (CIDR list) whose X-Forwarded-For is believed; nobody's by default. */
  trustedProxies: list(M("TRUSTED_PROXIES")).pipe(Config.withDefault(emptyList)),
  /** Host header values accepted (host:port); default: the bound address, and localhost forms on loopback. */
  allowedHosts: list(M("ALLOWED_HOSTS")).pipe(Config.withDefault(emptyList)),
  /** Origin header values accepted; default: http(s)://<each allowed host>. A request without Origin is fine. */
  allowedOrigins: list(M("ALLOWED_ORIGINS")).pipe(Config.withDefault(emptyList)),
  maxBodyBytes: bounded(H("MAX_BODY_BYTES"), 1024, 64 * 1024 * 1024, 1024 * 1024),
  maxHeaderBytes: bounded(H("MAX_HEADER_BYTES"), 1024, 1024 * 1024, 16 * 1024),
  maxConnectionsPerSource: bounded(H("MAX_CONNECTIONS_PER_SOURCE"), 1, 100_000, 128),
  maxSessions: bounded(H("MAX_SESSIONS"), 1, 1_000_000, 1000),
  sessionIdleMinutes: bounded(H("SESSION_IDLE_MINUTES"), 1, 10_080, 30),
  /** Slowloris: the whole header block must arrive within this time. */
  headersTimeoutMs: bounded(H("HEADERS_TIMEOUT_MS"), 1000, 600_000, 10_000),
  /** The whole request (headers and body) must arrive within this time. */
  requestTimeoutMs: bounded(H("REQUEST_TIMEOUT_MS"), 1000, 3_600_000, 60_000),
  keepAliveTimeoutMs: bounded(H("KEEP_ALIVE_TIMEOUT_MS"), 1000, 600_000, 5000),
  /** On shutdown, calls in flight get this long to finish before connections are cut. */
  shutdownGraceMs: bounded(H("SHUTDOWN_GRACE_MS"), 0, 600_000, 10_000),
  /**
   * A scrape credential that opens /metrics only (never /mcp), so Prometheus needs no MCP key: sent as
   * `Authorization: Bearer …`; at least 32 characters (e.g. `openssl rand -base64 32`).
   */
  metricsToken: optionalSecret(M("METRICS_TOKEN")).pipe(
    Config.validate({
      message: "OPERA_MCP_METRICS_TOKEN must be at least 32 characters without spaces (e.g. `openssl rand -base64 32`)",
      validation: (token) => Option.match(token, { onNone: () => true, onSome: (value) => /^\S{32,}$/.test(Redacted.value(value)) })
    })
  ),
  /** OAuth resource-server mode (OPERA_MCP_OAUTH_*); OAuthResource checks that it is complete. */
  oauth: oauthSettingsConfig
})

export type HttpSettingsShape = Config.Config.Success<typeof httpSettingsConfig>

/** Settings of the Streamable HTTP transport, read once at start-up. */
export class HttpSettings extends Effect.Service<HttpSettings>()("opera/HttpSettings", {
  effect: httpSettingsConfig
}) {}
