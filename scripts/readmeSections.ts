/**
 * The README sections that are generated from the code, so they cannot drift:
 * the tool list (from the tool definitions) and the configuration table (from
 * the Config descriptions the services read). `npm run readme` rewrites them;
 * a test fails when README.md is out of date.
 */
import { catalog } from "../src/connectors/opera/tools/catalog.js"
import { configReference } from "./configReference.js"
import { fullProfileTarget, tokensBeforeLeanSchemas, toolListCosts } from "./toolListTokens.js"

const domainTitles: Record<string, string> = {
  reservations: "Reservations",
  guests: "Guests and profiles",
  "front-desk": "Front desk",
  housekeeping: "Rooms and housekeeping",
  rates: "Rates and availability",
  cashiering: "Cashiering",
  blocks: "Blocks",
  activities: "Activities",
  security: "Security and operations"
}

const kind = (tool: (typeof catalog)[number]) =>
  tool.annotations.readOnlyHint ? "read" : tool.annotations.destructiveHint ? "**destructive**" : "write"

export const toolsSection = (): string => {
  const lines = [`${catalog.length} tools. "destructive" tools answer first with a summary and a single-use confirmation token.`, ""]
  for (const [domain, title] of Object.entries(domainTitles)) {
    const tools = catalog.filter((tool) => tool.domain === domain)
    if (tools.length === 0) continue
    lines.push(`**${title}**`, "", "| tool | kind | OHIP operation(s) | what it does |", "|---|---|---|---|")
    for (const tool of tools) {
      const operations = (tool.operations ?? []).map((operation) => `\`${operation}\``).join(", ") || "—"
      const summary = tool.description.split(". ")[0]?.replace(/\|/g, "\\|") ?? ""
      lines.push(`| \`${tool.name}\` | ${kind(tool)} | ${operations} | ${summary.replace(/\.$/, "")}. |`)
    }
    lines.push("")
  }
  return lines.join("\n").trimEnd()
}

export const configSection = (): string => {
  const lines = ["| variable | default | meaning |", "|---|---|---|"]
  for (const setting of configReference()) {
    lines.push(`| \`${setting.name}\` | ${setting.defaultValue === undefined ? "—" : `\`${setting.defaultValue}\``} | ${setting.meaning} |`)
  }
  return lines.join("\n")
}

const thousands = (value: number) => value.toLocaleString("en-US")

/** What tools/list costs per profile, before the lean schemas and now (scripts/toolListTokens.ts says how it is counted). */
export const toolTokensSection = (): string => {
  const lines = [
    "| profile | tools | tokens before | tokens now | change | bytes now |",
    "|---|---|---|---|---|---|"
  ]
  for (const cost of toolListCosts()) {
    const before = tokensBeforeLeanSchemas[cost.profile]
    const change = Math.round((cost.tokens / before - 1) * 1000) / 10
    lines.push(
      `| ${cost.profile} | ${cost.tools} | ${thousands(before)} | ${thousands(cost.tokens)} | ${change}% | ${thousands(cost.bytes)} |`
    )
  }
  lines.push("", `Target for the full profile: at least ${fullProfileTarget * 100}% fewer tokens than before (test/mcp/toolListTokens.test.ts).`)
  return lines.join("\n")
}

export const replaceSection = (readme: string, name: string, body: string): string => {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) return readme
  return `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`
}

export const renderReadme = (readme: string): string =>
  replaceSection(
    replaceSection(replaceSection(readme, "tools", toolsSection()), "config", configSection()),
    "tool-tokens",
    toolTokensSection()
  )
