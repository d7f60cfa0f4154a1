import type { ChildProcess } from "node:child_process"
import { spawn, spawnSync } from "node:child_process"
import { createServer } from "node:net"
import { builtBinary, repoRoot } from "../support/serverProcess.js"

/** A port the OS says is free right now on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })

/** Runs a CLI command of the built binary to completion. */
export const runCli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnSync(process.execPath, [builtBinary, ...args], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 30_000
  })

/** `clients add NAME --json …` and the key it printed once. */
export const addClient = (env: Record<string, string>, name: string, extra: ReadonlyArray<string> = []): string => {
  const run = runCli(["clients", "add", name, "--json", ...extra], env)
  if (run.status !== 0) throw new Error(`clients add failed: ${run.stderr}`)
  return (JSON.parse(run.stdout) as { apiKey: string }).apiKey
}

export interface HttpServerProcess {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>
}

/** Spawns `serve --http …` and resolves once it logs that it is serving (or rejects when it exits first). */
export const startHttpServerProcess = async (
  args: ReadonlyArray<string>,
  env: Record<string, string>
): Promise<HttpServerProcess> => {
  const child = spawn(process.execPath, [builtBinary, "serve", "--http", ...args], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const out: Array<string> = []
  const err: Array<string> = []
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk.toString("utf8")))
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk.toString("utf8")))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err.join("")}`)), 30_000)
    const check = () => {
      if (err.join("").includes("is serving MCP on")) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stderr.on("data", check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}: ${err.join("")}`))
    })
  })
  return { child, stdout: () => out.join(""), stderr: () => err.join(""), exited }
}
