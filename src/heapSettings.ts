import { setFlagsFromString } from "node:v8"

/**
 * V8 settings that keep the server's resident memory small under default `node` launches, applied by the
 * binary itself (an MCP client starts `node …/opera-cloud-mcp.mjs serve` or `npx opera-cloud-mcp serve` and
 * passes no heap flags; NODE_OPTIONS set by hand is easy to lose). Left to its defaults, V8 doubles the
 * young generation up to 2 × 16 MB under steady allocation and lets the old generation grow to several
 * times the live heap before a full collection: 270 MB resident after 5,000 calls for a live heap of 30 MB.
 *
 * Both flags are read by V8 each time it decides to grow a space, so setting them after start-up takes
 * effect (unlike `--max-semi-space-size` / `--max-old-space-size`, which size the heap when it is created
 * and do nothing from `v8.setFlagsFromString`):
 * - `--semi-space-growth-factor=1`: the young generation keeps its initial size (1 MB semi-spaces);
 * - `--heap-growing-percent`: the old generation's next collection comes when it has grown by this much
 *   over what survived the last one, instead of V8's 1.1–4× chosen from its own speed measurements.
 */
export const heapFlags = [
  { flag: "--semi-space-growth-factor", value: "1" },
  { flag: "--heap-growing-percent", value: "30" }
] as const

/**
 * Applies `heapFlags`, except a flag the operator gave on node's own command line (`execArgv`), which
 * wins. Returns the flags applied.
 */
export const keepHeapSmall = (execArgv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const given = (flag: string) =>
    execArgv.some((argument) => {
      const name = argument.split("=")[0]?.replaceAll("_", "-")
      return name === flag
    })
  const applied = heapFlags.filter(({ flag }) => !given(flag)).map(({ flag, value }) => `${flag}=${value}`)
  for (const setting of applied) setFlagsFromString(setting)
  return applied
}
