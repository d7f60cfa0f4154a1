/**
 * OpenTelemetry's cost: the same get_reservation calls against a server with telemetry off (the default)
 * and one exporting over OTLP/HTTP to a receiver on loopback that accepts and drops every post.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import type { BenchSandbox, BenchSession } from "./processes.js"
import { connect, expectSuccess, serverBinary } from "./processes.js"
import { median, round, summarize, timeSequential } from "./stats.js"

export interface TelemetryResult {
  readonly calls: number
  readonly runs: number
  readonly offP50Ms: number
  readonly onP50Ms: number
  /** Server CPU per call (user + system, µs), telemetry off and on. */
  readonly offCpuUsPerCall?: number
  readonly onCpuUsPerCall?: number
}

export const telemetryBench = async (
  sandbox: BenchSandbox,
  options: { readonly calls: number; readonly runs: number }
): Promise<TelemetryResult> => {
  const receiver = createServer((request, response) => {
    request.resume()
    request.on("end", () => response.writeHead(200).end())
  })
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve))
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  const off = await connect(serverBinary, ["serve"], sandbox.env)
  const on = await connect(serverBinary, ["serve"], { ...sandbox.env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })
  try {
    const read = (session: BenchSession) => async () => {
      expectSuccess(await session.call("get_reservation", { reservationId: sandbox.reservationId }), "get_reservation")
    }
    await timeSequential(200, read(off))
    await timeSequential(200, read(on))
    const p50 = { off: [] as Array<number>, on: [] as Array<number> }
    const cpu = { off: 0, on: 0, known: true }
    const timed = async (session: BenchSession, into: "off" | "on") => {
      const before = session.cpuMs()
      p50[into].push(summarize(await timeSequential(options.calls, read(session))).p50Ms)
      const after = session.cpuMs()
      if (before === undefined || after === undefined) cpu.known = false
      else cpu[into] += after - before
    }
    // Alternating runs, so drift on a shared machine hits both.
    for (let run = 0; run < options.runs; run++) {
      await timed(off, "off")
      await timed(on, "on")
    }
    const perCall = (ms: number) => round(ms * 1000 / (options.calls * options.runs), 0)
    return {
      calls: options.calls,
      runs: options.runs,
      offP50Ms: round(median(p50.off)),
      onP50Ms: round(median(p50.on)),
      ...(cpu.known ? { offCpuUsPerCall: perCall(cpu.off), onCpuUsPerCall: perCall(cpu.on) } : {})
    }
  } finally {
    await off.close()
    await on.close()
    await new Promise<void>((resolve) => receiver.close(() => resolve()))
  }
}
