import { Effect, TestClock, TestServices } from "effect"
import { createServer } from "node:http"
import type { Socket } from "node:net"
import { createServer as createTcpServer } from "node:net"

export interface ReceivedWebhook {
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: string
}

/**
 * A webhook receiver on 127.0.0.1 (port 0). Answers each request with the next
 * status of `statuses`, the last one repeating.
 */
export const webhookReceiver = (statuses: ReadonlyArray<number> = [200]) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly received: Array<ReceivedWebhook>; readonly close: () => void }>((resume) => {
      const received: Array<ReceivedWebhook> = []
      const server = createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") })
          response.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)]!).end("{}")
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}/hooks/security`,
          received,
          close: () => {
            server.closeAllConnections()
            server.close()
          }
        }))
      })
    }),
    (receiver) => Effect.sync(receiver.close)
  )

export interface ReceivedMail {
  readonly from: string
  readonly to: ReadonlyArray<string>
  readonly data: string
}

/** A minimal SMTP server on 127.0.0.1 (port 0): EHLO, MAIL, RCPT, DATA, QUIT; no TLS, no AUTH. */
export const smtpReceiver = Effect.acquireRelease(
  Effect.async<{ readonly port: number; readonly received: Array<ReceivedMail>; readonly close: () => void }>((resume) => {
    const received: Array<ReceivedMail> = []
    const sockets = new Set<Socket>()
    const server = createTcpServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      let buffer = ""
      let inData = false
      let from = ""
      let to: Array<string> = []
      let data: Array<string> = []
      const reply = (line: string) => socket.write(`${line}\r\n`)
      reply("220 127.0.0.1 ESMTP test receiver")
      socket.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8")
        let end: number
        while ((end = buffer.indexOf("\r\n")) >= 0) {
          const line = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (inData) {
            if (line === ".") {
              inData = false
              received.push({ from, to, data: data.join("\r\n") })
              reply("250 2.0.0 queued")
            } else data.push(line.startsWith("..") ? line.slice(1) : line)
            continue
          }
          const verb = line.slice(0, 4).toUpperCase()
          if (verb === "EHLO" || verb === "HELO") reply("250-127.0.0.1\r\n250 8BITMIME")
          else if (verb === "MAIL") from = line.slice(10).trim()
          else if (verb === "RCPT") to = [...to, line.slice(8).trim()]
          else if (verb === "DATA") {
            inData = true
            data = []
            reply("354 end with <CRLF>.<CRLF>")
            continue
          } else if (verb === "QUIT") {
            reply("221 bye")
            socket.end()
            continue
          }
          if (verb === "MAIL" || verb === "RCPT" || verb === "RSET" || verb === "NOOP") reply("250 OK")
          else if (verb !== "EHLO" && verb !== "HELO") reply("502 not implemented")
        }
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed({
        port: typeof address === "object" && address !== null ? address.port : 0,
        received,
        close: () => {
          for (const socket of sockets) socket.destroy()
          server.close()
        }
      }))
    })
  }),
  (receiver) => Effect.sync(receiver.close)
)

/**
 * Lets real I/O happen while simulated time moves on: alternates a short live
 * pause with a TestClock step until `done` holds (retries sleep on TestClock).
 */
export const settle = (done: Effect.Effect<boolean>, stepMs = 1_000, maxSteps = 400) =>
  Effect.gen(function*() {
    for (let step = 0; step < maxSteps; step++) {
      if (yield* done) return true
      yield* TestServices.provideLive(Effect.sleep("15 millis"))
      yield* TestClock.adjust(stepMs)
    }
    return yield* done
  })
