// Bundles the compiled CLI into ES modules, so start-up does not resolve and load hundreds of modules
// (measured: spawn → initialize 1.2–1.8 s before bundling, about 0.5 s after). Code only some commands
// need (the HTTP transport with its JWT and HTTP server libraries, the SMTP mailer) is split into
// chunks loaded by dynamic import when used. better-sqlite3 stays external: it is a native addon
// loaded from node_modules.
import { build } from "esbuild"
import { rmSync } from "node:fs"

rmSync("dist/chunks", { recursive: true, force: true })
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
