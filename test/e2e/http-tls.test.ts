import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { request } from "node:https"
import { tmpdir } from "node:os"
import path from "node:path"
import type { SecureVersion } from "node:tls"
import { connect, createServer } from "node:tls"
import { initializeBody, mcpHeaders } from "../mcp/http/harness.js"
import type { HttpServerProcess } from "./httpServerProcess.js"
import { addClient, freePort, startHttpServerProcess } from "./httpServerProcess.js"

const dir = mkdtempSync(path.join(tmpdir(), "opera-tls-"))
const certFile = path.join(dir, "cert.pem")
const keyFile = path.join(dir, "key.pem")

// A client that can still speak TLS 1.1 (security level 0), so a refusal is the server's doing.
const handshake = (port: number, version: SecureVersion) =>
  new Promise<string>((resolve) => {
    const socket = connect({
      port,
      host: "127.0.0.1",
      minVersion: version,
      maxVersion: version,
      ciphers: "DEFAULT@SECLEVEL=0",
      ca: readFileSync(certFile),
      servername: "localhost"
    }, () => {
      resolve(`ok ${socket.getProtocol()}`)
      socket.end()
    })
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`))
  })

describe("serve --http with TLS (self-signed certificate made here)", () => {
  let server: HttpServerProcess
  let port: number
  let key: string

  beforeAll(async () => {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1", "-keyout", keyFile, "-out", certFile
    ], { stdio: "ignore" })
    const env = {
      OPERA_MCP_CLIENTS_FILE: path.join(dir, "clients.json"),
      OPERA_MCP_TLS_CERT_FILE: certFile,
      OPERA_MCP_TLS_KEY_FILE: keyFile,
      OPERA_SECURITY_MIN_TLS_VERSION: "TLSv1.2"
    }
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

  it("refuses a TLS 1.1 handshake when the minimum is 1.2, which a permissive server would accept", async () => {
    expect(await handshake(port, "TLSv1.1")).toMatch(/^refused/)
    expect(await handshake(port, "TLSv1.2")).toBe("ok TLSv1.2")
    const permissive = createServer({
      cert: readFileSync(certFile),
      key: readFileSync(keyFile),
      minVersion: "TLSv1",
      ciphers: "DEFAULT@SECLEVEL=0"
    }, (socket) => socket.end())
    await new Promise<void>((resolve) => permissive.listen(0, "127.0.0.1", resolve))
    const address = permissive.address()
    const controlPort = typeof address === "object" && address !== null ? address.port : 0
    try {
      expect(await handshake(controlPort, "TLSv1.1")).toBe("ok TLSv1.1")
    } finally {
      permissive.close()
    }
  })

  it("serves MCP over HTTPS", async () => {
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`https://127.0.0.1:${port}/mcp`, {
        method: "POST",
        headers: mcpHeaders(key),
        ca: readFileSync(certFile),
        servername: "localhost"
      }, (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }))
      })
      req.on("error", reject)
      req.end(initializeBody)
    })
    expect(response.status).toBe(200)
    expect(response.body).toContain("opera-cloud-mcp")
    expect(server.stderr()).toContain(`is serving MCP on https://127.0.0.1:${port}/mcp`)
  })
})
