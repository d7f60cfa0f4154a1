import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { execFileSync, spawnSync } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import path from "node:path"
import type { RunningSandbox } from "../support/sandboxProcess.js"
import { startSandbox } from "../support/sandboxProcess.js"
import { builtBinary, startServer, textOf } from "../support/serverProcess.js"

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
const stackFrame = /^\s+at /m

const run = (binary: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  spawnSync(process.execPath, [binary, ...args], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env },
    encoding: "utf8",
    input: "",
    timeout: 30_000
  })

describe("an audit store that cannot be opened at start-up", () => {
  let opera: RunningSandbox
  beforeAll(async () => {
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), "audit-block-")), "not-a-directory")
    writeFileSync(blocker, "a file where the audit directory should be")
    opera = await startSandbox({ OPERA_SECURITY_AUDIT_DB_PATH: path.join(blocker, "audit.db") })
  })
  afterAll(async () => {
    await opera?.stop()
  })

  it("stops `serve` against a real property with the store's reason and exit status 4, no stack trace", () => {
    const serve = run(builtBinary, ["serve"], opera.env)
    expect(serve.status, serve.stderr).toBe(4)
    expect(serve.stderr).toMatch(/error: serve refuses to start: audit log .*audit\.db cannot be opened \(SQLITE_CANTOPEN\)/)
    expect(serve.stderr).not.toMatch(stackFrame)
    expect(serve.stdout).toBe("")
  })

  it("`serve --sandbox` still serves with a degraded audit log that refuses changes", async () => {
    const session = await startServer({ args: ["serve", "--sandbox"], env: opera.env })
    try {
      const write = await session.call("create_reservation", {
        guest: { surname: "Refused" },
        arrivalDate: inDays(40),
        departureDate: inDays(41),
        roomType: "KING",
        ratePlanCode: "BAR",
        adults: 1
      })
      expect(write.isError).toBe(true)
      expect(textOf(write)).toMatch(/audit log cannot record this change.*Nothing was sent to OPERA/)
      expect((await session.call("search_reservations", { arrivalFrom: inDays(0), limit: 1 })).isError).toBeFalsy()
      const health = await session.call("security_health_check")
      expect((health.structuredContent as { audit: { mode: string } }).audit.mode).toBe("degraded")
    } finally {
      await session.close()
    }
  })
})

/**
 * A copy of the installed bundle whose better-sqlite3 carries a native module that registers itself
 * with another NODE_MODULE_VERSION, so Node refuses it exactly as after a Node.js upgrade.
 */
const installWithForeignAddon = (): string => {
  const root = mkdtempSync(path.join(tmpdir(), "opera-abi-"))
  const dist = path.dirname(builtBinary)
  mkdirSync(path.join(root, "dist"))
  cpSync(builtBinary, path.join(root, "dist", path.basename(builtBinary)))
  cpSync(path.join(dist, "chunks"), path.join(root, "dist", "chunks"), { recursive: true })
  cpSync(path.join(dist, "package.json"), path.join(root, "dist", "package.json"))
  const require = createRequire(import.meta.url)
  const packageDir = (name: string, from?: string) =>
    path.dirname(require.resolve(`${name}/package.json`, from === undefined ? undefined : { paths: [from] }))
  const sqlite = packageDir("better-sqlite3")
  const modules = path.join(root, "node_modules")
  cpSync(path.join(sqlite, "package.json"), path.join(modules, "better-sqlite3", "package.json"))
  cpSync(path.join(sqlite, "lib"), path.join(modules, "better-sqlite3", "lib"), { recursive: true })
  const bindings = packageDir("bindings", sqlite)
  cpSync(bindings, path.join(modules, "bindings"), { recursive: true })
  cpSync(packageDir("file-uri-to-path", bindings), path.join(modules, "file-uri-to-path"), { recursive: true })
  const source = path.join(root, "abi.c")
  writeFileSync(source, [
    "struct node_module { int nm_version; unsigned int nm_flags; void* nm_dso_handle; const char* nm_filename;",
    "  void* nm_register_func; void* nm_context_register_func; const char* nm_modname; void* nm_priv; void* nm_link; };",
    "extern void node_module_register(void*);",
    "static struct node_module m = { 108, 0, 0, \"abi.c\", 0, 0, \"better_sqlite3\", 0, 0 };",
    "static void __attribute__((constructor)) init(void) { node_module_register(&m); }"
  ].join("\n"))
  const release = path.join(modules, "better-sqlite3", "build", "Release")
  mkdirSync(release, { recursive: true })
  execFileSync("cc", ["-shared", "-fPIC", "-o", path.join(release, "better_sqlite3.node"), source])
  return path.join(root, "dist", path.basename(builtBinary))
}

describe("better-sqlite3 built for another Node.js version", () => {
  let opera: RunningSandbox
  let binary: string
  beforeAll(async () => {
    opera = await startSandbox()
    // A working install creates the audit log the broken one then cannot open.
    await (await startServer({ args: ["serve"], env: opera.env })).close()
    binary = installWithForeignAddon()
  })
  afterAll(async () => {
    await opera?.stop()
  })

  const fix = /better-sqlite3 was built for another Node\.js version \(NODE_MODULE_VERSION 108; this is Node\.js v[\d.]+, NODE_MODULE_VERSION \d+\): run `npm rebuild better-sqlite3`/

  it("`serve` says so and how to fix it, with the installation exit status and no stack trace", () => {
    const serve = run(binary, ["serve"], opera.env)
    expect(serve.status, serve.stderr).toBe(8)
    expect(serve.stderr).toMatch(fix)
    expect(serve.stderr).not.toMatch(stackFrame)
    expect(serve.stderr).not.toContain("unexpected internal failure")
  })

  it("an audit command says the same", () => {
    const verify = run(binary, ["audit", "verify"], opera.env)
    expect(verify.status, verify.stderr).toBe(8)
    expect(verify.stderr).toMatch(fix)
    expect(verify.stderr).not.toMatch(stackFrame)
  })
})

describe("--help of the installed binary", () => {
  it("to a pipe (not a terminal) is plain text, without colour codes", () => {
    const help = run(builtBinary, ["serve", "--help"], {})
    expect(help.status, help.stderr).toBe(0)
    expect(help.stdout).toContain("--sandbox")
    expect(help.stdout).not.toContain("\u001b[")
  })
})
