import { FetchHttpClient } from "@effect/platform"
import { ConfigProvider, Effect, Either, Layer, TestClock } from "effect"
import type { WorkloadCall } from "../../../scripts/workloads/frontDeskDay.js"
import { businessDayStart } from "../../../scripts/workloads/frontDeskDay.js"
import { SecurityConfig } from "../../../src/config/SecurityConfig.js"
import { IncidentResponder } from "../../../src/security/IncidentResponder.js"
import type { ClientBlocked, ThreatBlocked } from "../../../src/security/threat/errors.js"
import type { Assessment } from "../../../src/security/threat/model.js"
import { CollectedSecurityEvents } from "../../../src/security/threat/SecurityEventSink.js"
import { ThreatConfig } from "../../../src/security/threat/ThreatConfig.js"
import { ThreatDetectors } from "../../../src/security/threat/ThreatDetector.js"
import { InProcessStateStore } from "../../../src/security/state/InProcessStateStore.js"
import type { StateUnavailable } from "../../../src/security/state/StateStore.js"
import { ThreatMonitor } from "../../../src/security/ThreatMonitor.js"

export type Settings = Record<string, string | number | boolean>

/** The monitor with the built-in detectors (or `detectors`), a collecting sink and its own responder. */
export const monitorLayer = (detectors: Layer.Layer<ThreatDetectors> = ThreatDetectors.Default) =>
  ThreatMonitor.DefaultWithoutDependencies.pipe(
    Layer.provideMerge(IncidentResponder.DefaultWithoutDependencies),
    Layer.provide(InProcessStateStore),
    Layer.provideMerge(CollectedSecurityEvents.Sink),
    Layer.provide(detectors),
    Layer.provideMerge(Layer.merge(SecurityConfig.Default, ThreatConfig.Default)),
    Layer.provide(FetchHttpClient.layer)
  )

export const withSettings = (settings: Settings) =>
  Effect.withConfigProvider(
    ConfigProvider.fromMap(new Map(Object.entries(settings).map(([key, value]) => [key, String(value)])))
  )

/**
 * Runs `program` with a fresh monitor under the given settings. The TestClock is
 * set to `startAt` first: background sweeps repeat every simulated minute, so
 * the layer must not be built at epoch 0 and then jumped 56 years ahead.
 */
export const withMonitor = <A, E>(
  program: Effect.Effect<A, E, ThreatMonitor | IncidentResponder | CollectedSecurityEvents>,
  settings: Settings = {},
  options: { readonly detectors?: Layer.Layer<ThreatDetectors>; readonly startAt?: number } = {}
) =>
  TestClock.setTime(options.startAt ?? businessDayStart).pipe(
    Effect.zipRight(program.pipe(Effect.provide(monitorLayer(options.detectors)), withSettings(settings)))
  )

export interface Replayed {
  readonly call: WorkloadCall
  readonly verdict: Either.Either<Assessment, ThreatBlocked | ClientBlocked | StateUnavailable>
}

/** Plays calls in time order as the pipeline would: guard before, record after (refusals recorded as failures). */
export const replay = (calls: ReadonlyArray<WorkloadCall>) =>
  Effect.gen(function*() {
    const monitor = yield* ThreatMonitor
    const results: Array<Replayed> = []
    for (const call of [...calls].sort((a, b) => a.at - b.at)) {
      yield* TestClock.setTime(call.at)
      const ctx = { clientId: call.clientId, transport: "stdio" as const }
      const verdict = yield* Effect.either(monitor.guard(ctx, call.tool, call.args))
      yield* monitor.record(
        ctx,
        call.tool,
        Either.isRight(verdict) ? call.outcome : { success: false, errorTag: verdict.left._tag, failure: "refused", durationMs: 1 }
      )
      results.push({ call, verdict })
    }
    return results
  })

export const flagged = (result: Replayed) => Either.isLeft(result.verdict) || result.verdict.right.level !== "low"
