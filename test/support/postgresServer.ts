import { execFileSync, spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { connect, createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * Debian's PostgreSQL 15 binaries, run as the unprivileged `postgres` user (initdb and postgres refuse root).
 * The tests that need it are skipped, saying why, only when the binaries or the user are missing.
 */
const binDir = "/usr/lib/postgresql/15/bin"
const bin = (name: string) => join(binDir, name)
const userExists = (name: string) => {
  try {
    execFileSync("id", ["-u", name], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}
const numericId = (flag: "-u" | "-g", name: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim())

export const postgresMissing = !existsSync(bin("initdb")) || !existsSync(bin("postgres"))
  ? `PostgreSQL 15 is not installed (apt-get install -y postgresql; ${binDir}): the PostgreSQL audit tests are skipped`
  : !userExists("postgres")
  ? "there is no unprivileged `postgres` user to run PostgreSQL as: the PostgreSQL audit tests are skipped"
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

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

/** A real PostgreSQL server in a temp dir on a free loopback port; the superuser is `postgres` with a password. */
export interface PostgresServer {
  readonly port: number
  /** The superuser's URL (for setting up databases and roles). */
  readonly adminUrl: (database?: string) => string
  /** A URL for another role of the cluster. */
  readonly urlFor: (user: string, password: string, database: string) => string
  /** Runs SQL as the superuser through psql; returns its unaligned output. */
  readonly psql: (sql: string, database?: string) => string
  /** pg_dump of a database in the custom format, to the given file. */
  readonly dump: (database: string, file: string) => void
  /** The data of a database as pg_dump prints it (plain SQL), for leak scans. */
  readonly dumpText: (database: string) => string
  /** Drops and recreates the database from a dump made by `dump`. */
  readonly restore: (database: string, file: string) => void
  readonly dir: string
  readonly stop: () => Promise<void>
}

export const adminPassword = "pg-test-admin"

export const startPostgres = async (): Promise<PostgresServer> => {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), "opera-mcp-pg-"))
  const uid = numericId("-u", "postgres")
  const gid = numericId("-g", "postgres")
  chownSync(dir, uid, gid)
  chmodSync(dir, 0o700)
  const data = join(dir, "data")
  const passwordFile = join(dir, "pwfile")
  writeFileSync(passwordFile, adminPassword)
  chownSync(passwordFile, uid, gid)
  const asPostgres = (command: string, args: ReadonlyArray<string>, input?: string) =>
    execFileSync("runuser", ["-u", "postgres", "--", command, ...args], {
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      ...(input === undefined ? {} : { input })
    })
  asPostgres(bin("initdb"), ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${passwordFile}`, "-E", "UTF8"])
  let child: ChildProcess | undefined = spawn("runuser", [
    "-u", "postgres", "--", bin("postgres"), "-D", data, "-p", String(port), "-c", "listen_addresses=127.0.0.1",
    "-c", `unix_socket_directories=${dir}`, "-c", "fsync=off", "-c", "max_connections=200"
  ], { stdio: "ignore" })
  for (let attempt = 0; attempt < 200 && !(await listening(port)); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const env = { ...process.env, PGPASSWORD: adminPassword }
  const client = (tool: string, args: ReadonlyArray<string>) =>
    execFileSync(bin(tool), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", ...args], {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"]
    })
  // Accepting TCP is not yet accepting logins: wait for a query to answer.
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      client("psql", ["-d", "postgres", "-Atc", "SELECT 1"])
      break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  const psql = (sql: string, database = "postgres") =>
    client("psql", ["-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql])
  return {
    port,
    dir,
    adminUrl: (database = "postgres") => `postgres://postgres:${adminPassword}@127.0.0.1:${port}/${database}`,
    urlFor: (user, password, database) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    psql,
    dump: (database, file) => {
      client("pg_dump", ["-d", database, "-Fc", "-f", file])
    },
    dumpText: (database) => client("pg_dump", ["-d", database, "--data-only"]),
    restore: (database, file) => {
      psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}' AND pid <> pg_backend_pid()`)
      psql(`DROP DATABASE ${database}`)
      psql(`CREATE DATABASE ${database}`)
      client("pg_restore", ["-d", database, file])
    },
    stop: async () => {
      const running = child
      child = undefined
      if (running !== undefined && running.exitCode === null) {
        await new Promise<void>((resolve) => {
          running.once("exit", () => resolve())
          // runuser does not pass signals on: SIGINT (fast shutdown) goes to the postmaster, named in its pid file.
          const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0])
          if (Number.isSafeInteger(postmaster) && postmaster > 0) process.kill(postmaster, "SIGINT")
          else running.kill("SIGKILL")
        })
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
