/**
 * The built server spawned with raw pipes, for what an SDK client would never
 * send: broken JSON, oversize lines, requests before `initialize`, stdin closed
 * mid-call.
 */
import type { ChildProcessWithoutNullStreams } from "node:child_process"
import { spawn } from "node:child_process"
import { builtBinary, repoRoot } from "../support/serverProcess.js"

export interface JsonRpcAnswer {
  readonly id?: number | string | null
  readonly result?: Record<string, unknown>
  readonly error?: { readonly code: number; readonly message: string }
}

export interface RawServer {
  readonly process: ChildProcessWithoutNullStreams
  readonly writeLine: (text: string) => void
  readonly send: (message: Record<string, unknown>) => void
  /** The answer to request `id`, or a rejection after `ms`. */
  readonly answer: (id: number, ms?: number) => Promise<JsonRpcAnswer>
  readonly initialize: () => Promise<JsonRpcAnswer>
  /** Exit code (or signal name) once the process is gone, or a rejection after `ms`. */
  readonly exited: (ms?: number) => Promise<number | string>
  readonly stdout: () => string
  readonly stderr: () => string
  readonly kill: () => void
}

export const startRawServer = (env: Record<string, string>, args: ReadonlyArray<string> = ["serve"]): RawServer => {
  const child = spawn(process.execPath, [builtBinary, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"]
  })
  let out = ""
  let err = ""
  const answers = new Map<number | string, JsonRpcAnswer>()
  let buffered = ""
  child.stdout.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8")
    out += text
    buffered += text
    let newline = buffered.indexOf("\n")
    while (newline >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      newline = buffered.indexOf("\n")
      try {
        const message = JSON.parse(line) as JsonRpcAnswer
        if (message.id !== undefined && message.id !== null) answers.set(message.id, message)
      } catch {
        answers.set(`not-json-${answers.size}`, { error: { code: 0, message: line.slice(0, 200) } })
      }
    }
  })
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8")
  })
  child.stdin.on("error", () => {})
  const exit = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)))

  const poll = <A>(check: () => A | undefined, ms: number, what: string) =>
    new Promise<A>((resolve, reject) => {
      const started = Date.now()
      const tick = () => {
        const value = check()
        if (value !== undefined) return resolve(value)
        if (Date.now() - started > ms) return reject(new Error(`hang: ${what} after ${ms} ms`))
        setTimeout(tick, 10)
      }
      tick()
    })

  const send = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`)
  return {
    process: child,
    writeLine: (text) => child.stdin.write(`${text}\n`),
    send,
    answer: (id, ms = 15_000) => poll(() => answers.get(id), ms, `no answer to request ${id}`),
    initialize: () => {
      send({
        id: 0,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw-protocol", version: "1.0.0" } }
      })
      return poll(() => answers.get(0), 15_000, "no answer to initialize").then((answer) => {
        send({ method: "notifications/initialized" })
        return answer
      })
    },
    exited: (ms = 15_000) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`hang: still running after ${ms} ms`)), ms).unref())
      ]),
    stdout: () => out,
    stderr: () => err,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
    }
  }
}
