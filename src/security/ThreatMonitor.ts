import { Clock, DateTime, Effect, Either, Option, Schedule } from "effect"
import { SecurityConfig } from "../config/SecurityConfig.js"
import type { CallContextShape } from "../tools/CallContext.js"
import type { ToolInfo } from "../tools/ToolInfo.js"
import { IncidentResponder } from "./IncidentResponder.js"
import type {
  AdmittedAttempt,
  BehaviourAppend,
  BehaviourAttempt,
  BehaviourDelta,
  StateUnavailable
} from "./state/StateStore.js"
import { readsWhenUnavailable, StateStore, unlessReadAllowed } from "./state/StateStore.js"
import type { BehaviourProfile } from "./threat/BehaviourProfile.js"
import { ClientBehaviour, isIdle, profileCapacity, profileHorizonMs } from "./threat/BehaviourProfile.js"
import { listFrom, wasShownWithin } from "./threat/GuestExposure.js"
import { idsLookedUpBy, neighbourhoodOf } from "./threat/ids.js"
import { ClientBlocked, ThreatBlocked } from "./threat/errors.js"
import type {
  Assessment,
  CallOutcome,
  CallUnderAssessment,
  GuestExposure,
  Lookup,
  RecordedCall,
  ThreatFinding,
  ThreatLevel
} from "./threat/model.js"
import { levelOf, totalScore } from "./threat/scoring.js"
import { SecurityEventSink } from "./threat/SecurityEventSink.js"
import { inOffHours, ThreatConfig } from "./threat/ThreatConfig.js"
import { ThreatDetectors } from "./threat/ThreatDetector.js"

const quiet: Assessment = { score: 0, level: "low", threats: [] }
const maxGuestsPerCall = 500
const round = (value: number) => Math.round(value * 1000) / 1000

/** While a client's medium findings stay the same, they are reported again at most this often. */
export const mediumReportEveryMs = 60_000

/**
 * Scores every tool call against the caller's sliding behaviour with the
 * pluggable `ThreatDetectors`, scaled by
 * `OPERA_SECURITY_ANOMALY_DETECTION_SENSITIVITY`. Medium raises monitoring for
 * the client (scores ×1.5 for `OPERA_SECURITY_RAISED_MONITORING_MINUTES`);
 * high refuses the call and opens an incident (block, webhook, email). Both are
 * emitted to the `SecurityEventSink`. Guest ids and names are kept only as
 * keyed hashes (`StateStore.behaviourDigest`).
 *
 * The behaviour detectors count is the client's shared behaviour in the
 * `StateStore`: each attempt and each outcome is appended there in one round
 * trip that also brings this replica's copy of the profile up to date, so a
 * scraper spread over replicas is caught at the call count a single server
 * would catch it at, and every detector (custom ones too) sees the same
 * profile it would see on one server. While the store is unreachable, calls
 * that change data are refused; reads (when allowed) are judged on this
 * replica's copy alone.
 */
export class ThreatMonitor extends Effect.Service<ThreatMonitor>()("opera/ThreatMonitor", {
  scoped: Effect.gen(function*() {
    const security = yield* SecurityConfig
    const settings = yield* ThreatConfig
    const reads = yield* readsWhenUnavailable
    const detectors = yield* ThreatDetectors
    const sink = yield* SecurityEventSink
    const responder = yield* IncidentResponder
    const store = yield* StateStore
    const enabled = security.enableSecurityMonitoring && security.enableAnomalyDetection
    const raisedMs = settings.raisedMonitoringMinutes * 60_000
    // UTC (the default) as a fixed offset: a named zone is an Intl.DateTimeFormat, and the first one a
    // process makes loads ICU's locale and zone data, about 8 MB resident for the life of the process.
    const zone = settings.hotelTimeZone === "UTC"
      ? DateTime.zoneMakeOffset(0)
      : DateTime.zoneUnsafeMakeNamed(settings.hotelTimeZone)
    // The hotel's hour of day, worked out once per UTC quarter hour: every zone's offset (and so every
    // change of it) falls on a quarter hour, so the hour cannot change inside one. Intl formatting on every
    // call was about 1 % of a call's CPU in process (--cpu-prof).
    let hourCache = { quarter: Number.NaN, hour: 0 }
    const hourOfDayAt = (now: number): number => {
      const quarter = Math.floor(now / 900_000)
      if (quarter !== hourCache.quarter) {
        hourCache = { quarter, hour: DateTime.getPart(DateTime.unsafeMakeZoned(now, { timeZone: zone }), "hours") }
      }
      return hourCache.hour
    }
    const hash = store.behaviourDigest
    const limits = { horizonMs: profileHorizonMs, capacity: profileCapacity }
    // Looked-up ids as hashes, each judged against what the client's results showed it in the last hour.
    // A call's arguments are screened and then recorded: their keyed hashes (two HMACs an id) are worked
    // out once per arguments object; whether each id was shown is judged afresh each time.
    const hashedLookups = new WeakMap<object, ReadonlyArray<{ readonly key: string; readonly bucket: string }>>()
    const hashedLookupsOf = (args: unknown) => {
      const known = typeof args === "object" && args !== null ? hashedLookups.get(args) : undefined
      if (known !== undefined) return known
      const hashed = idsLookedUpBy(args).map((id) => ({ key: hash(id), bucket: hash(neighbourhoodOf(id)) }))
      if (typeof args === "object" && args !== null) hashedLookups.set(args, hashed)
      return hashed
    }
    const lookupsOf = (profile: BehaviourProfile, now: number, args: unknown): ReadonlyArray<Lookup> =>
      hashedLookupsOf(args).map(({ bucket, key }) => ({
        key,
        bucket,
        known: wasShownWithin(profile, now, profileHorizonMs, key)
      }))

    // One profile per client, owned by this layer and updated in place (synchronously, so atomically):
    // copying a client's history on every call made each call cost O(history).
    const profiles = new Map<string, ClientBehaviour>()
    const profileOf = (clientId: string) => {
      let profile = profiles.get(clientId)
      if (profile === undefined) {
        profile = new ClientBehaviour()
        profiles.set(clientId, profile)
      }
      return profile
    }

    /** Bring the client's profile up to date with what the store returned (a new generation starts it afresh). */
    const absorb = (clientId: string, delta: BehaviourDelta, now: number): ClientBehaviour => {
      const profile = profileOf(clientId)
      if (profile.absorb(delta, now) || !delta.reset) return profile
      const fresh = new ClientBehaviour()
      fresh.raisedUntil = profile.raisedUntil
      fresh.lastLevel = profile.lastLevel
      fresh.lastAssessedAt = profile.lastAssessedAt
      fresh.lastReported = profile.lastReported
      fresh.lastReportedAt = profile.lastReportedAt
      fresh.cursor = {
        generation: delta.cursor.generation,
        attempts: delta.cursor.attempts - delta.attempts.length,
        calls: delta.cursor.calls - delta.calls.length
      }
      fresh.absorb(delta, now)
      profiles.set(clientId, fresh)
      return fresh
    }

    /**
     * Append to the client's shared behaviour and take in what other replicas
     * added. When the store is unreachable and `degraded` allows it, the entry
     * is kept in this replica's copy only.
     */
    const share = (
      clientId: string,
      append: BehaviourAppend,
      now: number,
      degraded: (error: StateUnavailable) => Effect.Effect<ClientBehaviour, StateUnavailable>
    ) =>
      Effect.suspend(() => store.syncBehaviour(clientId, append, profileOf(clientId).cursor, limits, now)).pipe(
        Effect.map((delta) => absorb(clientId, delta, now)),
        Effect.catchTag("StateUnavailable", degraded)
      )

    // A custom detector that throws must not take the pipeline down: its rule is skipped and logged.
    // All detectors run in one step (one Effect per call, not four per detector); a failure is logged after.
    const runAll = (profile: BehaviourProfile, call: CallUnderAssessment): Effect.Effect<ReadonlyArray<ThreatFinding>> =>
      Effect.suspend(() => {
        const threats: Array<ThreatFinding> = []
        let failed: Array<string> | undefined
        for (const detector of detectors) {
          const found = Either.try(() => detector.detect(profile, call))
          if (Either.isLeft(found)) {
            ;(failed ??= []).push(detector.name)
            continue
          }
          for (const threat of found.right) {
            if (!Number.isFinite(threat.score) || threat.score <= 0) continue
            threats.push({ detector: detector.name, name: threat.name, score: round(threat.score), reason: threat.reason })
          }
        }
        if (failed === undefined) return Effect.succeed(threats)
        return Effect.as(
          Effect.forEach(failed, (detector) =>
            Effect.logWarning("threat detector failed; skipped").pipe(Effect.annotateLogs({ detector })), { discard: true }),
          threats
        )
      })

    /**
     * Score one call before it runs. Never fails; emits medium and high
     * assessments and opens an incident on high (with automatic response on).
     */
    const assess = Effect.fnUntraced(function*(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      admitted?: AdmittedAttempt
    ) {
      if (!enabled) return quiet
      const now = yield* Clock.currentTimeMillis
      const hourOfDay = hourOfDayAt(now)
      // Reads of the server's own state, and reads the operator allows, are judged locally while the store is away.
      const judgeLocally = tool.annotations.readOnlyHint && (reads === "allow" || tool.domain === "security")
      const profile = admitted === undefined
        ? yield* share(
          ctx.clientId,
          { attempt: now },
          now,
          (error) => judgeLocally ? Effect.sync(() => profileOf(ctx.clientId).attempt(now)) : Effect.fail(error)
        )
        // Shared with the admission (same round trip); None: the store was away and the read allowed on.
        : Option.match(admitted.delta, {
          onSome: (delta) => absorb(ctx.clientId, delta, now),
          onNone: () => profileOf(ctx.clientId).attempt(admitted.at)
        })
      const call: CallUnderAssessment = {
        clientId: ctx.clientId,
        tool,
        args,
        at: now,
        hourOfDay,
        offHours: inOffHours(settings, hourOfDay),
        lookups: lookupsOf(profile, now, args)
      }
      const raised = profile.raisedUntil > now
      const threats = yield* runAll(profile, call)
      const score = totalScore(threats, security.anomalyDetectionSensitivity, raised)
      const level = levelOf(score)
      // The sweep may have dropped an idle client meanwhile; the verdict goes to the client's current profile.
      const current = profileOf(ctx.clientId)
      current.lastLevel = level
      current.lastAssessedAt = now
      if (level === "low") return { score, level, threats } satisfies Assessment
      // Raised monitoring holds on every replica; if the store is away it holds here at least.
      current.raisedUntil = Math.max(current.raisedUntil, now + raisedMs)
      yield* share(ctx.clientId, { raisedUntil: now + raisedMs }, now, () => Effect.succeed(current))
      const event = { at: now, clientId: ctx.clientId, tool: tool.name, level, score, threats, blocked: level === "high" }
      // A medium assessment is reported when its findings change, and once a minute while they persist:
      // a burst of calls is one event, not one audit row per call. High is always reported.
      const findings = threats.map((threat) => threat.name).sort().join(",")
      if (level === "high" || findings !== current.lastReported || now - current.lastReportedAt >= mediumReportEveryMs) {
        current.lastReported = findings
        current.lastReportedAt = now
        yield* sink.emit({ kind: "threat_assessed", ...event })
      }
      if (level === "high" && security.enableAutomaticIncidentResponse) {
        const incident = yield* responder.open({ clientId: ctx.clientId, tool: tool.name, score, threats })
        if (incident.openedAt === now) yield* sink.emit({ kind: "incident_opened", ...event, incidentId: incident.id })
      }
      return { score, level, threats } satisfies Assessment
    })

    /**
     * What the pipeline calls before the handler: refuses a client blocked by an
     * incident until the block ends, and a call assessed high.
     */
    const guard = Effect.fnUntraced(function*(ctx: CallContextShape, tool: ToolInfo, args: unknown) {
      const block = yield* unlessReadAllowed(
        responder.blockOf(ctx.clientId),
        tool.annotations.readOnlyHint,
        reads,
        Option.none(),
        tool.domain === "security"
      )
      if (Option.isSome(block)) return yield* ClientBlocked.until(block.value.until, block.value.incidentId)
      return yield* screen(ctx, tool, args)
    })

    /**
     * `guard` without its block check, for the pipeline: the rate limiter's
     * admission already refused a blocked client in the same store step as
     * the lockout and the window (one round trip to a shared store, not two).
     */
    const screen = Effect.fnUntraced(function*(
      ctx: CallContextShape,
      tool: ToolInfo,
      args: unknown,
      admitted?: AdmittedAttempt
    ) {
      // A block the shared store did not accept is held by this replica (no round trip): it still refuses.
      const held = yield* responder.heldBlockOf(ctx.clientId)
      if (Option.isSome(held)) return yield* ClientBlocked.until(held.value.until, held.value.incidentId)
      const assessment = yield* assess(ctx, tool, args, admitted)
      if (assessment.level === "high") {
        const names = Array.from(new Set(assessment.threats.map((threat) => threat.name)))
        return yield* ThreatBlocked.of(tool.name, assessment.score, names)
      }
      return assessment
    })

    /**
     * The attempt the rate limiter's admission should append for this client
     * (`RateLimiter.take`), so the attempt costs no round trip of its own;
     * its result goes to `screen`. Undefined while monitoring is off.
     */
    const attemptOf = (clientId: string): Effect.Effect<BehaviourAttempt | undefined> =>
      Effect.sync(() => enabled ? { clientId, seen: profileOf(clientId).cursor, limits } : undefined)

    /** Update the client's profile with a call's outcome (after the handler, success or not). */
    const record = Effect.fnUntraced(function*(ctx: CallContextShape, tool: ToolInfo, outcome: CallOutcome) {
      // With monitoring off, a slot nobody used is not given back: it lapses within the throttle's window.
      if (!enabled) return
      const now = yield* Clock.currentTimeMillis
      const facts = outcome.reservationFacts
      const guests = Array.from(new Set((outcome.guestIds ?? []).slice(0, maxGuestsPerCall).map(hash)))
      const exposure: GuestExposure = !tool.annotations.readOnlyHint
        ? "none"
        : guests.length >= listFrom
        ? "list"
        : tool.domain === "guests"
        ? "profile"
        : "record"
      const profile = profileOf(ctx.clientId)
      const call: RecordedCall = {
        at: now,
        tool: tool.name,
        writes: !tool.annotations.readOnlyHint,
        destructive: tool.annotations.destructiveHint,
        touchesGuestData: tool.touchesGuestData,
        success: outcome.success,
        ...(outcome.errorTag !== undefined ? { errorTag: outcome.errorTag } : {}),
        ...(outcome.failure !== undefined ? { failure: outcome.failure } : {}),
        guests,
        exposure,
        lookups: lookupsOf(profile, now, outcome.args),
        returned: (outcome.returnedIds ?? []).slice(0, maxGuestsPerCall).map(hash),
        inBlock: typeof outcome.args === "object" && outcome.args !== null && "blockId" in outcome.args,
        ...(facts !== undefined
          ? {
            reservation: {
              ...facts,
              ...(facts.guestNameHash !== undefined ? { guestNameHash: hash(facts.guestNameHash) } : {})
            }
          }
          : {})
      }
      // The call has run: its outcome is counted here even if the store is away (the outage is logged by the store).
      const keptHere = Effect.sync(() => profileOf(ctx.clientId).record(call))
      // Sent to a shared store before the answer leaves, so this replica's next command (the client's next call)
      // reaches the store after it; the answer does not wait for the reply, which a fiber of its own takes in.
      const sent = yield* Effect.either(
        Effect.suspend(() =>
          store.sendBehaviour(
            ctx.clientId,
            { call, ...(outcome.unusedSlot === undefined ? {} : { releaseSlot: outcome.unusedSlot }) },
            profileOf(ctx.clientId).cursor,
            limits,
            now
          )
        )
      )
      if (Either.isLeft(sent)) return yield* keptHere
      if (sent.right._tag === "Decided") return absorb(ctx.clientId, sent.right.delta, now)
      yield* Effect.forkDaemon(sent.right.reply.pipe(
        Effect.map((delta) => absorb(ctx.clientId, delta, now)),
        Effect.catchTag("StateUnavailable", () => keptHere)
      ))
    })

    /** Monitoring state for the health check: overall level, per-client levels, incidents and blocks. */
    const snapshot = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const blockedClients = yield* responder.blockedClients
      const blocked = new Set(blockedClients.map((block) => block.clientId))
      const clients = Array.from(profiles)
        .map(([clientId, profile]) => ({
          clientId,
          level: (blocked.has(clientId) ? "high" : profile.raisedUntil > now ? "medium" : "low") as ThreatLevel,
          ...(profile.raisedUntil > now ? { raisedUntil: profile.raisedUntil } : {})
        }))
        .filter((client) => client.level !== "low")
        .sort((a, b) => a.clientId.localeCompare(b.clientId))
      const threatLevel: ThreatLevel = blockedClients.length > 0 || clients.some((client) => client.level === "high")
        ? "high"
        : clients.length > 0
        ? "medium"
        : "low"
      return {
        monitoring: enabled,
        threatLevel,
        clients,
        recentIncidents: yield* responder.recentIncidents,
        blockedClients,
        unstoredBlocks: yield* responder.unstoredBlocks
      }
    }).pipe(Effect.withSpan("ThreatMonitor.snapshot"))

    yield* Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      for (const [clientId, profile] of profiles) if (isIdle(profile, now)) profiles.delete(clientId)
    }).pipe(Effect.catchAllCause(Effect.logError), Effect.repeat(Schedule.spaced("5 minutes")), Effect.forkScoped)

    return { assess, guard, screen, attemptOf, record, snapshot } as const
  }),
  dependencies: [SecurityConfig.Default, ThreatConfig.Default]
}) {}
