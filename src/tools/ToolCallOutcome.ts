/** The result of one tool call as the MCP glue turns it into a CallToolResult. */
export interface ToolCallOutcome {
  readonly isError: boolean
  readonly text: string
  readonly structured?: Record<string, unknown>
  /** The typed error behind an isError outcome (for metrics; never shown to the client). */
  readonly errorTag?: string
}

export const failed = (message: string): ToolCallOutcome => ({ isError: true, text: message })
