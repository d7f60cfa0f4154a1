import { FileSystem } from "@effect/platform"
import { Effect, Option } from "effect"
import { parseIpAllowList } from "../../security/ipAllowList.js"
import { HttpStartupRefused } from "./HttpRefusal.js"
import type { HttpSettingsShape } from "./HttpSettings.js"
import { allowedHostsFor, defaultOrigins, isLoopbackHost } from "./networkPolicy.js"

export interface TlsMaterial {
  readonly cert: string
  readonly key: string
}

/** Certificate and key from OPERA_MCP_TLS_CERT_FILE / OPERA_MCP_TLS_KEY_FILE: both or neither. Contents never echoed. */
export const loadTls = (settings: HttpSettingsShape) =>
  Effect.gen(function*() {
    const cert = settings.tlsCertFile
    const key = settings.tlsKeyFile
    if (Option.isNone(cert) && Option.isNone(key)) return Option.none<TlsMaterial>()
    if (Option.isNone(cert) || Option.isNone(key)) {
      return yield* new HttpStartupRefused({
        message: "Set both OPERA_MCP_TLS_CERT_FILE and OPERA_MCP_TLS_KEY_FILE for HTTPS, or neither."
      })
    }
    const fs = yield* FileSystem.FileSystem
    const read = (path: string, setting: string) =>
      fs.readFileString(path).pipe(
        Effect.mapError(() => new HttpStartupRefused({ message: `${setting}: the file ${path} cannot be read.` }))
      )
    const material = {
      cert: yield* read(cert.value, "OPERA_MCP_TLS_CERT_FILE"),
      key: yield* read(key.value, "OPERA_MCP_TLS_KEY_FILE")
    }
    if (!material.cert.includes("-----BEGIN CERTIFICATE-----")) {
      return yield* new HttpStartupRefused({ message: "OPERA_MCP_TLS_CERT_FILE: the file is not a PEM certificate." })
    }
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(material.key)) {
      return yield* new HttpStartupRefused({ message: "OPERA_MCP_TLS_KEY_FILE: the file is not a PEM private key." })
    }
    return Option.some<TlsMaterial>(material)
  })

/**
 * What the HTTP transport checks before it listens: HTTPS policy, the Host
 * and Origin allow-lists, and the trusted proxies.
 */
export const checkNetworkSettings = (
  options: { readonly host: string; readonly port: number; readonly tls: boolean; readonly requireHttps: boolean },
  settings: HttpSettingsShape
) =>
  Effect.gen(function*() {
    if (options.requireHttps && !options.tls && !isLoopbackHost(options.host)) {
      return yield* new HttpStartupRefused({
        message: `Plain HTTP on ${options.host} is refused (OPERA_SECURITY_REQUIRE_HTTPS=true). Set ` +
          "OPERA_MCP_TLS_CERT_FILE and OPERA_MCP_TLS_KEY_FILE, or bind to 127.0.0.1 behind a reverse proxy that terminates TLS."
      })
    }
    const allowedHosts = allowedHostsFor(options.host, options.port, settings.allowedHosts)
    if (allowedHosts === undefined) {
      return yield* new HttpStartupRefused({
        message: `Bound to ${options.host}, the server cannot tell its own Host name: set OPERA_MCP_ALLOWED_HOSTS ` +
          "(for example mcp.hotel.example:443) so DNS-rebinding protection can work."
      })
    }
    const trustedProxies = yield* parseIpAllowList(settings.trustedProxies).pipe(
      Effect.mapError((error) =>
        new HttpStartupRefused({
          message: error.message.replace("OPERA_SECURITY_ALLOWED_IP_ADDRESSES", "OPERA_MCP_TRUSTED_PROXIES")
        })
      )
    )
    const allowedOrigins = settings.allowedOrigins.length > 0
      ? settings.allowedOrigins.map((origin) => origin.trim().toLowerCase().replace(/\/+$/, ""))
      : defaultOrigins(allowedHosts)
    return { allowedHosts, allowedOrigins, trustedProxies } as const
  })
