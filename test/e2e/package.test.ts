import { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { randomBytes } from "node:crypto"
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fillPgChain } from "../../scripts/bench/auditPgFill.js"
import { postgresMissing, startPostgres } from "../support/postgresServer.js"
import { builtBinary, repoRoot, textOf } from "../support/serverProcess.js"

/**
 * What a new user gets: the project packed with `npm pack`, the tarball installed from the registry into an empty
 * project, the CLI run from there, and the package used as a library by a script of that project. (Slow: npm
 * installs better-sqlite3, which builds its native addon when no prebuilt binary can be fetched.)
 */
const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
const effectVersion = (JSON.parse(readFileSync(path.join(repoRoot, "node_modules/effect/package.json"), "utf8")) as {
  version: string
}).version
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const npx = process.platform === "win32" ? "npx.cmd" : "npx"

// Asynchronous: a blocking spawnSync for minutes of npm install would starve the test worker's own messages.
const run = (command: string, args: ReadonlyArray<string>, cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  new Promise<string>((resolve, reject) => {
    execFile(command, args, { cwd, env, encoding: "utf8", timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error === null
          ? resolve(stdout)
          : reject(new Error(`${command} ${args.join(" ")} failed (${error.message}):\n${stdout}\n${stderr}`)))
  })

/** Every package directory under node_modules (scoped ones as "@scope/name"). */
const installedPackages = (nodeModules: string): Array<string> =>
  readdirSync(nodeModules).filter((name) => !name.startsWith(".")).flatMap((name) =>
    name.startsWith("@") ? readdirSync(path.join(nodeModules, name)).map((inner) => `${name}/${inner}`) : [name]
  )

/** Every copy of `name` installed anywhere under `dir`'s node_modules trees. */
const copiesOf = (dir: string, name: string): Array<string> => {
  const nodeModules = path.join(dir, "node_modules")
  if (!existsSync(nodeModules)) return []
  return installedPackages(nodeModules).flatMap((pkg) => [
    ...(pkg === name ? [path.join(nodeModules, pkg)] : []),
    ...copiesOf(path.join(nodeModules, pkg), name)
  ])
}

/** The README's library example (the js block under "Use it as a library"), as the user would paste it. */
const readmeLibraryExample = (): string => {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## Use it as a library"))
  const example = /```js\n([\s\S]*?)```/.exec(section)?.[1]
  if (example === undefined) throw new Error("README.md has no js example under \"Use it as a library\"")
  return `// @ts-check\n${example}`
}

describe("the packed package, installed into an empty project", () => {
  let work: string
  let app: string
  let files: Array<string>
  let cliInstallKb: number
  // The project's own environment for npm; the app's HOME is its own directory (state files, token cache).
  const appEnv = () => ({ PATH: process.env.PATH ?? "", HOME: app, NODE_ENV: "test" })

  beforeAll(async () => {
    if (!existsSync(builtBinary)) throw new Error(`${builtBinary} is missing: run npm run build first`)
    work = mkdtempSync(path.join(os.tmpdir(), "opera-package-"))
    app = path.join(work, "app")
    mkdirSync(app)
    // The bundle is built (npm test builds first); the declarations are what `prepack` adds to it.
    await run(npm, ["run", "build:types"], repoRoot)
    const packed = JSON.parse(await run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], repoRoot)) as
      Array<{ filename: string; files: Array<{ path: string }> }>
    files = packed[0]!.files.map((file) => file.path)
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "hotel-app", private: true, type: "module" }))
    await run(npm, ["install", "--no-audit", "--no-fund", path.join(work, packed[0]!.filename)], app)
    cliInstallKb = Number((await run("du", ["-sk", "node_modules"], app)).split("\t")[0])
    console.log(`installed CLI: node_modules ${(cliInstallKb / 1024).toFixed(0)} MB, ` +
      `${installedPackages(path.join(app, "node_modules")).length} packages`)
  }, 900_000)
  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true })
  })

  it("holds the bundle, its chunks, the library, its declarations and a LICENSE, nothing else of dist", () => {
    expect(files).toContain("dist/opera-cloud-mcp.mjs")
    expect(files).toContain("dist/lib/index.mjs")
    expect(files).toContain("dist/verify-worker-pg.cjs")
    expect(files).toContain("dist/types/index.d.ts")
    expect(files).toContain("LICENSE")
    expect(files.some((file) => file.startsWith("dist/chunks/"))).toBe(true)
    // The declarations are one bundled file: the bundled packages' types inlined, only `effect` imported.
    expect(files.filter((file) => file.startsWith("dist/types/"))).toEqual(["dist/types/index.d.ts"])
    const unexpected = files.filter((file) =>
      file.endsWith(".map") || file.startsWith("dist/scripts/") || file.startsWith("dist/test/") ||
      file.startsWith("dist/src/") || file.startsWith("scripts/") || file.startsWith("src/") || file.startsWith("test/") ||
      (file.startsWith("dist/types/") && !file.endsWith(".d.ts"))
    )
    expect(unexpected).toEqual([])
  })

  it("installs only what the bundle loads at run time: better-sqlite3 and its own dependencies", () => {
    const installed = installedPackages(path.join(app, "node_modules"))
    expect(installed).toContain("better-sqlite3")
    for (const bundled of ["effect", "@effect/platform", "@effect/sql-pg", "pg", "oracledb", "ioredis", "jose", "nodemailer",
      "@modelcontextprotocol/server", "typescript", "esbuild", "vitest"]) {
      expect(installed, bundled).not.toContain(bundled)
    }
    expect(cliInstallKb).toBeLessThan(60 * 1024)
  })

  it("npx opera-cloud-mcp --version prints the package version", async () => {
    expect((await run(npx, ["--no-install", "opera-cloud-mcp", "--version"], app, appEnv())).trim()).toBe(manifest.version)
  })

  it("serves the sandbox over stdio: tools/list and a tool call", async () => {
    const transport = new StdioClientTransport({
      command: path.join(app, "node_modules/.bin/opera-cloud-mcp"),
      args: ["serve", "--sandbox"],
      env: appEnv(),
      cwd: app,
      stderr: "pipe"
    })
    const client = new Client({ name: "package-test", version: "1.0.0" })
    await client.connect(transport)
    try {
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toContain("search_reservations")
      const today = new Date().toISOString().slice(0, 10)
      const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
      const result = await client.callTool({
        name: "search_reservations",
        arguments: { arrivalFrom: today, arrivalTo: inAWeek, limit: 3 }
      }) as CallToolResult
      expect(result.isError).toBeFalsy()
      expect(textOf(result)).toMatch(/^reservations 1–3 of \d+/)
    } finally {
      await client.close()
    }
  }, 60_000)

  // pg is inlined in the bundle, not installed: verify's worker threads load the copy bundled for them.
  it.skipIf(postgresMissing !== undefined)("audit verify on PostgreSQL checks the chain in worker threads", async () => {
    const server = await startPostgres()
    try {
      server.psql("CREATE DATABASE audit_package")
      const url = server.adminUrl("audit_package")
      const encryptionKey = randomBytes(32).toString("base64")
      // Over the 50,000 rows from which verify starts worker threads.
      const rows = await Effect.runPromise(fillPgChain({ url, encryptionKey, rows: 60_000 }))
      const env = { ...appEnv(), OPERA_SECURITY_AUDIT_DB_URL: url, OPERA_SECURITY_AUDIT_DB_ENCRYPTION_KEY: encryptionKey }
      const verdict = JSON.parse(await run(npx, ["--no-install", "opera-cloud-mcp", "audit", "verify", "--json"], app, env)) as
        { ok: boolean; rowsChecked: number; workerRows: number }
      expect(verdict).toMatchObject({ ok: true, rowsChecked: rows, workerRows: rows })
    } finally {
      await server.stop()
    }
  }, 300_000)

  it("as a library with the application's own effect: one Effect copy, types, a hotel's detector and rule", async () => {
    await run(npm, ["install", "--no-audit", "--no-fund", `effect@${effectVersion}`], app)
    expect(copiesOf(app, "effect")).toEqual([path.join(app, "node_modules", "effect")])
    copyFileSync(path.join(repoRoot, "test/e2e/package/consumer.mjs"), path.join(app, "consumer.mjs"))
    copyFileSync(path.join(repoRoot, "test/e2e/package/tsconfig.consumer.json"), path.join(app, "tsconfig.json"))
    writeFileSync(path.join(app, "readme-example.mjs"), readmeLibraryExample())
    // The script and the README's example type-check against the package's declarations with skipLibCheck off
    // (the project's own TypeScript, run in the app): they name no package the consumer does not install.
    await run(process.execPath, [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], app)
    const result = JSON.parse((await run(process.execPath, ["consumer.mjs"], app, appEnv())).trim().split("\n").at(-1)!) as
      Record<"search" | "folio" | "guests", { isError: boolean; text: string }>
    expect(result.search.isError).toBe(false)
    expect(result.search.text).toMatch(/^reservations 1–2 of \d+/)
    // The access rule refuses before anything reaches OPERA; the detector's score stops the call.
    expect(result.folio).toEqual({ isError: true, text: "get_folio: cashiering is closed to assistants at this hotel." })
    expect(result.guests.isError).toBe(true)
    expect(result.guests.text).toContain("guest_search_by_name")
  }, 600_000)
})
