import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc } from "effect"
import { parseCidr, parseIpAllowList } from "../../src/security/ipAllowList.js"

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/8", { family: "ipv4", network: "10.0.0.0", prefix: 8 }],
    ["192.168.1.7", { family: "ipv4", network: "192.168.1.7", prefix: 32 }],
    [" 0.0.0.0/0 ", { family: "ipv4", network: "0.0.0.0", prefix: 0 }],
    ["2001:db8::/32", { family: "ipv6", network: "2001:db8::", prefix: 32 }],
    ["::1", { family: "ipv6", network: "::1", prefix: 128 }],
    ["2001:DB8:0:0:0:0:0:0/64", { family: "ipv6", network: "2001:db8::", prefix: 64 }],
    ["::ffff:10.0.0.0/104", { family: "ipv6", network: "::ffff:a00:0", prefix: 104 }]
  ])("accepts %s", (entry, expected) => {
    expect(parseCidr(entry)).toEqual(Either.right(expected))
  })

  it.each([
    ["10.0.0.1/8", "has host bits set: write 10.0.0.0/8"],
    ["2001:db8::1/32", "has host bits set: write 2001:db8::/32"],
    ["10.0.0.0/33", "prefix length above 32"],
    ["::/129", "prefix length above 128"],
    ["10.0.0.0/08", "leading zeros"],
    ["010.0.0.1", "not a valid IPv4 or IPv6 address"],
    ["10.0.0", "not a valid IPv4 or IPv6 address"],
    ["256.1.1.1", "not a valid IPv4 or IPv6 address"],
    ["fe80::1%eth0", "not an IPv4/IPv6 address or CIDR block"],
    ["10.0.0.0/", "not an IPv4/IPv6 address or CIDR block"],
    ["10.0.0.0/8/8", "not an IPv4/IPv6 address or CIDR block"],
    ["localhost", "not an IPv4/IPv6 address or CIDR block"],
    ["1:2:3:4:5:6:7:8:9", "not a valid IPv4 or IPv6 address"]
  ])("refuses %s", (entry, reason) => {
    const parsed = parseCidr(entry)
    expect(Either.isLeft(parsed) && parsed.left).toContain(reason)
  })
})

describe("parseIpAllowList", () => {
  it.effect("a malformed entry stops start-up and is named in the message", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(parseIpAllowList(["10.0.0.0/8", "192.168.1.300/32"]))
      expect(error._tag).toBe("InvalidIpAllowList")
      expect(error.entry).toBe("192.168.1.300/32")
      expect(error.message).toContain("OPERA_SECURITY_ALLOWED_IP_ADDRESSES")
      expect(error.message).toContain("\"192.168.1.300/32\"")
    }))

  it.effect("matches IPv4, IPv6 and IPv4-mapped peers; refuses the rest and garbage", () =>
    Effect.gen(function*() {
      const list = yield* parseIpAllowList(["10.0.0.0/8", "192.168.1.7", "2001:db8::/32"])
      expect(list.isEmpty).toBe(false)
      expect(list.allows("10.20.30.40")).toBe(true)
      expect(list.allows("::ffff:10.20.30.40")).toBe(true)
      expect(list.allows("::FFFF:10.1.2.3")).toBe(true)
      expect(list.allows("192.168.1.7")).toBe(true)
      expect(list.allows("192.168.1.8")).toBe(false)
      expect(list.allows("11.0.0.1")).toBe(false)
      expect(list.allows("2001:db8:abcd::42")).toBe(true)
      expect(list.allows("2001:db9::1")).toBe(false)
      expect(list.allows("not an address")).toBe(false)
      expect(list.allows("")).toBe(false)
      expect((yield* parseIpAllowList([])).isEmpty).toBe(true)
    }))

  it.effect.prop(
    "an IPv4 address is allowed exactly when it shares the network's prefix bits",
    { address: fc.ipV4(), network: fc.ipV4(), prefix: fc.integer({ min: 0, max: 32 }) },
    ({ address, network, prefix }) =>
      Effect.gen(function*() {
        const toNumber = (ip: string) => ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0)
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
        const networkNumber = (toNumber(network) & mask) >>> 0
        const networkText = [24, 16, 8, 0].map((shift) => (networkNumber >>> shift) & 0xff).join(".")
        const list = yield* parseIpAllowList([`${networkText}/${prefix}`])
        expect(list.allows(address)).toBe(((toNumber(address) & mask) >>> 0) === networkNumber)
      })
  )
})
