import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { existsSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const builtBinary = path.join(repoRoot, "dist/opera-cloud-mcp.mjs")

export interface ServerSession {
  readonly client: Client
  /** Everything the server wrote to stderr so far. */
  readonly stderr: () => string
  /** Every protocol message the server wrote to stdout, as JSON text, plus anything that was not protocol. */
  readonly stdout: () => string
  readonly call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>
  readonly close: () => Promise<void>
  /** The server process id (to signal it). */
  readonly pid: () => number | null
}

/** Spawns the built server over stdio with the SDK client, as an MCP client would. */
export const startServer = async (options: {
  readonly args: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
  readonly clientName?: string
  /** Flags for node itself, before the binary (as an operator's `node --flag …/opera-cloud-mcp.mjs`). */
  readonly nodeArgs?: ReadonlyArray<string>
}): Promise<ServerSession> => {
  if (!existsSync(builtBinary)) throw new Error(`${builtBinary} is missing: run npm run build first`)
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), builtBinary, ...options.args],
    env: { NODE_ENV: "test", ...options.env },
    stderr: "pipe",
    cwd: repoRoot
  })
  const stderrChunks: Array<string> = []
  transport.stderr?.on("data", (chunk: Buffer) => stderrChunks.push(chunk.toString("utf8")))
  const stdoutMessages: Array<string> = []
  const client = new Client({ name: options.clientName ?? "e2e-test", version: "1.0.0" })
  await client.connect(transport)
  const deliver = transport.onmessage
  transport.onmessage = (message) => {
    stdoutMessages.push(JSON.stringify(message))
    deliver?.(message)
  }
  const report = transport.onerror
  transport.onerror = (error) => {
    stdoutMessages.push(`NOT-PROTOCOL: ${error.message}`)
    report?.(error)
  }
  return {
    client,
    stderr: () => stderrChunks.join(""),
    stdout: () => stdoutMessages.join("\n"),
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
    pid: () => transport.pid
  }
}

export const textOf = (result: CallToolResult): string =>
  result.content.map((part) => part.type === "text" ? part.text : "").join("\n")
