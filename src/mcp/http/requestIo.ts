import { Effect } from "effect"
import type { IncomingMessage, ServerResponse } from "node:http"
import { HttpRefusal } from "./HttpRefusal.js"

/** One header's value as a string (the first, when it repeats). */
export const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name]
  return Array.isArray(value) ? value[0] : value
}

/**
 * Headers whose value decides who calls, which host or origin, or which MCP
 * session and method. Node keeps only the first Authorization or Host and
 * joins the others, so two of them could mean one thing to a proxy in front
 * and another here: a request that repeats one is refused (RFC 9112 requires
 * it for Host). Content-Length and Transfer-Encoding conflicts Node's parser
 * already refuses; X-Forwarded-For may repeat (resolvePeer reads every hop).
 */
const singleHeaders = [
  ["authorization", "Authorization"],
  ["host", "Host"],
  ["origin", "Origin"],
  ["content-type", "Content-Type"],
  ["mcp-session-id", "Mcp-Session-Id"],
  ["mcp-protocol-version", "MCP-Protocol-Version"],
  ["mcp-method", "Mcp-Method"],
  ["mcp-name", "Mcp-Name"],
  ["last-event-id", "Last-Event-ID"]
] as const

/** The name of a single-valued header the request sends more than once, or undefined. */
export const repeatedHeader = (req: IncomingMessage): string | undefined =>
  singleHeaders.find(([name]) => (req.headersDistinct[name]?.length ?? 0) > 1)?.[1]

const tooLarge = (maxBytes: number) =>
  new HttpRefusal({ status: 413, message: `The request body is larger than ${maxBytes} bytes.` })

/**
 * The request body parsed as JSON, read up to `maxBytes` (a declared
 * Content-Length above it is refused before reading). Malformed JSON is the
 * JSON-RPC parse error, answered 400.
 */
export const readJsonBody = (req: IncomingMessage, maxBytes: number) =>
  Effect.gen(function*() {
    const declared = Number(header(req, "content-length") ?? "0")
    if (Number.isFinite(declared) && declared > maxBytes) return yield* tooLarge(maxBytes)
    const text = yield* Effect.async<string, HttpRefusal>((resume) => {
      const chunks: Array<Buffer> = []
      let size = 0
      const onData = (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) {
          cleanup()
          req.resume()
          resume(Effect.fail(tooLarge(maxBytes)))
          return
        }
        chunks.push(chunk)
      }
      const onEnd = () => {
        cleanup()
        resume(Effect.succeed(Buffer.concat(chunks).toString("utf8")))
      }
      const onError = () => {
        cleanup()
        resume(Effect.fail(new HttpRefusal({ status: 400, message: "The request body could not be read." })))
      }
      const onClose = () => {
        if (!req.complete) onError()
      }
      const cleanup = () => {
        req.off("data", onData)
        req.off("end", onEnd)
        req.off("error", onError)
        req.off("close", onClose)
      }
      req.on("data", onData)
      req.on("end", onEnd)
      req.on("error", onError)
      req.on("close", onClose)
      return Effect.sync(cleanup)
    })
    return yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: () => new HttpRefusal({ status: 400, message: "Parse error: the request body is not valid JSON." })
    })
  })

const jsonRpcError = (message: string, code = -32000) =>
  JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null })

const security = { "cache-control": "no-store", "x-content-type-options": "nosniff" }

/** Answer with a refusal: a JSON-RPC error body, or nothing but headers when `bare` (401). */
export const sendRefusal = (res: ServerResponse, refusal: HttpRefusal) =>
  Effect.sync(() => {
    if (res.headersSent) {
      res.end()
      return
    }
    const code = refusal.status === 400 && refusal.message.startsWith("Parse error") ? -32700 : -32000
    const body = refusal.bare ? "" : jsonRpcError(refusal.message, code)
    res.writeHead(refusal.status, {
      ...security,
      ...refusal.headers,
      ...(body === "" ? {} : { "content-type": "application/json" }),
      ...(refusal.status === 413 ? { connection: "close" } : {})
    })
    res.end(body)
  })

export const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  Effect.sync(() => {
    res.writeHead(status, { ...security, "content-type": "application/json" })
    res.end(JSON.stringify(body))
  })

/** Completes when the response has been sent or the connection dropped. */
export const responseDone = (res: ServerResponse) =>
  Effect.async<void>((resume) => {
    if (res.writableEnded || res.destroyed) return resume(Effect.void)
    const done = () => resume(Effect.void)
    res.once("close", done)
    return Effect.sync(() => res.off("close", done))
  })

export const sendText = (res: ServerResponse, status: number, contentType: string, body: string) =>
  Effect.sync(() => {
    res.writeHead(status, { ...security, "content-type": contentType })
    res.end(body)
  })
