import { Context } from "effect"
import type { JsonSchemaObject } from "./Tool.js"
import type { ToolDomain } from "./ToolInfo.js"

export interface ToolEntry {
  readonly name: string
  readonly domain: ToolDomain
  readonly title: string
  readonly description: string
  readonly readOnly: boolean
  readonly destructive: boolean
  readonly inputSchema: JsonSchemaObject
}

/**
 * The tools the current caller may call, whatever the profile lists: what
 * describe_tools reports. Worked out only when asked, not on every call.
 */
export class ToolDirectory extends Context.Tag("opera/ToolDirectory")<
  ToolDirectory,
  { readonly callable: () => ReadonlyArray<ToolEntry> }
>() {}
