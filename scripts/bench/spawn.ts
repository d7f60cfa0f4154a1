/** Spawn of the built server (`serve --sandbox`) until its answer to `initialize`. */
import { connect, serverBinary } from "./processes.js"
import { elapsed, median, round } from "./stats.js"

export interface SpawnResult {
  readonly runs: number
  readonly medianMs: number
  readonly samplesMs: ReadonlyArray<number>
}

export const spawnBench = async (runs: number): Promise<SpawnResult> => {
  const samples: Array<number> = []
  for (let run = 0; run < runs; run++) {
    const { ms, value: session } = await elapsed(() => connect(serverBinary, ["serve", "--sandbox"], {}))
    samples.push(round(ms, 1))
    await session.close()
  }
  return { runs, medianMs: round(median(samples), 1), samplesMs: samples }
}
