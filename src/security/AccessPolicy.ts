import { Context, Effect, Layer, Option } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import type { ToolProfile } from "../config/SecurityConfig.js"
import type { CallContextShape } from "../tools/CallContext.js"
import type { ToolDomain, ToolInfo } from "../tools/ToolInfo.js"
import type { AccessRefusal } from "./errors.js"
import { HotelNotAllowed, InsecureOperaBaseUrl, PeerNotAllowed, ReadOnlyMode, ToolNotAllowed } from "./errors.js"
import { parseIpAllowList } from "./ipAllowList.js"

/**
 * What each `OPERA_MCP_TOOL_PROFILE` exposes, by tool domain. The "security"
 * domain (the health check) is in every profile. `readOnly` profiles hide and
 * refuse every tool that is not annotated `readOnlyHint: true`.
 */
export interface ToolProfileScope {
  readonly domains: ReadonlyArray<ToolDomain> | "all"
  readonly readOnly: boolean
  /**
   * Narrows only what tools/list shows, not what may be called: the "minimal"
   * profile lists the search tools and describe_tools, and an assistant asks
   * describe_tools for the rest of what this configuration allows.
   */
  readonly listed?: (tool: ToolInfo) => boolean
}

export const toolProfileScopes: Record<ToolProfile, ToolProfileScope> = {
  "full": { domains: "all", readOnly: false },
  "read-only": { domains: "all", readOnly: true },
  "minimal": {
    domains: "all",
    readOnly: false,
    listed: (tool) => tool.name.startsWith("search_") || tool.name === "describe_tools"
  },
  "front-desk": {
    domains: ["reservations", "guests", "front-desk", "housekeeping", "cashiering", "activities", "security"],
    readOnly: false
  },
  "housekeeping": { domains: ["housekeeping", "security"], readOnly: false },
  "revenue": { domains: ["rates", "reservations", "blocks", "security"], readOnly: false },
  "reservations": { domains: ["reservations", "guests", "rates", "blocks", "activities", "security"], readOnly: false }
}

/**
 * A hotel's own access rule, applied after the built-in ones (it can only narrow):
 * `refuse` returns why `tool` is refused to this caller, or `undefined` to let
 * the call through. `ctx` is undefined when the question is "may anyone call
 * it" (tools/list without a caller). The reason goes to the client as the
 * refusal's message: say what to do, and echo no argument values.
 *
 * ```ts
 * const noCashieringOverHttp: AccessRule = {
 *   name: "no_cashiering_over_http",
 *   refuse: (ctx, tool) =>
 *     tool.domain === "cashiering" && ctx?.transport === "http" ? "Cashiering is only served on stdio here." : undefined
 * }
 * AppLayer({ _tag: "Property" }, { accessRules: [noCashieringOverHttp] })
 * ```
 */
export interface AccessRule {
  readonly name: string
  readonly refuse: (ctx: CallContextShape | undefined, tool: ToolInfo) => string | undefined
}

/** The hotel's own access rules the AccessPolicy applies after its built-in ones (none unless provided). */
export class AccessRules extends Context.Tag("opera/AccessRules")<AccessRules, ReadonlyArray<AccessRule>>() {
  static readonly layer = (...rules: ReadonlyArray<AccessRule>) => Layer.succeed(AccessRules, rules)
}

const loopbackHosts = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

/** Values from the caller go into messages only short and quoted. */
const quoted = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)

/**
 * Who may see and call what. Every source narrows, none widens: read-only mode,
 * the tool profile, `OPERA_MCP_TOOLS`, `OPERA_MCP_HOTELS`, the caller's own
 * policy (HTTP API keys) and, on network transports,
 * `OPERA_SECURITY_ALLOWED_IP_ADDRESSES`, then the hotel's own `AccessRules`
 * (when provided). A malformed IP entry fails construction.
 */
export class AccessPolicy extends Effect.Service<AccessPolicy>()("opera/AccessPolicy", {
  effect: Effect.gen(function*() {
    const settings = yield* SecurityConfig
    const ipAllowList = yield* parseIpAllowList(settings.allowedIpAddresses)
    const profile = toolProfileScopes[settings.toolProfile]
    const toolAllowList = Option.getOrUndefined(settings.toolAllowList)
    const hotelAllowList = Option.getOrUndefined(settings.hotelAllowList)?.map((hotel) => hotel.toUpperCase())
    const customRules = Option.getOrElse(yield* Effect.serviceOption(AccessRules), (): ReadonlyArray<AccessRule> => [])

    /** The first rule that refuses `tool` to this caller, hotel and peer aside. */
    const refuseTool = (ctx: CallContextShape | undefined, tool: ToolInfo): AccessRefusal | undefined => {
      const name = tool.name
      if (!tool.annotations.readOnlyHint) {
        if (settings.readOnly) {
          return new ReadOnlyMode({
            tool: name,
            message: `${name} changes data, and this server runs in read-only mode (OPERA_MCP_READ_ONLY). ` +
              "Use a read-only tool, or ask an administrator to turn read-only mode off."
          })
        }
        if (profile.readOnly) {
          return new ReadOnlyMode({
            tool: name,
            message: `${name} changes data, and the "${settings.toolProfile}" tool profile is read-only ` +
              "(OPERA_MCP_TOOL_PROFILE). Ask an administrator for a profile that allows changes."
          })
        }
        if (ctx?.policy?.readOnly === true) {
          return new ReadOnlyMode({
            tool: name,
            message: `${name} changes data, and this client's access is read-only. Use a read-only tool.`
          })
        }
      }
      if (toolAllowList !== undefined && !toolAllowList.includes(name)) {
        return new ToolNotAllowed({
          tool: name,
          message: `${name} is not in this server's tool allow-list (OPERA_MCP_TOOLS). ` +
            "Use a listed tool, or ask an administrator to add it."
        })
      }
      if (profile.domains !== "all" && !profile.domains.includes(tool.domain)) {
        return new ToolNotAllowed({
          tool: name,
          message: `${name} is not part of the "${settings.toolProfile}" tool profile (OPERA_MCP_TOOL_PROFILE). ` +
            "Use a listed tool, or ask an administrator to change the profile."
        })
      }
      if (ctx?.policy?.tools !== undefined && !ctx.policy.tools.includes(name)) {
        return new ToolNotAllowed({
          tool: name,
          message: `${name} is not allowed for this client. Use one of the tools it lists.`
        })
      }
      for (const rule of customRules) {
        const reason = rule.refuse(ctx, tool)
        if (reason !== undefined) return new ToolNotAllowed({ tool: name, message: `${name}: ${reason}` })
      }
      return undefined
    }

    /** Whether this caller (or anyone, when `ctx` is undefined) may call `tool`, hotel and peer aside. */
    const isCallable = (ctx: CallContextShape | undefined, tool: ToolInfo): boolean => refuseTool(ctx, tool) === undefined

    /** Whether `tool` appears in `tools/list` for this caller: callable, and shown by the profile. */
    const isListed = (ctx: CallContextShape | undefined, tool: ToolInfo): boolean =>
      isCallable(ctx, tool) && (profile.listed?.(tool) ?? true)

    /** Refuse a peer outside the IP allow-list; an empty list allows every peer, an unknown peer none. */
    const checkPeer = Effect.fn("AccessPolicy.checkPeer")(function*(address: string | undefined) {
      if (ipAllowList.isEmpty) return
      if (address === undefined || !ipAllowList.allows(address)) {
        return yield* new PeerNotAllowed({
          message: "Connections from this network address are not allowed by this server " +
            "(OPERA_SECURITY_ALLOWED_IP_ADDRESSES). Connect from an allowed network."
        })
      }
    })

    /**
     * May this caller run `tool` now, for `hotelId` (the effective hotel: pass
     * the default OPERA_HOTEL_ID when the call names none; `undefined` only for
     * tools that touch no hotel)?
     */
    const hotelRefusal = (ctx: CallContextShape, hotelId: string): HotelNotAllowed | undefined => {
      const hotel = hotelId.trim().toUpperCase()
      if (hotelAllowList !== undefined && !hotelAllowList.includes(hotel)) {
        return new HotelNotAllowed({
          hotelId: hotelId.slice(0, 64),
          message: `Hotel ${quoted(hotelId)} is not in this server's hotel allow-list (OPERA_MCP_HOTELS). ` +
            `Allowed hotels: ${hotelAllowList.join(", ")}.`
        })
      }
      const clientHotels = ctx.policy?.hotels?.map((id) => id.toUpperCase())
      if (clientHotels !== undefined && !clientHotels.includes(hotel)) {
        return new HotelNotAllowed({
          hotelId: hotelId.slice(0, 64),
          message: `Hotel ${quoted(hotelId)} is not allowed for this client. ` +
            `Allowed hotels: ${clientHotels.join(", ") || "none"}.`
        })
      }
      return undefined
    }

    // The rules after the peer's are plain functions: a call that passes them costs one Effect, not a generator's.
    const checkRules = (ctx: CallContextShape, tool: ToolInfo, hotelId: string | undefined): Effect.Effect<void, AccessRefusal> => {
      const refusal = refuseTool(ctx, tool) ?? (hotelId === undefined ? undefined : hotelRefusal(ctx, hotelId))
      return refusal === undefined ? Effect.void : Effect.fail(refusal)
    }

    /**
     * May this caller run `tool` now, for `hotelId` (the effective hotel: pass
     * the default OPERA_HOTEL_ID when the call names none; `undefined` only for
     * tools that touch no hotel)?
     */
    const check = (
      ctx: CallContextShape,
      tool: ToolInfo,
      hotelId: string | undefined
    ): Effect.Effect<void, AccessRefusal | PeerNotAllowed> =>
      ctx.transport === "http"
        ? Effect.zipRight(checkPeer(ctx.peer), Effect.suspend(() => checkRules(ctx, tool, hotelId)))
        : Effect.suspend(() => checkRules(ctx, tool, hotelId))

    /**
     * Start-up check of OPERA_BASE_URL: with OPERA_SECURITY_REQUIRE_HTTPS (the
     * default) a plain `http://` URL is refused unless it points at loopback
     * (the embedded sandbox). The URL itself is not echoed.
     */
    const checkOperaBaseUrl = Effect.fn("AccessPolicy.checkOperaBaseUrl")(function*(url: string) {
      const parsed = URL.canParse(url) ? new URL(url) : undefined
      if (parsed?.protocol === "https:") return
      if (parsed?.protocol !== "http:") {
        return yield* new InsecureOperaBaseUrl({
          message: "OPERA_BASE_URL must be an https:// URL (for example https://your-gateway.oracle.com)."
        })
      }
      if (!settings.requireHttps || loopbackHosts.test(parsed.hostname)) return
      return yield* new InsecureOperaBaseUrl({
        message: "OPERA_BASE_URL uses http:// for a non-loopback host, which would send credentials in clear text. " +
          "Use https://, or set OPERA_SECURITY_REQUIRE_HTTPS=false only for a local test gateway."
      })
    })

    return {
      isListed,
      isCallable,
      check,
      checkPeer,
      checkOperaBaseUrl,
      /** Minimum TLS version for outgoing HTTPS (OPERA_SECURITY_MIN_TLS_VERSION), for the OPERA client's agent. */
      minTlsVersion: settings.minTlsVersion,
      ipAllowList
    } as const
  }),
  dependencies: [SecurityConfig.Default]
}) {}
