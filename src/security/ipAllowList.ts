import { Effect, Either } from "effect"
import { BlockList, isIPv4, isIPv6 } from "node:net"
import { InvalidIpAllowList } from "./errors.js"

/**
 * Strict CIDR parsing for OPERA_SECURITY_ALLOWED_IP_ADDRESSES. An entry is an
 * IPv4 or IPv6 address, optionally with a prefix length: `10.0.0.0/8`,
 * `192.168.1.7`, `2001:db8::/32`, `::1`. Refused: leading zeros, zone ids
 * (`fe80::1%eth0`), prefixes out of range or written with leading zeros, and
 * networks with host bits set (`10.0.0.1/8` is a typo for `10.0.0.0/8` or
 * `10.0.0.1/32`, and we do not guess which).
 */
export interface Cidr {
  readonly family: "ipv4" | "ipv6"
  readonly network: string
  readonly prefix: number
}

export interface IpAllowList {
  readonly entries: ReadonlyArray<Cidr>
  /** True when no entry is configured: every peer is allowed (the production checklist warns). */
  readonly isEmpty: boolean
  /** Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6, as a socket reports it) is inside an entry. */
  readonly allows: (address: string) => boolean
}

const ipv4ToBigInt = (address: string): bigint =>
  address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n)

const ipv6ToBigInt = (address: string): bigint => {
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)
  const hex = tail?.[1] === undefined
    ? address
    : address.slice(0, tail.index) +
      ((ipv4ToBigInt(tail[1]) >> 16n).toString(16) + ":" + (ipv4ToBigInt(tail[1]) & 0xffffn).toString(16))
  const [head = "", rest] = hex.split("::")
  const left = head === "" ? [] : head.split(":")
  const right = rest === undefined || rest === "" ? [] : rest.split(":")
  const groups = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n)
}

const formatIpv4 = (value: bigint) => [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".")

const formatIpv6 = (value: bigint) => {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16))
  // The WHATWG URL parser prints IPv6 hosts in their canonical compressed form.
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1)
}

/** Parse one entry; the Left is a sentence about the entry, meant to follow its name. */
export const parseCidr = (raw: string): Either.Either<Cidr, string> => {
  const entry = raw.trim()
  if (!/^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/.test(entry)) {
    return Either.left("is not an IPv4/IPv6 address or CIDR block")
  }
  const [address = "", prefixText] = entry.split("/")
  const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined
  if (family === undefined) return Either.left("is not a valid IPv4 or IPv6 address")
  const bits = family === "ipv4" ? 32 : 128
  if (prefixText !== undefined && !/^(0|[1-9][0-9]*)$/.test(prefixText)) {
    return Either.left("has a prefix length with leading zeros")
  }
  const prefix = prefixText === undefined ? bits : Number(prefixText)
  if (prefix > bits) return Either.left(`has a prefix length above ${bits}`)
  const value = family === "ipv4" ? ipv4ToBigInt(address) : ipv6ToBigInt(address)
  const hostMask = (1n << BigInt(bits - prefix)) - 1n
  const networkValue = value & ~hostMask
  const network = family === "ipv4" ? formatIpv4(networkValue) : formatIpv6(networkValue)
  if ((value & hostMask) !== 0n) {
    return Either.left(`has host bits set: write ${network}/${prefix} for the network, or the address alone`)
  }
  return Either.right({ family, network, prefix })
}

const mappedIpv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i

/** Build the allow-list; the first malformed entry stops start-up, named in the error. */
export const parseIpAllowList = (
  entries: ReadonlyArray<string>
): Effect.Effect<IpAllowList, InvalidIpAllowList> =>
  Effect.gen(function*() {
    const cidrs: Array<Cidr> = []
    for (const entry of entries) {
      const parsed = parseCidr(entry)
      if (Either.isLeft(parsed)) {
        return yield* new InvalidIpAllowList({
          entry: entry.trim(),
          message: `OPERA_SECURITY_ALLOWED_IP_ADDRESSES: the entry "${entry.trim()}" ${parsed.left}. ` +
            "Use comma-separated addresses or CIDR blocks such as 10.0.0.0/8 or 2001:db8::/32."
        })
      }
      cidrs.push(parsed.right)
    }
    const blockList = new BlockList()
    for (const cidr of cidrs) blockList.addSubnet(cidr.network, cidr.prefix, cidr.family)
    const allows = (address: string): boolean => {
      const trimmed = address.trim()
      const candidate = mappedIpv4.exec(trimmed)?.[1] ?? trimmed
      if (isIPv4(candidate)) return blockList.check(candidate, "ipv4")
      if (isIPv6(candidate) && !candidate.includes("%")) return blockList.check(candidate, "ipv6")
      return false
    }
    return { entries: cidrs, isEmpty: cidrs.length === 0, allows }
  })
