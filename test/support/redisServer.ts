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

/**
 * A real redis-server on a free loopback port, in a temp dir; stop() kills it (SIGKILL) and start() brings it
 * back on the same port and dir. No persistence unless `appendOnly` (every write fsynced to the AOF, as a
 * deployment that must keep lockouts over a Redis restart runs it).
 */
export interface RedisServer {
  readonly port: number
  readonly url: string
  readonly start: () => Promise<void>
  readonly stop: () => Promise<void>
  /** Every key and its value, each read with its type's command, through redis-cli --scan. */
  readonly dump: () => string
  /** redis-cli against this server, e.g. `cli("DBSIZE")`. */
  readonly cli: (...args: Array<string>) => string
  readonly dispose: () => Promise<void>
}

export const startRedis = async (options: { readonly appendOnly?: boolean } = {}): Promise<RedisServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "opera-mcp-redis-"))
  let child: ChildProcess | undefined
  const persistence = options.appendOnly === true ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]
  const start = async () => {
    child = spawn(redisServerPath, ["--save", "", ...persistence, "--port", String(port), "--bind", "127.0.0.1", "--dir", dir], {
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
  const readers: Record<string, (key: string) => Array<string>> = {
    string: (key) => ["GET", key],
    hash: (key) => ["HGETALL", key],
    zset: (key) => ["ZRANGE", key, "0", "-1", "WITHSCORES"],
    set: (key) => ["SMEMBERS", key],
    list: (key) => ["LRANGE", key, "0", "-1"],
    stream: (key) => ["XRANGE", key, "-", "+"]
  }
  const dump = () =>
    cli("--scan").split("\n").filter((key) => key !== "").map((key) => {
      const type = cli("TYPE", key).trim()
      // Expired between the scan and the read.
      if (type === "none") return ""
      const read = readers[type]
      // A type no reader knows would escape the leak scans: that is a failure, never a skip.
      if (read === undefined) throw new Error(`redis dump: key ${key} has type ${type}, which dump() cannot read`)
      return `${key}\n${cli(...read(key))}`
    }).join("\n")
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    dump,
    cli,
    dispose: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
