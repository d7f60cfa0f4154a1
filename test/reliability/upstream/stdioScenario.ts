/**
 * One upstream-fault scenario over stdio: an in-process sandbox, a counting
 * proxy in front of it, and the built server spawned with the SDK client.
 * Every call runs under a deadline and is recorded with the upstream requests
 * it caused; `finish` closes the server and reads the audit trail back with
 * the product's own CLI (`audit verify --json`, `audit export`).
 */
import { execFile } from "node:child_process"
import { Effect } from "effect"
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js"
import type { FaultRule } from "../../../src/connectors/opera/sandbox/faults.js"
import type { RunningSandbox } from "../../support/sandboxProcess.js"
import { startSandbox } from "../../support/sandboxProcess.js"
import type { ServerSession } from "../../support/serverProcess.js"
import { builtBinary, startServer, textOf } from "../../support/serverProcess.js"
import { fuzzSettings, withTimeout } from "../support.js"
import type { CountingProxy } from "./countingProxy.js"
import { startCountingProxy } from "./countingProxy.js"
import { expectedTagOf } from "./calls.js"

export interface CallRecord {
  readonly tool: string
  readonly write: boolean
  readonly isError: boolean
  readonly hang: boolean
  readonly text: string
  /** The error tag the message stands for, "success", or "unclear" for a message no rule recognises. */
  readonly tag: string
  /** Requests for the call's own OHIP operation that reached the proxy during the call. */
  readonly attempts: number
  /** Every non-token request that reached the proxy during the call. */
  readonly upstream: number
  readonly ms: number
  readonly structured: Record<string, unknown> | undefined
}

export interface AuditCheck {
  readonly verified: boolean
  /** `${tool}|${errorTag or "success"}` of every completed tool call, in client order and in the trail. */
  readonly seenByClient: ReadonlyArray<string>
  readonly inTrail: ReadonlyArray<string>
  /** Failed calls whose trail row does not say outcome "failure". */
  readonly failuresNotMarkedFailure: number
  readonly writeIntents: number
  readonly intentsWithoutOutcome: number
  /** Data requests (not token requests) counted by the proxy and recorded in the sandbox's traffic capture. */
  readonly proxyCounted: number
  readonly sandboxRecorded: number
}

export interface StdioScenario {
  readonly opera: RunningSandbox
  readonly proxy: CountingProxy
  readonly session: ServerSession
  readonly calls: Array<CallRecord>
  readonly inject: (rule: FaultRule) => Promise<void>
  readonly clearFaults: () => Promise<void>
  /** One tools/call under a deadline; `operationId` is the OHIP operation whose attempts are counted. */
  readonly call: (tool: string, args: Record<string, unknown>, operationId: string, write?: boolean) => Promise<CallRecord>
  /** Closes the server, verifies and exports the audit trail, and returns every text the scenario saw. */
  readonly finish: () => Promise<{ readonly audit: AuditCheck; readonly places: Record<string, string> }>
}

export const callDeadlineMs = 30_000

// Asynchronous on purpose: spawnSync would freeze this process's event loop, and with it the in-process
// sandboxes and proxies of the scenarios running alongside (their calls would time out for no reason).
const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<{ readonly status: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
    execFile(process.execPath, [builtBinary, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
      timeout: 60_000,
      maxBuffer: 256 * 1024 * 1024
    }, (error, stdout, stderr) => resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }))
  })

export const startStdioScenario = async (name: string, settings: Record<string, string> = {}): Promise<StdioScenario> => {
  // Threat scoring is not under test here: a storm of failed bookings would (rightly) block the client.
  const opera = await startSandbox({
    ...fuzzSettings,
    OPERA_SECURITY_ENABLE_ANOMALY_DETECTION: "false",
    OPERA_MCP_REQUIRE_CONFIRMATION: "false",
    ...settings
  })
  const proxy = await startCountingProxy(opera.sandbox.baseUrl)
  const session = await startServer({ args: ["serve"], env: { ...opera.env, OPERA_BASE_URL: proxy.baseUrl }, clientName: name })
  const calls: Array<CallRecord> = []

  const call = async (tool: string, args: Record<string, unknown>, operationId: string, write = false) => {
    const mark = proxy.requests().length
    const started = Date.now()
    const answer = await withTimeout(
      session.client.callTool({ name: tool, arguments: args }, undefined, { timeout: callDeadlineMs + 5000 }),
      callDeadlineMs,
      `${name}: ${tool}`
    ).then((result) => result as CallToolResult, () => undefined)
    const during = proxy.requests().slice(mark)
    const text = answer === undefined ? "" : textOf(answer)
    const isError = answer?.isError === true
    const record: CallRecord = {
      tool,
      write,
      isError,
      hang: answer === undefined,
      text,
      tag: answer === undefined ? "hang" : isError ? expectedTagOf(text) : "success",
      attempts: during.filter((request) => request.operationId === operationId).length,
      upstream: during.filter((request) => request.operationId !== "getToken").length,
      ms: Date.now() - started,
      structured: answer?.structuredContent
    }
    calls.push(record)
    return record
  }

  const finish = async () => {
    const stdout = session.stdout()
    const stderr = session.stderr()
    await session.close()
    await proxy.close()
    const traffic = await Effect.runPromise(opera.sandbox.traffic)
    const sandboxRecorded = traffic.filter((exchange) => exchange.route?.operationId !== "getToken").length
    const verify = await cli(["audit", "verify", "--json"], opera.env)
    const verified = verify.status === 0 && (JSON.parse(verify.stdout || "{}") as { ok?: boolean }).ok === true
    const exported = await cli(["audit", "export"], opera.env)
    const rows = exported.stdout.split("\n").filter((line) => line.trim() !== "").map((line) =>
      JSON.parse(line) as { kind: string; tool?: string; outcome: string; errorTag?: string; correlationId?: string }
    )
    const completed = rows.filter((row) => row.kind === "tool_call" || row.kind === "tool_outcome")
    const intents = rows.filter((row) => row.kind === "tool_intent")
    const outcomeIds = new Set(completed.map((row) => row.correlationId))
    const key = (tool: string | undefined, tag: string | undefined) => `${tool ?? "?"}|${tag ?? "success"}`
    const audit: AuditCheck = {
      verified,
      seenByClient: calls.filter((record) => !record.hang).map((record) => key(record.tool, record.isError ? record.tag : undefined)).sort(),
      inTrail: completed.map((row) => key(row.tool, row.errorTag)).sort(),
      failuresNotMarkedFailure: completed.filter((row) => row.errorTag !== undefined && row.outcome !== "failure").length,
      writeIntents: intents.length,
      intentsWithoutOutcome: intents.filter((row) => !outcomeIds.has(row.correlationId)).length,
      proxyCounted: proxy.dataRequests(),
      sandboxRecorded
    }
    const places = {
      [`${name} stdout`]: stdout,
      [`${name} stderr`]: stderr,
      [`${name} audit verify`]: verify.stdout + verify.stderr,
      [`${name} audit export`]: exported.stdout + exported.stderr
    }
    return { audit, places }
  }

  return {
    opera,
    proxy,
    session,
    calls,
    inject: (rule) => Effect.runPromise(opera.sandbox.faults.inject(rule)),
    clearFaults: () => Effect.runPromise(opera.sandbox.faults.clear),
    call,
    finish
  }
}
