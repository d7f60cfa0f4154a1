// Bundles the compiled CLI into ES modules, so start-up does not resolve and load hundreds of modules
// (measured: spawn → initialize 1.2–1.8 s before bundling, about 0.5 s after). Code only some commands
// need (the HTTP transport with its JWT and HTTP server libraries, the SMTP mailer) is split into
// chunks loaded by dynamic import when used. better-sqlite3 stays external: it is a native addon
// loaded from node_modules.
//
// The library entry (`import { AppLayer } from "opera-cloud-mcp"`, dist/lib) is a second bundle that leaves
// `effect` external: it resolves to the one copy the application installs (a peer dependency), so the Layers,
// tags and fibers the application builds with its own `effect` import are the ones the runtime uses. The CLI
// keeps Effect inlined (one file to load at start-up, whatever `effect` the application has).
//
// Every output is written as ASCII. V8 keeps a loaded module's source text for as long as the process runs,
// one byte per character when it is all Latin-1 and two otherwise, and one em dash in a comment of a 1.7 MB
// chunk made it 3.4 MB of heap. `charset: "ascii"` escapes strings, template literals, regular expressions and
// names; `asciiComments` then writes what is left, which is only in comments, as \u escapes.
import { build } from "esbuild"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import path from "node:path"

const asciiComments = (text) =>
  text.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)

const writeAscii = (result) => {
  for (const file of result.outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true })
    writeFileSync(file.path, asciiComments(file.text), { mode: file.path.endsWith("opera-cloud-mcp.mjs") ? 0o755 : 0o644 })
  }
}

rmSync("dist/chunks", { recursive: true, force: true })
rmSync("dist/verify-worker-pg.cjs", { force: true })
rmSync("dist/lib", { recursive: true, force: true })
writeAscii(await build({
  entryPoints: { "opera-cloud-mcp": "dist/src/bin.js" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  charset: "ascii",
  minifyWhitespace: true,
  write: false,
  external: ["better-sqlite3"],
  // The entry keeps its own "#!/usr/bin/env node" line, which esbuild puts first.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning"
}))
writeAscii(await build({
  entryPoints: { index: "dist/src/index.js" },
  outdir: "dist/lib",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  charset: "ascii",
  write: false,
  // "effect" also covers its subpaths (effect/Schema, …) the inlined @effect/* packages import.
  external: ["better-sqlite3", "effect"],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning"
}))
// verify's PostgreSQL worker threads run code evaluated from source text (src/security/audit/chainWorkers.ts) that
// requires `pg`; the bundles above inline it, so an installed package has no copy in node_modules. The workers get
// their own CommonJS bundle of it, which chainWorkers.ts finds at the top of dist (pg-native is pg's optional
// native binding, loaded only when asked for).
await build({
  stdin: { contents: "module.exports = require(\"pg\")", resolveDir: ".", loader: "js" },
  outfile: "dist/verify-worker-pg.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["pg-native"],
  logLevel: "warning"
})
