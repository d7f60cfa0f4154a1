import { ParseResult, Schema } from "effect"

/** Tool arguments that do not fit the tool's input Schema. */
export class InvalidArguments extends Schema.TaggedError<InvalidArguments>()("InvalidArguments", {
  message: Schema.String,
  fields: Schema.Array(Schema.String)
}) {}

// Effect's messages end in ", actual <value>": the value may be a secret someone pasted, so it is cut.
const withoutActual = (message: string) => message.replace(/,?\s*actual\b[\s\S]*$/i, "").trim()

const describe = (issue: ParseResult.ArrayFormatterIssue): string => {
  const field = issue.path.length === 0 ? "arguments" : issue.path.map(String).join(".")
  if (issue._tag === "Missing") return `${field}: is required`
  if (issue._tag === "Unexpected") return `${field}: is not a known field of this tool`
  return `${field}: ${withoutActual(issue.message) || "has an invalid value"}`
}

// Enough fields to act on; an array of 20,000 wrong items names the first ones only.
const maxLines = 12
const maxFields = 100

/**
 * A clear, value-free message naming every field that is wrong. Linear in the
 * number of issues: de-duplicating with indexOf was quadratic, and 20,000 wrong
 * array items held the event loop for a minute (found by the fuzz run).
 */
export const invalidArguments = (toolName: string, error: ParseResult.ParseError): InvalidArguments => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const lines = new Set<string>()
  const fields = new Set<string>()
  for (const issue of issues) {
    if (lines.size < maxLines) lines.add(describe(issue))
    if (fields.size < maxFields) fields.add(issue.path.map(String).join(".") || "arguments")
    if (lines.size >= maxLines && fields.size >= maxFields) break
  }
  return new InvalidArguments({
    message: `Invalid arguments for ${toolName}: ${[...lines].join("; ")}`,
    fields: [...fields]
  })
}
