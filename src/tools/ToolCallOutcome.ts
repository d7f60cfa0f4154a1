/** The result of one tool call as the MCP glue turns it into a CallToolResult. */
export interface ToolCallOutcome {
  readonly isError: boolean
  readonly text: string
  readonly structured?: Record<string, unknown>
}

export const failed = (message: string): ToolCallOutcome => ({ isError: true, text: message })
