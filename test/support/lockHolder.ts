/**
 * A second process that holds the audit db's write lock: `node -e` with
 * better-sqlite3 opens the file, takes `BEGIN IMMEDIATE` (in WAL mode the
 * write lock; readers go on) and keeps it until told to let go on stdin.
 */
import { spawn } from "node:child_process"
import { repoRoot } from "./serverProcess.js"

export interface LockHolder {
  /** Resolves once the lock is held. */
  readonly held: Promise<void>
  /** Commits (nothing), closes the db and waits for the process to exit. */
  readonly release: () => Promise<void>
  readonly stderr: () => string
}

const script = `
const Database = require("better-sqlite3")
const db = new Database(process.argv[1], { timeout: 10000 })
db.pragma("journal_mode = WAL")
db.exec("BEGIN IMMEDIATE")
process.stdout.write("held\\n")
process.stdin.once("data", () => {
  db.exec("COMMIT")
  db.close()
  process.exit(0)
})
`

export const holdWriteLock = (dbPath: string): LockHolder => {
  const child = spawn(process.execPath, ["-e", script, dbPath], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] })
  let err = ""
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8")
  })
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const held = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString("utf8").includes("held")) resolve()
    })
    void exited.then((code) =>
      reject(new Error(`the lock holder exited (${code}) before taking the lock: ${err.slice(0, 300)}`))
    )
  })
  return {
    held,
    release: async () => {
      if (child.exitCode === null) child.stdin.write("release\n")
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
      await exited
      clearTimeout(timer)
    },
    stderr: () => err
  }
}
