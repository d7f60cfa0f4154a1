import type { ToolProfile } from "../config/SecurityConfig.js"
import { toolProfiles } from "../config/SecurityConfig.js"
import { toolProfileScopes } from "../security/AccessPolicy.js"
import type { ConnectorShape } from "../tools/Connector.js"
import type { ToolDomain, ToolInfo } from "../tools/ToolInfo.js"

const profileSummary = (profile: ToolProfile): string => {
  const scope = toolProfileScopes[profile]
  const domains = scope.domains === "all" ? "every domain" : scope.domains.join(", ")
  const notes = [scope.readOnly ? "read-only" : undefined, scope.listed !== undefined ? "lists only the search tools and describe_tools, which names the rest" : undefined]
    .filter((note) => note !== undefined)
  return `${profile} (${domains}${notes.length > 0 ? `; ${notes.join("; ")}` : ""})`
}

/**
 * The `instructions` of initialize and server/discover: every domain and
 * every tool profile, the one this server runs, and the conventions that
 * apply to all tools (said once here instead of in every schema).
 */
export const serverInstructions = (
  connector: ConnectorShape,
  tools: ReadonlyArray<ToolInfo>,
  activeProfile: ToolProfile,
  readOnly: boolean
): string => {
  const summaries = connector.instructions.domains
  const domains = (Object.keys(summaries) as Array<ToolDomain>).map((domain) => {
    const count = tools.filter((tool) => tool.domain === domain).length
    return `${domain} (${count}): ${summaries[domain]}`
  })
  return [
    connector.instructions.about,
    `Domains: ${domains.join(". ")}.`,
    `Tool profiles (OPERA_MCP_TOOL_PROFILE): ${toolProfiles.map(profileSummary).join("; ")}. ` +
    `This server runs "${activeProfile}"${readOnly ? " in read-only mode" : ""}; tools/list shows what this client may call.`,
    ...connector.instructions.conventions
  ].join("\n")
}
