/**
 * A 5xx storm: every read and write of reservations fails with 503 for a
 * while, then OPERA recovers. The breaker (5 consecutive failures, 30 s
 * cool-down in OperaClient) must open, refuse calls without touching OPERA,
 * let exactly one trial through per cool-down, and close once a trial works.
 */
import { Fault } from "../../../src/connectors/opera/sandbox/faults.js"
import { bookRoom, breakerState, pause, readReservation } from "./calls.js"
import type { CallRecord, StdioScenario } from "./stdioScenario.js"

export const coolDownMs = 30_000
// Calls during a cool-down stop this long before it ends, so none of them becomes the trial by accident.
const quietBeforeTrialMs = 3_000
const afterCoolDownMs = 1_500

export interface StormFigures {
  /** Upstream data requests from the start of the storm until the breaker opened. */
  readonly requestsBeforeOpen: number
  /** Calls answered while the breaker was open (before each trial). */
  readonly refusedWhileOpen: ReadonlyArray<CallRecord>
  /** Trials after a cool-down: the first `failedTrials` while the storm went on, the last after it ended. */
  readonly trials: ReadonlyArray<CallRecord>
  /** Breaker state reported by the health check at each step, in order. */
  readonly transitions: ReadonlyArray<string>
  readonly recovery: ReadonlyArray<CallRecord>
  readonly stormCalls: ReadonlyArray<CallRecord>
}

const alternate = (scenario: StdioScenario, index: number) => index % 2 === 0 ? readReservation(scenario) : bookRoom(scenario)

/** Keeps calling (refused fast, one every `everyMs`) until `until`, then waits out the cool-down. */
const throughCoolDown = async (scenario: StdioScenario, openedBy: number, everyMs: number) => {
  const refused: Array<CallRecord> = []
  for (let index = 0; Date.now() < openedBy + coolDownMs - quietBeforeTrialMs; index++) {
    refused.push(await alternate(scenario, index))
    await pause(everyMs)
  }
  await pause(openedBy + coolDownMs + afterCoolDownMs - Date.now())
  return refused
}

export const runStorm = async (
  scenario: StdioScenario,
  options: { readonly stormCalls: number; readonly failedTrials: number; readonly recoveryCalls: number; readonly refusalEveryMs: number }
): Promise<StormFigures> => {
  const transitions: Array<string> = [await breakerState(scenario)]
  const warm = await readReservation(scenario)
  if (warm.isError) throw new Error(`the sandbox did not answer before the storm: ${warm.text}`)

  const storming = scenario.proxy.requests().length
  await scenario.inject({ target: { operationId: "getReservation" }, fault: Fault.status(503) })
  await scenario.inject({ target: { operationId: "postReservation" }, fault: Fault.status(503) })
  const stormCalls: Array<CallRecord> = []
  // The breaker opened at the latest when the last call that still reached OPERA came back.
  let openedBy = Date.now()
  for (let index = 0; index < options.stormCalls; index++) {
    const record = await alternate(scenario, index)
    stormCalls.push(record)
    if (record.upstream > 0) openedBy = Date.now()
  }
  const requestsBeforeOpen = scenario.proxy.requests().slice(storming).filter((request) => request.operationId !== "getToken")
    .length
  transitions.push(await breakerState(scenario))

  const refusedWhileOpen: Array<CallRecord> = []
  const trials: Array<CallRecord> = []
  for (let cycle = 0; cycle <= options.failedTrials; cycle++) {
    const last = cycle === options.failedTrials
    if (last) await scenario.clearFaults()
    refusedWhileOpen.push(...(await throughCoolDown(scenario, openedBy, options.refusalEveryMs)))
    const trial = await readReservation(scenario)
    openedBy = Date.now()
    trials.push(trial)
    transitions.push(await breakerState(scenario))
  }

  const recovery: Array<CallRecord> = []
  for (let index = 0; index < options.recoveryCalls; index++) recovery.push(await alternate(scenario, index))
  transitions.push(await breakerState(scenario))
  return { requestsBeforeOpen, refusedWhileOpen, trials, transitions, recovery, stormCalls }
}
