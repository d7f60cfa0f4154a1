/**
 * What `tools/list` costs an assistant, per tool profile: the exact JSON the
 * server answers (the same `listedTool` mapping, the profile applied by the
 * real AccessPolicy), counted in bytes and in tokens of OpenAI's o200k_base
 * encoding (gpt-tokenizer, a complete BPE implementation of it). Other models'
 * tokenizers differ by a few percent on JSON; the ratio before/after is what
 * the target is about. The README's figures and the regression test use this.
 */
import { countTokens } from "gpt-tokenizer"
import { ConfigProvider, Effect } from "effect"
import type { ToolProfile } from "../src/config/SecurityConfig.js"
import { toolProfiles } from "../src/config/SecurityConfig.js"
import { listedTool } from "../src/mcp/toolListing.js"
import { AccessPolicy } from "../src/security/AccessPolicy.js"
import { catalog } from "../src/connectors/opera/tools/catalog.js"

/**
 * Measured on the server before the lean schemas (issue 16: generated
 * descriptions and titles, one `$defs` copy per tool), with this module's method.
 */
export const tokensBeforeLeanSchemas: Record<ToolProfile, number> = {
  "full": 43_150,
  "minimal": 2_956,
  "front-desk": 36_233,
  "housekeeping": 7_195,
  "revenue": 17_447,
  "reservations": 26_576,
  "read-only": 23_711
}

/** The full profile's `tools/list` must cost at least this much less than before. */
export const fullProfileTarget = 0.4

export interface ToolListCost {
  readonly profile: ToolProfile
  readonly tools: number
  readonly bytes: number
  readonly tokens: number
}

const listedFor = (profile: ToolProfile) =>
  AccessPolicy.pipe(
    Effect.map((access) => catalog.filter((tool) => access.isListed(undefined, tool))),
    Effect.provide(AccessPolicy.Default),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPERA_MCP_TOOL_PROFILE", profile]])))
  )

/** The cost of `tools/list` for every profile, as an anonymous stdio caller sees it. */
export const toolListCosts = (): ReadonlyArray<ToolListCost> =>
  toolProfiles.map((profile) => {
    const tools = Effect.runSync(listedFor(profile))
    const json = JSON.stringify({ tools: tools.map(listedTool) })
    return { profile, tools: tools.length, bytes: Buffer.byteLength(json), tokens: countTokens(json) }
  })
