import type { CallToolResult, ClientCapabilities, ElicitRequest, ElicitResult } from "@modelcontextprotocol/client"
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client"
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio"
import { builtBinary, repoRoot } from "./serverProcess.js"

/** `modern` pins 2026-07-28 (server/discover, per-request envelope); `legacy` is the 2025 initialize handshake. */
export type Era = "modern" | "legacy"

/** How a test user answers the server's confirmation form; `undefined`: the client cannot ask a user. */
export type UserAnswer = "accept" | "decline" | "cancel" | undefined

export interface V2Session {
  readonly client: Client
  readonly stderr: () => string
  /** Every elicitation the server sent, as the client received it. */
  readonly asked: ReadonlyArray<ElicitRequest["params"]>
  readonly call: (name: string, args?: Record<string, unknown>) => Promise<CallToolResult>
  readonly close: () => Promise<void>
}

const makeClient = (era: Era, answer: UserAnswer) => {
  const capabilities: ClientCapabilities = answer === undefined ? {} : { elicitation: { form: {} } }
  const client = new Client(
    { name: `v2-${era}-test`, version: "2.0.0" },
    { capabilities, ...(era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {}) }
  )
  const asked: Array<ElicitRequest["params"]> = []
  if (answer !== undefined) {
    client.setRequestHandler("elicitation/create", async (request): Promise<ElicitResult> => {
      asked.push(request.params)
      return answer === "accept" ? { action: "accept", content: { confirm: true } } : { action: answer }
    })
  }
  return { client, asked }
}

const sessionOf = (client: Client, asked: ReadonlyArray<ElicitRequest["params"]>, stderr: () => string): V2Session => ({
  client,
  stderr,
  asked,
  call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
  close: () => client.close()
})

/** Spawns the built server over stdio with the v2 SDK client in the given era. */
export const startV2Stdio = async (options: {
  readonly args: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
  readonly era: Era
  readonly answer?: UserAnswer
}): Promise<V2Session> => {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [builtBinary, ...options.args],
    env: { NODE_ENV: "test", ...options.env },
    stderr: "pipe",
    cwd: repoRoot
  })
  const chunks: Array<string> = []
  transport.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")))
  const { client, asked } = makeClient(options.era, options.answer)
  await client.connect(transport)
  return sessionOf(client, asked, () => chunks.join(""))
}

/** The v2 SDK client over Streamable HTTP with a bearer key, in the given era. */
export const connectV2Http = async (url: string, key: string, era: Era, answer?: UserAnswer): Promise<V2Session> => {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${key}` } }
  })
  const { client, asked } = makeClient(era, answer)
  await client.connect(transport)
  return sessionOf(client, asked, () => "")
}
