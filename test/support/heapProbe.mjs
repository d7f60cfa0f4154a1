// Loaded into a server process with NODE_OPTIONS="--import …/heapProbe.mjs" by test/e2e/heapSettings.test.ts:
// when the process exits it writes V8's heap spaces (MB reserved) to HEAP_PROBE_OUT, so the test can see the
// heap settings the server runs with. It changes nothing in the server.
import { writeFileSync } from "node:fs"
import { getHeapSpaceStatistics } from "node:v8"
import { isMainThread } from "node:worker_threads"

const out = process.env.HEAP_PROBE_OUT
if (isMainThread && out !== undefined) {
  process.on("exit", (code) => {
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size / 1_048_576]))
    writeFileSync(out, JSON.stringify({ code, spaces }))
  })
}
