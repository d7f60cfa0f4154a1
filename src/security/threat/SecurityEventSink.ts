import { Context, Effect, Layer, Ref } from "effect"
import type { ThreatFinding, ThreatLevel } from "./model.js"

/**
 * A security event of the ThreatMonitor: every medium or high assessment, and
 * every incident it opens. Threat reasons carry counts and field names only.
 */
export interface SecurityEvent {
  readonly kind: "threat_assessed" | "incident_opened"
  readonly at: number
  readonly clientId: string
  readonly tool: string
  readonly level: Exclude<ThreatLevel, "low">
  readonly score: number
  readonly threats: ReadonlyArray<ThreatFinding>
  /** Set on "incident_opened". */
  readonly incidentId?: string
  /** Whether the call was refused because of this assessment. */
  readonly blocked: boolean
}

export interface SecurityEventSinkShape {
  readonly emit: (event: SecurityEvent) => Effect.Effect<void>
}

/**
 * Where medium and high assessments go. The pipeline provides it on top of the
 * AuditLog; `emit` must not fail (a sink that cannot write logs and carries on).
 */
export class SecurityEventSink extends Context.Tag("opera/SecurityEventSink")<
  SecurityEventSink,
  SecurityEventSinkShape
>() {}

/** A sink that keeps events in memory, for tests. */
export class CollectedSecurityEvents extends Effect.Service<CollectedSecurityEvents>()(
  "opera/CollectedSecurityEvents",
  {
    effect: Effect.gen(function*() {
      const events = yield* Ref.make<ReadonlyArray<SecurityEvent>>([])
      return {
        emit: (event: SecurityEvent) => Ref.update(events, (all) => [...all, event]),
        all: Ref.get(events)
      } as const
    })
  }
) {
  /** `SecurityEventSink` and `CollectedSecurityEvents` together, sharing one Ref. */
  static readonly Sink = Layer.effect(SecurityEventSink, CollectedSecurityEvents).pipe(
    Layer.provideMerge(CollectedSecurityEvents.Default)
  )
}
