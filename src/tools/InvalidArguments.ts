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

/** A clear, value-free message naming every field that is wrong. */
export const invalidArguments = (toolName: string, error: ParseResult.ParseError): InvalidArguments => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const lines = issues.map(describe).filter((line, index, all) => all.indexOf(line) === index).slice(0, 12)
  const fields = issues.map((issue) => issue.path.map(String).join(".") || "arguments")
  return new InvalidArguments({
    message: `Invalid arguments for ${toolName}: ${lines.join("; ")}`,
    fields: fields.filter((field, index, all) => all.indexOf(field) === index)
  })
}
