// Bundles the compiled CLI into one ES module file, so start-up does not resolve and load hundreds of
// modules (measured: spawn → initialize 1.2–1.8 s before, about 0.5 s after). better-sqlite3 stays
// external: it is a native addon loaded from node_modules.
import { build } from "esbuild"

await build({
  entryPoints: ["dist/src/bin.js"],
  outfile: "dist/opera-cloud-mcp.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["better-sqlite3"],
  // The entry keeps its own "#!/usr/bin/env node" line, which esbuild puts first.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning"
})
