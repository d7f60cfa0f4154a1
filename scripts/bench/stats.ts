/** Order statistics and timing for the benchmarks. */
import { performance } from "node:perf_hooks"

/** The q-quantile (0..1) of `values` by nearest rank; NaN when empty. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]!
}

export const median = (values: ReadonlyArray<number>): number => quantile(values, 0.5)

export interface LatencySummary {
  readonly calls: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly meanMs: number
}

export const summarize = (samples: ReadonlyArray<number>): LatencySummary => ({
  calls: samples.length,
  p50Ms: quantile(samples, 0.5),
  p99Ms: quantile(samples, 0.99),
  meanMs: samples.reduce((total, sample) => total + sample, 0) / Math.max(1, samples.length)
})

/** Runs `call` `count` times one after the other and returns each duration in ms. */
export const timeSequential = async (count: number, call: (index: number) => Promise<void>) => {
  const samples: Array<number> = []
  for (let index = 0; index < count; index++) {
    const started = performance.now()
    await call(index)
    samples.push(performance.now() - started)
  }
  return samples
}

/** Runs `count` calls with at most `concurrency` in flight; calls `onProgress` after each. */
export const runConcurrent = async (
  count: number,
  concurrency: number,
  call: (index: number) => Promise<void>,
  onProgress: (done: number) => void = () => {}
) => {
  let next = 0
  let done = 0
  const worker = async () => {
    while (next < count) {
      const index = next++
      await call(index)
      onProgress(++done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

export const elapsed = async <A>(work: () => Promise<A>): Promise<{ readonly value: A; readonly ms: number }> => {
  const started = performance.now()
  const value = await work()
  return { value, ms: performance.now() - started }
}

export const round = (value: number, digits = 3) => {
  const scale = 10 ** digits
  return Math.round(value * scale) / scale
}
