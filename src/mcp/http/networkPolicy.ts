import { isIPv6 } from "node:net"
import type { IpAllowList } from "../../security/ipAllowList.js"

const mappedIpv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i

/** A socket address as people write it: IPv4-mapped IPv6 becomes plain IPv4. */
export const normalizeAddress = (address: string): string => mappedIpv4.exec(address.trim())?.[1] ?? address.trim()

/**
 * The client's address. `X-Forwarded-For` is believed only when the direct
 * peer is a trusted proxy; then the rightmost entry that is not itself a
 * trusted proxy is the client (entries further left are the client's own
 * claims and can be forged). From anyone else the header is ignored.
 */
export const resolvePeer = (
  remoteAddress: string | undefined,
  forwardedFor: string | ReadonlyArray<string> | undefined,
  trustedProxies: IpAllowList
): string | undefined => {
  if (remoteAddress === undefined) return undefined
  const remote = normalizeAddress(remoteAddress)
  if (trustedProxies.isEmpty || !trustedProxies.allows(remote) || forwardedFor === undefined) return remote
  const hops = (typeof forwardedFor === "string" ? [forwardedFor] : forwardedFor)
    .flatMap((header) => header.split(","))
    .map((hop) => normalizeAddress(hop).slice(0, 64))
    .filter((hop) => hop.length > 0)
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index]!
    if (!trustedProxies.allows(hop)) return hop
  }
  return hops[0] ?? remote
}

const loopbackNames = new Set(["localhost", "127.0.0.1", "::1", "[::1]"])
const wildcardNames = new Set(["0.0.0.0", "::", "[::]"])

export const isLoopbackHost = (host: string): boolean =>
  loopbackNames.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host)

export const isWildcardHost = (host: string): boolean => wildcardNames.has(host)

const hostWithPort = (host: string, port: number) => `${isIPv6(host) ? `[${host}]` : host.toLowerCase()}:${port}`

/**
 * The Host header values accepted (DNS-rebinding protection). Configured
 * values win; otherwise the bound address, plus every loopback spelling when
 * bound to loopback. A wildcard bind has no default: `undefined` means the
 * operator must set OPERA_MCP_ALLOWED_HOSTS.
 */
export const allowedHostsFor = (
  bindHost: string,
  port: number,
  configured: ReadonlyArray<string>
): ReadonlyArray<string> | undefined => {
  if (configured.length > 0) return configured.map((host) => host.trim().toLowerCase())
  if (isLoopbackHost(bindHost)) {
    return [...new Set(["localhost", "127.0.0.1", "[::1]", bindHost].map((host) => hostWithPort(host, port)))]
  }
  if (isWildcardHost(bindHost)) return undefined
  return [hostWithPort(bindHost, port)]
}

/** Origins accepted by default: each allowed host over http and https. */
export const defaultOrigins = (allowedHosts: ReadonlyArray<string>): ReadonlyArray<string> =>
  allowedHosts.flatMap((host) => [`http://${host}`, `https://${host}`])

/**
 * Why a request's Host or Origin is refused, or undefined. A request with no
 * Origin (not from a browser) passes that check; a request with no Host fails.
 */
export const refuseHostOrOrigin = (
  host: string | undefined,
  origin: string | undefined,
  allowedHosts: ReadonlyArray<string>,
  allowedOrigins: ReadonlyArray<string>
): string | undefined => {
  if (host === undefined || !allowedHosts.includes(host.trim().toLowerCase())) {
    return "This server does not answer to that Host name (OPERA_MCP_ALLOWED_HOSTS)."
  }
  if (origin !== undefined && !allowedOrigins.includes(origin.trim().toLowerCase())) {
    return "Requests from that Origin are not allowed (OPERA_MCP_ALLOWED_ORIGINS)."
  }
  return undefined
}
