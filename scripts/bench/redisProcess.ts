/**
 * A redis-server of its own for the shared-state bench, on a free loopback
 * port with no persistence (the logic of the tests' helper, for scripts).
 */
import type { ChildProcess } from "node:child_process"
import { execFileSync, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { connect, createServer } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"

export interface BenchRedis {
  readonly port: number
  readonly url: string
  readonly stop: () => Promise<void>
}

/** Where redis-server is, or undefined when it is not installed. */
export const findRedisServer = (): string | undefined => {
  try {
    const found = execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim()
    return found === "" ? undefined : found
  } catch {
    return undefined
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => socket.write("PING\r\n"))
    socket.once("data", (data) => {
      socket.destroy()
      resolve(data.toString().startsWith("+PONG"))
    })
    socket.once("error", () => resolve(false))
  })

export const startBenchRedis = async (binary: string): Promise<BenchRedis> => {
  const port = await freePort()
  const dir = mkdtempSync(path.join(tmpdir(), "opera-bench-redis-"))
  const child: ChildProcess = spawn(binary, [
    "--save",
    "",
    "--appendonly",
    "no",
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir
  ], { stdio: "ignore" })
  const stop = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
      })
    }
    rmSync(dir, { recursive: true, force: true })
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await answers(port)) return { port, url: `redis://127.0.0.1:${port}`, stop }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await stop()
  throw new Error(`redis-server did not start on port ${port}`)
}
