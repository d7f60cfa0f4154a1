import { Effect, Schema } from "effect"
import { optional } from "../fields.js"
import { defineTool } from "../Tool.js"
import { ToolDirectory } from "../ToolDirectory.js"
import { toolDomains } from "../ToolInfo.js"

const Domain = Schema.Literal(...toolDomains)

const Entry = Schema.Struct({
  name: Schema.String,
  domain: Schema.String,
  title: Schema.String,
  description: Schema.String,
  kind: Schema.Literal("read", "write", "destructive"),
  inputSchema: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

export const describeTools = defineTool({
  name: "describe_tools",
  domain: "security",
  operations: [],
  description: "List the tools this server lets you call, by domain, including ones tools/list does not show " +
    "(the minimal profile lists only search tools). Give a domain for its tools, or a tool name for its input schema.",
  annotations: {
    title: "Describe tools",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false
  },
  touchesGuestData: false,
  input: Schema.Struct({
    domain: optional(Domain.annotations({ description: "Only tools of this domain" })),
    tool: optional(Schema.String.pipe(Schema.pattern(/^[a-z_]{1,64}$/)).annotations({
      description: "One tool's name: its full description and input schema"
    }))
  }),
  output: Schema.Struct({ tools: Schema.Array(Entry) }),
  facts: () => Effect.succeed({}),
  handler: (input) =>
    Effect.gen(function*() {
      const directory = yield* ToolDirectory
      const chosen = directory.callable().filter((entry) =>
        (input.domain === undefined || entry.domain === input.domain) && (input.tool === undefined || entry.name === input.tool)
      )
      return {
        tools: chosen.map((entry) => ({
          name: entry.name,
          domain: entry.domain,
          title: entry.title,
          description: input.tool === undefined ? (entry.description.split(". ")[0] ?? entry.description) : entry.description,
          kind: entry.readOnly ? "read" as const : entry.destructive ? "destructive" as const : "write" as const,
          ...(input.tool !== undefined ? { inputSchema: entry.inputSchema } : {})
        }))
      }
    }),
  render: ({ tools }) =>
    tools.length === 0
      ? "No tool of that name or domain is available to you."
      : tools.map((tool) => `${tool.name} [${tool.domain}, ${tool.kind}]: ${tool.description}`).join("\n")
})
