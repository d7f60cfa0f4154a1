/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, or `npm run bench --
 * --profile`): the functions with the most self time, and the source files
 * with the most self time.
 *
 *   node dist/scripts/bench/profileSummary.js FILE.cpuprofile [top=25]
 */
import { readFileSync } from "node:fs"

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const shortUrl = (url: string) => {
  const file = url.replace(/^file:\/\//, "")
  return file.includes("/node_modules/") ? file.replace(/^.*\/node_modules\//, "~/") : file.replace(/^.*\/dist\//, "dist/")
}

export const summarizeProfile = (profile: CpuProfile, top: number) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node] as const))
  const selfUs = new Map<number, number>()
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)))
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0)
  const functions = new Map<string, number>()
  const files = new Map<string, number>()
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame
    if (frame === undefined) continue
    const file = frame.url === "" ? "(native)" : shortUrl(frame.url)
    const name = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`
    functions.set(name, (functions.get(name) ?? 0) + us)
    const group = file.startsWith("~/") ? file.split("/").slice(0, file.startsWith("~/@") ? 3 : 2).join("/") : file
    files.set(group, (files.get(group) ?? 0) + us)
  }
  const ranked = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) =>
      `${((100 * us) / Math.max(1, total)).toFixed(1).padStart(5)} %  ${name}`
    )
  return [
    `total sampled: ${(total / 1000).toFixed(0)} ms`,
    "self time by function:",
    ...ranked(functions),
    "",
    "self time by file or package:",
    ...ranked(files)
  ].join("\n")
}

const [file, top] = process.argv.slice(2)
if (file !== undefined) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile
  process.stdout.write(`${summarizeProfile(profile, Number(top ?? 25))}\n`)
}
