/**
 * One kind of upstream fault, call by call: a read meets the fault 1–3 times
 * and must recover through bounded retries (or, for a malformed body, fail
 * clearly after one attempt); a write meets it once and must fail after
 * exactly one attempt; a read that meets it every time gives up after the
 * client's bounded attempts. A clean read after each failure keeps the
 * breaker closed, so every case reaches OPERA.
 */
import type { Fault } from "../../../src/connectors/opera/sandbox/faults.js"
import { Fault as Faults } from "../../../src/connectors/opera/sandbox/faults.js"
import { bookRoom, breakerState, readReservation } from "./calls.js"
import type { CallRecord, StdioScenario } from "./stdioScenario.js"

export type FaultKind = "status5xx" | "rateLimited" | "connectionReset" | "malformedJson" | "timeout"

export const faultKinds: ReadonlyArray<FaultKind> = ["status5xx", "rateLimited", "connectionReset", "malformedJson", "timeout"]

/** OperaClient's attempts per idempotent call (one try and three retries). */
export const maxAttempts = 4
export const timeoutMs = 1000

export const faultOf = (kind: FaultKind, index: number): Fault => {
  switch (kind) {
    case "status5xx":
      return Faults.status([500, 502, 503, 504][index % 4])
    case "rateLimited":
      return Faults.rateLimited(1)
    case "connectionReset":
      return Faults.connectionReset
    case "malformedJson":
      return Faults.malformedJson
    case "timeout":
      return Faults.latency(timeoutMs * 5)
  }
}

/** Whether OperaClient retries a read after this fault (a malformed body is not retried). */
export const retriedOnReads = (kind: FaultKind) => kind !== "malformedJson"

export interface ReadCase {
  readonly faults: number
  readonly record: CallRecord
  /** Gaps between the arrivals of successive attempts (ms). */
  readonly gapsMs: ReadonlyArray<number>
}

export interface FaultKindFigures {
  readonly kind: FaultKind
  readonly reads: ReadonlyArray<ReadCase>
  readonly writes: ReadonlyArray<CallRecord>
  /** A read that met the fault on every attempt. */
  readonly exhausted: CallRecord
  readonly controls: ReadonlyArray<CallRecord>
  /** The health check's breaker state after the run: never opened, as no five failures came in a row. */
  readonly breakerAtEnd: string
}

const gapsSince = (scenario: StdioScenario, mark: number) => {
  const arrivals = scenario.proxy.requests().slice(mark).filter((request) => request.operationId === "getReservation")
    .map((request) => request.at)
  return arrivals.slice(1).map((at, index) => at - (arrivals[index] ?? at))
}

export const runFaultKind = async (scenario: StdioScenario, kind: FaultKind, cases: number): Promise<FaultKindFigures> => {
  const controls: Array<CallRecord> = [await readReservation(scenario)]
  await scenario.inject({ target: { operationId: "getReservation" }, fault: faultOf(kind, 0) })
  const exhausted = await readReservation(scenario)
  await scenario.clearFaults()
  controls.push(await readReservation(scenario))

  const reads: Array<ReadCase> = []
  const writes: Array<CallRecord> = []
  for (let index = 0; index < cases; index++) {
    const faults = retriedOnReads(kind) ? 1 + (index % (maxAttempts - 1)) : 1
    await scenario.inject({ target: { operationId: "getReservation" }, fault: faultOf(kind, index), times: faults })
    const mark = scenario.proxy.requests().length
    const record = await readReservation(scenario)
    reads.push({ faults, record, gapsMs: gapsSince(scenario, mark) })
    await scenario.inject({ target: { operationId: "postReservation" }, fault: faultOf(kind, index), times: 1 })
    writes.push(await bookRoom(scenario))
    await scenario.clearFaults()
    controls.push(await readReservation(scenario))
  }
  return { kind, reads, writes, exhausted, controls, breakerAtEnd: await breakerState(scenario) }
}
