import { Effect } from "effect"
import type { IncomingMessage, ServerResponse } from "node:http"

// Credentials stay with our authentication: the SDK is handed the verified AuthInfo instead.
const withheld = new Set(["authorization", "cookie", "proxy-authorization"])

/**
 * The web-standard Request the SDK's handlers take, for a Node request whose
 * body has already been read (it is passed to the SDK parsed, so the Request
 * carries none). Its signal aborts when the connection closes, which cancels
 * the exchange and reaches the tool call in flight.
 */
export const toWebRequest = (req: IncomingMessage, res: ServerResponse): Request => {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || withheld.has(name)) continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  const aborted = new AbortController()
  res.once("close", () => aborted.abort())
  const path = req.url !== undefined && req.url.startsWith("/") ? req.url : "/mcp"
  return new Request(new URL(path, "http://localhost"), { method: req.method ?? "GET", headers, signal: aborted.signal })
}

/**
 * Writes the SDK's web Response to the Node response, streaming its body (SSE
 * answers stay open until the SDK ends them or the client goes away).
 * Completes when the body is over or the connection closed.
 */
export const sendWebResponse = (res: ServerResponse, response: Response) =>
  Effect.async<void>((resume) => {
    const headers: Record<string, string> = { "x-content-type-options": "nosniff" }
    response.headers.forEach((value, name) => {
      headers[name] = value
    })
    res.writeHead(response.status, headers)
    const body = response.body
    if (body === null) {
      res.end()
      return resume(Effect.void)
    }
    const reader = body.getReader()
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      res.off("close", onClose)
      resume(Effect.void)
    }
    const onClose = () => {
      reader.cancel().catch(() => undefined)
      finish()
    }
    res.once("close", onClose)
    const pump = (): void => {
      reader.read().then(({ done, value }) => {
        if (finished) return
        if (done) {
          res.end()
          return finish()
        }
        if (res.write(value)) pump()
        else res.once("drain", pump)
      }, () => {
        res.destroy()
        finish()
      })
    }
    pump()
    return Effect.sync(onClose)
  })
