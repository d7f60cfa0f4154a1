import { Duration, Effect, FiberId, Schema } from "effect"
import type { RuntimeFiber } from "effect/Fiber"
import type { ClientRequest, IncomingMessage } from "node:http"
import { Agent as HttpAgent, request as httpRequest } from "node:http"
import { Agent as HttpsAgent, request as httpsRequest } from "node:https"
import { SecurityConfig } from "../../../config/SecurityConfig.js"
import { NetworkFailure, networkFailureOf } from "./errors.js"

/** One HTTP exchange with OPERA, as the client describes it: the URL already holds the path and the query. */
export interface TransportRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** Sent as is (the caller sets content-type); its length is sent as content-length. */
  readonly body?: string | undefined
  /** The whole exchange, connection to the last byte of the body, must end within this. */
  readonly timeoutMs: number
}

/** OPERA's answer, read to its end. */
export interface TransportAnswer {
  readonly status: number
  /** Node's response headers, lower-cased (typed here, not as node:http's, so the library's types need no Node types). */
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  /** The body decoded as UTF-8; `undefined` when the connection broke off before its end. */
  readonly body: string | undefined
}

/** No answer came: the connection could not be made, or broke before the status line. Never names the URL. */
export class TransportUnreachable extends Schema.TaggedError<TransportUnreachable>()("TransportUnreachable", {
  /** What the network stack said, when it said something this server knows. */
  network: Schema.optional(NetworkFailure),
  message: Schema.String
}) {}

/** The whole answer did not arrive within the request's timeout (the request was destroyed). */
export class TransportTimeout extends Schema.TaggedError<TransportTimeout>()("TransportTimeout", {
  message: Schema.String
}) {}

export type TransportError = TransportUnreachable | TransportTimeout

// The timeout of one exchange: the sleeping fiber, and what it does when it wakes (set once the request is out).
interface Timer {
  fiber: RuntimeFiber<void> | undefined
  expired: boolean
  expire: (() => void) | undefined
}

/**
 * HTTP to OPERA over node:http / node:https with keep-alive agents, one per scheme, made here and
 * destroyed with the layer's scope. TLS never goes below OPERA_SECURITY_MIN_TLS_VERSION; redirects are
 * never followed (a 3xx is OPERA's answer). One exchange is one `Effect.async` and, for its timeout, one
 * sleeping fiber (Clock, so TestClock drives it): the platform client's per-request AbortController,
 * scoped-request bookkeeping, body stream and two-fiber race cost more CPU than the loopback request.
 */
export class OperaTransport extends Effect.Service<OperaTransport>()("opera/OperaTransport", {
  scoped: Effect.gen(function*() {
    const security = yield* SecurityConfig
    const agents = yield* Effect.acquireRelease(
      Effect.sync(() => ({
        http: new HttpAgent({ keepAlive: true }),
        https: new HttpsAgent({ keepAlive: true, minVersion: security.minTlsVersion })
      })),
      (made) =>
        Effect.sync(() => {
          made.http.destroy()
          made.https.destroy()
        })
    )

    const exchange = (options: TransportRequest, timer: Timer) =>
      Effect.async<TransportAnswer, TransportError>((resume) => {
        let settled = false
        let outgoing: ClientRequest | undefined
        let incoming: IncomingMessage | undefined
        const settle = (outcome: Effect.Effect<TransportAnswer, TransportError>) => {
          if (settled) return
          settled = true
          timer.fiber?.unsafeInterruptAsFork(FiberId.none)
          resume(outcome)
        }
        const answered = (response: IncomingMessage) => {
          incoming = response
          const chunks: Array<Buffer> = []
          let length = 0
          const broken = () =>
            settle(Effect.succeed({ status: response.statusCode ?? 0, headers: response.headers, body: undefined }))
          response.on("data", (chunk: Buffer) => {
            chunks.push(chunk)
            length += chunk.length
          })
          response.on("end", () => {
            const body = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, length).toString("utf8")
            settle(Effect.succeed({ status: response.statusCode ?? 0, headers: response.headers, body }))
          })
          response.on("error", broken)
          response.on("close", () => {
            if (!response.complete) broken()
          })
        }
        const https = options.url.protocol === "https:"
        const headers: Record<string, string | number> = { ...options.headers }
        if (options.body !== undefined) headers["content-length"] = Buffer.byteLength(options.body)
        outgoing = (https ? httpsRequest : httpRequest)(options.url, {
          method: options.method,
          headers,
          agent: https ? agents.https : agents.http
        }, answered)
        outgoing.on("error", (cause) => {
          // After the status line, a failure is a body cut short: the answer's status still counts.
          if (incoming !== undefined) {
            return settle(Effect.succeed({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: undefined }))
          }
          const network = networkFailureOf(cause)
          settle(Effect.fail(
            new TransportUnreachable({
              ...(network !== undefined ? { network } : {}),
              message: "The connection to OPERA failed before an answer came."
            })
          ))
        })
        timer.expire = () => {
          settle(Effect.fail(new TransportTimeout({ message: `OPERA did not answer within ${options.timeoutMs} ms.` })))
          outgoing?.destroy()
        }
        outgoing.end(options.body)
        if (timer.expired) timer.expire()
        // Interrupted (the tool call was cancelled, or the process is stopping): the request goes with it.
        return Effect.sync(() => {
          settled = true
          timer.fiber?.unsafeInterruptAsFork(FiberId.none)
          outgoing?.destroy()
        })
      })

    /** Sends one request and reads the whole answer; fails only when no answer came or it came too late. */
    const request = (options: TransportRequest): Effect.Effect<TransportAnswer, TransportError> =>
      Effect.suspend(() => {
        const timer: Timer = { fiber: undefined, expired: false, expire: undefined }
        return Effect.flatMap(
          Effect.fork(Effect.sleep(Duration.millis(options.timeoutMs)).pipe(
            Effect.zipRight(Effect.sync(() => {
              timer.expired = true
              timer.expire?.()
            }))
          )),
          (fiber) => {
            timer.fiber = fiber
            return exchange(options, timer)
          }
        )
      })

    return { request } as const
  })
}) {}
