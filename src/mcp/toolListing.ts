import type { Tool as ListedTool } from "@modelcontextprotocol/server"
import type { Tool } from "../tools/Tool.js"
import { confirmationRequiredOutputSchema } from "../tools/ToolCallOutcome.js"

/**
 * A destructive tool's first answer may be the token flow's "confirmation
 * required" instead of its result: both are listed, so clients that check a
 * result against the output schema accept either. `$defs` stay at the root,
 * where the result schema's references point.
 */
export const outputSchemaOf = (tool: Tool<unknown>) => {
  if (!tool.annotations.destructiveHint) return tool.outputSchema
  const { $defs, $schema: _dialect, ...result } = tool.outputSchema as Record<string, unknown>
  return {
    type: "object" as const,
    ...($defs !== undefined ? { $defs } : {}),
    anyOf: [result, confirmationRequiredOutputSchema]
  }
}

/**
 * The hints a client can act on. `destructiveHint` and `idempotentHint` mean
 * something only for a tool that is not read-only, and `openWorldHint`
 * defaults to true (MCP's tool annotations): those are left out where they
 * say nothing. The title is the tool's own.
 */
const hintsOf = ({ annotations }: Tool<unknown>) => ({
  readOnlyHint: annotations.readOnlyHint,
  ...(annotations.readOnlyHint
    ? {}
    : { destructiveHint: annotations.destructiveHint, idempotentHint: annotations.idempotentHint }),
  ...(annotations.openWorldHint ? {} : { openWorldHint: false })
})

/** One entry of `tools/list`, exactly as the client receives it (the token measurement uses the same). */
export const listedTool = (tool: Tool<unknown>): ListedTool => ({
  name: tool.name,
  title: tool.annotations.title,
  description: tool.description,
  inputSchema: tool.inputSchema,
  outputSchema: outputSchemaOf(tool),
  annotations: hintsOf(tool)
})
