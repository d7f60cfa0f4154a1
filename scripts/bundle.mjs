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
import { build } from "esbuild"
import { rmSync } from "node:fs"

rmSync("dist/chunks", { recursive: true, force: true })
rmSync("dist/lib", { recursive: true, force: true })
await build({
  entryPoints: { "opera-cloud-mcp": "dist/src/bin.js" },
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["better-sqlite3"],
  // The entry keeps its own "#!/usr/bin/env node" line, which esbuild puts first.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning"
})
await build({
  entryPoints: { index: "dist/src/index.js" },
  outdir: "dist/lib",
  outExtension: { ".js": ".mjs" },
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // "effect" also covers its subpaths (effect/Schema, …) the inlined @effect/* packages import.
  external: ["better-sqlite3", "effect"],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning"
})
