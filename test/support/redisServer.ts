import { execFileSync, spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { createServer, connect } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** Debian's redis-server; the tests that need it are skipped, saying why, only when it is not installed. */
const which = (name: string) => {
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim()
  } catch {
    return ""
  }
}
export const redisServerPath = which("redis-server")
export const redisCliPath = which("redis-cli")
export const redisMissing = redisServerPath === "" || !existsSync(redisServerPath)
  ? "redis-server is not installed (apt-get install -y redis-server): the shared-state tests are skipped"
  : undefined

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.write("PING\r\n")
    })
    socket.once("data", (data) => {
      socket.destroy()
      resolve(data.toString().startsWith("+PONG"))
    })
    socket.once("error", () => resolve(false))
  })

/** A real redis-server on a free loopback port, in a temp dir, with no persistence; stop() ends it. */
export interface RedisServer {
  readonly port: number
  readonly url: string
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
  /** Every key and its value (strings, hashes, sorted sets, lists), through redis-cli --scan. */
  readonly dump: () => string
  readonly dispose: () => Promise<void>
}

export const startRedis = async (): Promise<RedisServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "opera-mcp-redis-"))
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn(redisServerPath, ["--save", "", "--appendonly", "no", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir], {
      stdio: "ignore"
    })
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await answers(port)) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`redis-server did not start on port ${port}`)
  }
  const stop = async () => {
    const running = child
    child = undefined
    if (running === undefined || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.once("exit", () => resolve())
      running.kill("SIGKILL")
    })
  }
  const cli = (...args: Array<string>) =>
    execFileSync(redisCliPath, ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8" })
  const dump = () =>
    cli("--scan").split("\n").filter((key) => key !== "").map((key) => {
      const type = cli("TYPE", key).trim()
      const value = type === "hash"
        ? cli("HGETALL", key)
        : type === "zset"
        ? cli("ZRANGE", key, "0", "-1", "WITHSCORES")
        : type === "list"
        ? cli("LRANGE", key, "0", "-1")
        : cli("GET", key)
      return `${key}\n${value}`
    }).join("\n")
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    dump,
    dispose: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
