import { isoInstant } from "../security/errors.js"

/** The result of one tool call as the MCP glue turns it into a CallToolResult. */
export interface ToolCallOutcome {
  readonly isError: boolean
  readonly text: string
  readonly structured?: Record<string, unknown>
  /** The typed error behind an isError outcome (for metrics; never shown to the client). */
  readonly errorTag?: string
}

export const failed = (message: string): ToolCallOutcome => ({ isError: true, text: message })

/** The structured answer of the token flow's first call (see `confirmationRequiredOutputSchema`). */
export const confirmationRequired = (
  required: { readonly tool: string; readonly token: string; readonly summary: string; readonly expiresAt: number },
  text: string
): ToolCallOutcome => ({
  isError: false,
  text,
  structured: {
    confirmationRequired: {
      tool: required.tool,
      summary: required.summary,
      confirmationToken: required.token,
      expiresAt: isoInstant(required.expiresAt),
      howToConfirm: "Repeat the same call with the same arguments plus confirmationToken; to cancel, do nothing."
    }
  }
})

/**
 * What a destructive tool may answer instead of its result: the token flow's
 * "confirmation required" (listed as an alternative of its output schema, so
 * clients that check results against it accept the answer).
 */
export const confirmationRequiredOutputSchema = {
  type: "object",
  properties: {
    confirmationRequired: {
      type: "object",
      properties: {
        tool: { type: "string" },
        summary: { type: "string" },
        confirmationToken: { type: "string" },
        expiresAt: { type: "string", format: "date-time" },
        howToConfirm: { type: "string" }
      },
      required: ["tool", "summary", "confirmationToken", "expiresAt", "howToConfirm"],
      additionalProperties: false
    }
  },
  required: ["confirmationRequired"],
  additionalProperties: false
} as const
