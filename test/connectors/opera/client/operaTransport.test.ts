import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Fiber, Layer, TestClock } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import type { IncomingMessage, Server, ServerResponse } from "node:http"
import { createServer } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { createServer as createTlsServer } from "node:tls"
import { SecurityConfig } from "../../../../src/config/SecurityConfig.js"
import { OperaTransport } from "../../../../src/connectors/opera/client/OperaTransport.js"
import { breathe, eventually } from "./harness.js"

const transportLayer = (settings: Record<string, string> = {}) =>
  OperaTransport.Default.pipe(
    Layer.provide(SecurityConfig.Default),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings)))))
  )

interface Local {
  readonly url: string
  readonly requests: Array<IncomingMessage>
  readonly connections: Array<Socket>
  readonly closed: Array<IncomingMessage>
}

/** A node:http server on a loopback port for one test, closed with the test's scope. */
const localServer = (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Server; readonly local: Local }>((resume) => {
      const local: Local = { url: "", requests: [], connections: [], closed: [] }
      const server = createServer((request, response) => {
        local.requests.push(request)
        request.socket.on("close", () => local.closed.push(request))
        handler(request, response)
      })
      server.on("connection", (socket) => local.connections.push(socket))
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ server, local: { ...local, url: `http://127.0.0.1:${port}` } }))
      })
    }),
    ({ local, server }) =>
      Effect.sync(() => {
        for (const socket of local.connections) socket.destroy()
        server.close()
      })
  ).pipe(Effect.map(({ local }) => local))

const get = (url: string, timeoutMs = 5000, headers: Record<string, string> = {}) =>
  OperaTransport.pipe(Effect.flatMap((transport) => transport.request({ method: "GET", url: new URL(url), headers, timeoutMs })))

describe("OperaTransport (node:http)", () => {
  it.scoped("reuses one keep-alive connection for requests in a row", () =>
    Effect.gen(function*() {
      const local = yield* localServer((_, response) => response.end("{\"ok\":true}"))
      for (let i = 0; i < 3; i++) {
        const answer = yield* get(local.url + "/rsv/v1/ping")
        expect(answer.status).toBe(200)
        expect(answer.body).toBe("{\"ok\":true}")
      }
      expect(local.requests.length).toBe(3)
      expect(local.connections.length).toBe(1)
    }).pipe(Effect.provide(transportLayer())))

  it.scoped("sends the method, headers and body, with its content-length", () =>
    Effect.gen(function*() {
      let seen: { method?: string | undefined; headers?: IncomingMessage["headers"]; body?: string } = {}
      const local = yield* localServer((request, response) => {
        let body = ""
        request.setEncoding("utf8")
        request.on("data", (chunk: string) => body += chunk)
        request.on("end", () => {
          seen = { method: request.method, headers: request.headers, body }
          response.end()
        })
      })
      const transport = yield* OperaTransport
      const sent = JSON.stringify({ name: "Zoë" })
      const answer = yield* transport.request({
        method: "POST",
        url: new URL(local.url + "/rsv/v1/hotels/H/reservations?a=1&a=2"),
        headers: { "content-type": "application/json", "x-hotelid": "H" },
        body: sent,
        timeoutMs: 5000
      })
      expect(answer).toEqual(expect.objectContaining({ status: 200, body: "" }))
      expect(seen.method).toBe("POST")
      expect(seen.body).toBe(sent)
      expect(seen.headers?.["content-length"]).toBe(String(Buffer.byteLength(sent)))
      expect(seen.headers?.["x-hotelid"]).toBe("H")
      expect(local.requests[0]?.url).toBe("/rsv/v1/hotels/H/reservations?a=1&a=2")
    }).pipe(Effect.provide(transportLayer())))

  it.scoped("times out at timeoutMs on the TestClock and destroys the request", () =>
    Effect.gen(function*() {
      const local = yield* localServer(() => {}) // never answers
      const fiber = yield* Effect.fork(Effect.flip(get(local.url + "/rsv/v1/slow", 2000)))
      yield* eventually(Effect.sync(() => local.requests.length), (n) => n === 1)
      yield* TestClock.adjust(Duration.millis(1999))
      yield* breathe(20)
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.millis(1))
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TransportTimeout")
      expect(error.message).toBe("OPERA did not answer within 2000 ms.")
      yield* eventually(Effect.sync(() => local.closed.length), (n) => n === 1)
    }).pipe(Effect.provide(transportLayer())))

  it.scoped("an interrupted request is destroyed: the server sees its connection close", () =>
    Effect.gen(function*() {
      const local = yield* localServer(() => {})
      const fiber = yield* Effect.fork(get(local.url + "/rsv/v1/held", 60_000))
      yield* eventually(Effect.sync(() => local.requests.length), (n) => n === 1)
      expect(local.closed.length).toBe(0)
      yield* Fiber.interrupt(fiber)
      yield* eventually(Effect.sync(() => local.closed.length), (n) => n === 1)
    }).pipe(Effect.provide(transportLayer())))

  it.scoped("does not follow a redirect: the 3xx is the answer", () =>
    Effect.gen(function*() {
      const local = yield* localServer((request, response) => {
        if (request.url === "/elsewhere") return response.end("{\"followed\":true}")
        response.writeHead(302, { location: "/elsewhere" })
        response.end()
      })
      const answer = yield* get(local.url + "/rsv/v1/moved")
      expect(answer.status).toBe(302)
      expect(answer.headers.location).toBe("/elsewhere")
      expect(local.requests.map((request) => request.url)).toEqual(["/rsv/v1/moved"])
    }).pipe(Effect.provide(transportLayer())))

  it.scoped("reads a large body in many chunks and decodes multi-byte characters split between them", () =>
    Effect.gen(function*() {
      const big = JSON.stringify({ items: Array.from({ length: 60_000 }, (_, i) => ({ i, name: "Müller–Çelik 東京" })) })
      const bytes = Buffer.from(big, "utf8")
      const local = yield* localServer((_, response) => {
        response.writeHead(200, { "content-type": "application/json" })
        // Odd-sized writes, so a character's bytes straddle two chunks.
        for (let at = 0; at < bytes.length; at += 7_777) response.write(bytes.subarray(at, at + 7_777))
        response.end()
      })
      const answer = yield* get(local.url + "/rsv/v1/big")
      expect(bytes.length).toBeGreaterThan(2_000_000)
      expect(answer.body?.length).toBe(big.length)
      expect(answer.body === big).toBe(true)
    }).pipe(Effect.provide(transportLayer())))

  it.scoped("a body cut short is no body (undefined), with the answer's status kept", () =>
    Effect.gen(function*() {
      const local = yield* localServer((_, response) => {
        response.writeHead(200, { "content-type": "application/json", "content-length": "1000" })
        response.write("{\"partial\":", () => response.socket?.destroy())
      })
      const answer = yield* get(local.url + "/rsv/v1/cut")
      expect(answer.status).toBe(200)
      expect(answer.body).toBeUndefined()
    }).pipe(Effect.provide(transportLayer())))

  it.scoped("a refused connection is a typed error that names neither the URL, the query nor a header", () =>
    Effect.gen(function*() {
      const local = yield* localServer(() => {})
      const port = new URL(local.url).port
      // Free the port, so the connection is refused.
      const closed = yield* Effect.async<string>((resume) => {
        const probe = createServer()
        probe.listen(0, "127.0.0.1", () => {
          const free = (probe.address() as AddressInfo).port
          probe.close(() => resume(Effect.succeed(String(free))))
        })
      })
      expect(closed).not.toBe(port)
      const secret = "sEcReT-token-value-1234"
      const error = yield* Effect.flip(
        get(`http://127.0.0.1:${closed}/rsv/v1/hotels/H/reservations?surname=Guestname`, 5000, {
          authorization: `Bearer ${secret}`
        })
      )
      expect(error._tag).toBe("TransportUnreachable")
      expect(error._tag === "TransportUnreachable" ? error.network : undefined).toBe("refused")
      const everything = JSON.stringify(error) + String(error.message) + String(error.stack)
      for (const leaked of [secret, "Guestname", "/rsv/v1", closed]) expect(everything).not.toContain(leaked)
    }).pipe(Effect.provide(transportLayer())))

  describe("TLS", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "opera-transport-tls-"))
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")
    ], { stdio: "ignore" })
    const material = { key: readFileSync(path.join(dir, "key.pem")), cert: readFileSync(path.join(dir, "cert.pem")) }
    rmSync(dir, { recursive: true, force: true })

    // A TLS 1.2-only server: what it says about each handshake tells which versions the client offered.
    const handshakeSeenByServer = (minTlsVersion: string) =>
      Effect.gen(function*() {
        const errors: Array<string> = []
        const port = yield* Effect.acquireRelease(
          Effect.async<{ readonly port: number; readonly close: () => void }>((resume) => {
            const server = createTlsServer({ ...material, maxVersion: "TLSv1.2" })
            server.on("tlsClientError", (error: Error & { code?: string }) => errors.push(`${error.code ?? ""} ${error.message}`))
            // The client checks the certificate after a TLS 1.2 handshake: the server sees the handshake done.
            server.on("secureConnection", () => errors.push("handshake completed"))
            server.listen(0, "127.0.0.1", () =>
              resume(Effect.succeed({ port: (server.address() as AddressInfo).port, close: () => server.close() })))
          }),
          (server) => Effect.sync(server.close)
        )
        const error = yield* Effect.flip(get(`https://127.0.0.1:${port.port}/rsv/v1/ping`))
        yield* eventually(Effect.sync(() => errors.length), (n) => n > 0)
        return { error, server: errors.join("; ") }
      }).pipe(Effect.provide(transportLayer({ OPERA_SECURITY_MIN_TLS_VERSION: minTlsVersion })))

    it.scoped("never offers less than OPERA_SECURITY_MIN_TLS_VERSION", () =>
      Effect.gen(function*() {
        const strict = yield* handshakeSeenByServer("TLSv1.3")
        expect(strict.error._tag).toBe("TransportUnreachable")
        expect(strict.error._tag === "TransportUnreachable" ? strict.error.network : undefined).toBe("tls")
        expect(strict.server).toMatch(/unsupported protocol|UNSUPPORTED_PROTOCOL/i)
        // Control: at TLSv1.2 the versions agree, and it is the self-signed certificate the client refuses.
        const lenient = yield* handshakeSeenByServer("TLSv1.2")
        expect(lenient.error._tag === "TransportUnreachable" ? lenient.error.network : undefined).toBe("tls")
        expect(lenient.server).toBe("handshake completed")
      }))
  })
})
