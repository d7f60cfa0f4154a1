import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mkdtempSync } from "node:fs"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { initializeBody } from "../mcp/http/harness.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const headersTimeoutMs = 3000

interface RawExchange {
  /** How long the server kept the connection, from connect to close. */
  readonly openMs: number
  readonly statusLine: string
}

/** One request written by hand on a socket, so headers can repeat or trickle in. */
const exchange = (port: number, write: (socket: ReturnType<typeof connect>) => void): Promise<RawExchange> =>
  new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1")
    const openedAt = Date.now()
    let received = ""
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1")
    })
    socket.on("error", () => undefined)
    socket.on("close", () => resolve({ openMs: Date.now() - openedAt, statusLine: received.split("\r\n")[0] ?? "" }))
    write(socket)
  })

const request = (port: number, headerLines: ReadonlyArray<string>) =>
  [
    "POST /mcp HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Content-Type: application/json",
    "Accept: application/json, text/event-stream",
    ...headerLines,
    `Content-Length: ${Buffer.byteLength(initializeBody)}`,
    "Connection: close",
    "",
    initializeBody
  ].join("\r\n")

describe("HTTP edges of the built server (serve --http --sandbox)", () => {
  const env = {
    OPERA_MCP_CLIENTS_FILE: path.join(mkdtempSync(path.join(tmpdir(), "opera-http-edges-")), "clients.json"),
    OPERA_MCP_HTTP_HEADERS_TIMEOUT_MS: String(headersTimeoutMs)
  }
  let server: HttpServerProcess
  let port: number
  let key: string

  beforeAll(async () => {
    key = addClient(env, "ops")
    port = await freePort()
    server = await startHttpServerProcess(["--sandbox", "--port", String(port)], env)
  })
  afterAll(async () => {
    if (server !== undefined && server.child.exitCode === null) {
      server.child.kill("SIGTERM")
      await server.exited
    }
  })

  it("cuts a client that trickles one header line every 500 ms within the headers timeout plus one second", async () => {
    let timer: ReturnType<typeof setInterval> | undefined
    const cut = await exchange(port, (socket) => {
      socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`)
      let line = 0
      timer = setInterval(() => socket.write(`X-Trickle-${line++}: a\r\n`), 500)
      // Past any bound the test cares about: the server must have cut it long before.
      setTimeout(() => socket.destroy(), 30_000)
    })
    clearInterval(timer)
    expect(cut.statusLine).toBe("HTTP/1.1 408 Request Timeout")
    expect(cut.openMs).toBeLessThan(headersTimeoutMs + 1000)
  }, 40_000)

  it("refuses a request with two Authorization headers (either order), a right key among them", async () => {
    const wrong = "Authorization: Bearer ocm_" + "A".repeat(43)
    const right = `Authorization: Bearer ${key}`
    expect((await exchange(port, (socket) => socket.write(request(port, [right])))).statusLine).toBe("HTTP/1.1 200 OK")
    for (const pair of [[right, wrong], [wrong, right], [right, right]]) {
      expect((await exchange(port, (socket) => socket.write(request(port, pair)))).statusLine).toBe("HTTP/1.1 400 Bad Request")
    }
  })

  it("refuses a repeated Host or Mcp-Session-Id header", async () => {
    const right = `Authorization: Bearer ${key}`
    expect((await exchange(port, (socket) => socket.write(request(port, [right, "Host: evil.example"])))).statusLine)
      .toBe("HTTP/1.1 400 Bad Request")
    expect((await exchange(port, (socket) => socket.write(request(port, [right, "Mcp-Session-Id: a", "Mcp-Session-Id: b"]))))
      .statusLine).toBe("HTTP/1.1 400 Bad Request")
  })
})
