// Bundles the library's declarations (tsc's output in dist/declarations) into one dist/types/index.d.ts. The
// packages the library bundles (@effect/platform, @effect/sql, ioredis, …) are devDependencies a consumer does
// not install, so their types are inlined; `effect` (the peer dependency) and Node's own modules stay imports.
// A consumer then type-checks with skipLibCheck off.
import { rmSync } from "node:fs"
import { rollup } from "rollup"
import { dts } from "rollup-plugin-dts"

const external = (id) => id === "effect" || id.startsWith("effect/") || id.startsWith("node:")

rmSync("dist/types", { recursive: true, force: true })
const bundle = await rollup({
  input: "dist/declarations/index.d.ts",
  external,
  plugins: [dts({ respectExternal: true })],
  onwarn: (warning, warn) => {
    if (warning.code !== "CIRCULAR_DEPENDENCY") warn(warning)
  }
})
await bundle.write({ file: "dist/types/index.d.ts", format: "es" })
await bundle.close()
