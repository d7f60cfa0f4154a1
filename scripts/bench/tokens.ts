/**
 * 1,000 concurrent cold OPERA calls (no token yet) through OperaClient against
 * the sandbox: how many token requests reach the token endpoint.
 */
import { NodeFileSystem, NodeHttpClient } from "@effect/platform-node"
import { ConfigProvider, Effect, Layer, Logger, LogLevel } from "effect"
import { OperaConnection } from "../../src/connectors/opera/client/OperaConnection.js"
import { SecurityConfig } from "../../src/config/SecurityConfig.js"
import { OperaClient } from "../../src/connectors/opera/client/OperaClient.js"
import { OperaTransport } from "../../src/connectors/opera/client/OperaTransport.js"
import { getReservation, GetReservationResponse } from "../../src/connectors/opera/client/reservations.js"
import { TokenCache } from "../../src/connectors/opera/client/TokenCache.js"
import { TokenStoreLive } from "../../src/connectors/opera/client/TokenFileStore.js"
import { Sandbox } from "../../src/connectors/opera/sandbox/Sandbox.js"
import { OperaConnectionFromSandbox } from "../../src/connectors/opera/sandbox/SandboxConnection.js"
import { AuditLog } from "../../src/security/AuditLog.js"
import { UpstreamThrottle } from "../../src/connectors/opera/client/UpstreamThrottle.js"
import { median, round } from "./stats.js"
import { performance } from "node:perf_hooks"

export interface TokenResult {
  readonly concurrentCalls: number
  readonly runs: number
  /** Token requests the sandbox's token endpoint received, per run (each run starts cold). */
  readonly tokenRequests: ReadonlyArray<number>
  readonly failedCalls: number
  readonly wallMs: number
}

const settings = ConfigProvider.fromMap(new Map([
  ["OPERA_SECURITY_AUDIT_DB_PATH", ":memory:"],
  ["OPERA_UPSTREAM_MAX_RPS", "10000"],
  ["OPERA_UPSTREAM_MAX_WAIT_MS", "10000"],
  ["HOME", "/nonexistent-home"]
]))

const layer = OperaClient.Default.pipe(
  Layer.provide(OperaTransport.Default),
  Layer.provideMerge(TokenCache.Default),
  Layer.provide(AuditLog.Default),
  Layer.provide(UpstreamThrottle.Default),
  Layer.provide(TokenStoreLive.pipe(Layer.provide(NodeFileSystem.layer))),
  Layer.provideMerge(Layer.mergeAll(OperaConnectionFromSandbox, SecurityConfig.Default, NodeHttpClient.layerUndici)),
  Layer.provideMerge(Sandbox.layer()),
  Layer.provide(NodeFileSystem.layer)
)

const coldRun = (calls: number) =>
  Effect.gen(function*() {
    const sandbox = yield* Sandbox
    const client = yield* OperaClient
    const connection = yield* OperaConnection
    const snapshot = yield* sandbox.snapshot
    const reservation = [...snapshot.reservations.values()].find((r) => r.hotelId === connection.hotelId)!
    const request = getReservation({ hotelId: connection.hotelId, reservationId: reservation.reservationId })
    const started = performance.now()
    const outcomes = yield* Effect.forEach(
      Array.from({ length: calls }),
      () => Effect.either(client.execute(request, GetReservationResponse)),
      { concurrency: "unbounded" }
    )
    return {
      tokenRequests: yield* sandbox.tokenRequests,
      failed: outcomes.filter((outcome) => outcome._tag === "Left").length,
      ms: performance.now() - started
    }
  }).pipe(
    Effect.provide(layer),
    Effect.withConfigProvider(settings),
    // The in-memory audit log warns that it has no key; stdout is the table's.
    Logger.withMinimumLogLevel(LogLevel.Error)
  )

export const tokenBench = async (options: { readonly runs: number; readonly calls: number }): Promise<TokenResult> => {
  const runs: Array<{ tokenRequests: number; failed: number; ms: number }> = []
  for (let run = 0; run < options.runs; run++) runs.push(await Effect.runPromise(coldRun(options.calls)))
  return {
    concurrentCalls: options.calls,
    runs: options.runs,
    tokenRequests: runs.map((run) => run.tokenRequests),
    failedCalls: runs.reduce((total, run) => total + run.failed, 0),
    wallMs: round(median(runs.map((run) => run.ms)), 1)
  }
}
