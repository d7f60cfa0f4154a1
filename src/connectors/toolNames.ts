import { pipelineTools } from "../tools/security/pipelineTools.js"
import { operaTools } from "./opera/tools/catalog.js"

/**
 * Every tool name of every connector, and the server's own: what an operator's
 * allow-list (OPERA_MCP_TOOLS, `clients add --tools`) may name before a server
 * with one connector or the other reads it.
 */
export const everyToolName: ReadonlyArray<string> = [...operaTools, ...pipelineTools].map((tool) => tool.name)
