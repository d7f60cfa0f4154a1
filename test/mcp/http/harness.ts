import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { NodeFileSystem } from "@effect/platform-node"
import { Effect, Exit, Layer, ManagedRuntime, Option, Scope } from "effect"
import { mkdtempSync } from "node:fs"
import { request } from "node:http"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningHttpServer } from "../../../src/mcp/http/HttpTransport.js"
import { startHttpServer } from "../../../src/mcp/http/HttpTransport.js"
import type { FaultRule } from "../../../src/connectors/opera/sandbox/faults.js"
import { Sandbox } from "../../../src/connectors/opera/sandbox/Sandbox.js"
import { HttpTransportLive } from "../../../src/mcp/http/HttpTransportLive.js"
import { AppLayer } from "../../../src/Runtime.js"
import { AuditLog } from "../../../src/security/AuditLog.js"
import type { AuditKind, AuditRecord } from "../../../src/security/audit/model.js"
import type { ClientPolicy } from "../../../src/security/clients/ClientRecord.js"
import { ClientStore } from "../../../src/security/clients/ClientStore.js"

export interface HttpFixture {
  readonly server: RunningHttpServer
  readonly keys: Record<string, string>
  readonly clientsFile: string
  readonly revoke: (name: string) => Promise<void>
  readonly trail: (kinds: ReadonlyArray<AuditKind>) => Promise<ReadonlyArray<AuditRecord>>
  readonly injectFault: (rule: FaultRule) => Promise<void>
  readonly stop: () => Promise<void>
}

/**
 * The HTTP transport in this process against the embedded sandbox, with the
 * given settings (process.env, restored on stop) and API-key clients.
 */
export const startHttpFixture = async (
  settings: Record<string, string>,
  clients: Record<string, ClientPolicy>
): Promise<HttpFixture> => {
  const clientsFile = path.join(mkdtempSync(path.join(tmpdir(), "opera-clients-")), "clients.json")
  const env: Record<string, string> = { OPERA_MCP_CLIENTS_FILE: clientsFile, ...settings }
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]))
  Object.assign(process.env, env)
  const runtime = ManagedRuntime.make(Layer.mergeAll(AppLayer({ _tag: "Sandbox" }), HttpTransportLive, NodeFileSystem.layer))
  const keys: Record<string, string> = {}
  for (const [name, policy] of Object.entries(clients)) {
    keys[name] = (await runtime.runPromise(Effect.flatMap(ClientStore, (store) => store.add(name, policy)))).apiKey
  }
  const scope = await runtime.runPromise(Scope.make())
  const server = await runtime.runPromise(startHttpServer({ host: "127.0.0.1", port: 0 }).pipe(Scope.extend(scope)))
  return {
    server,
    keys,
    clientsFile,
    revoke: (name) => runtime.runPromise(Effect.flatMap(ClientStore, (store) => store.revoke(name))),
    // The Sandbox is part of AppLayer in sandbox mode, though not of its type.
    injectFault: (rule) =>
      runtime.runPromise(Effect.serviceOption(Sandbox).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.dieMessage("no sandbox in this runtime"),
          onSome: (sandbox) => sandbox.faults.inject(rule)
        }))
      )),
    trail: (kinds) => runtime.runPromise(Effect.flatMap(AuditLog, (audit) => audit.trail(1, kinds))),
    stop: async () => {
      await runtime.runPromise(Scope.close(scope, Exit.void))
      await runtime.dispose()
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
  }
}

/** An SDK client over Streamable HTTP with a bearer key and any extra headers. */
export const connectClient = async (url: string, key: string, headers: Record<string, string> = {}) => {
  const client = new Client({ name: "http-test", version: "1.0.0" })
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${key}`, ...headers } }
  })
  await client.connect(transport)
  return {
    client,
    sessionId: () => transport.sessionId,
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close()
  }
}

export interface RawResponse {
  readonly status: number
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly body: string
}

/** A raw HTTP request, for what fetch will not send (Host) or what the SDK would not do. */
export const rawRequest = (
  url: string,
  options: { readonly method?: string; readonly headers?: Record<string, string>; readonly body?: string | Buffer }
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "POST", headers: options.headers ?? {} }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }))
      res.on("error", reject)
    })
    req.on("error", reject)
    req.end(options.body)
  })

export const initializeBody = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } }
})

export const mcpHeaders = (key?: string): Record<string, string> => ({
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  ...(key !== undefined ? { authorization: `Bearer ${key}` } : {})
})

export const textOf = (result: CallToolResult): string =>
  result.content.map((part) => part.type === "text" ? part.text : "").join("\n")
