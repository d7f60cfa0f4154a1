import { Clock, Effect, Option } from "effect"
import { randomUUID } from "node:crypto"
import { SecurityConfig } from "../config/SecurityConfig.js"
import { traced } from "../config/traced.js"
import { AccessPolicy } from "../security/AccessPolicy.js"
import { AuditLog } from "../security/AuditLog.js"
import type { AuditEventInput } from "../security/audit/model.js"
import { UpstreamRequests } from "../security/audit/UpstreamRequests.js"
import type { ConfirmedBy } from "../security/Confirmation.js"
import { Confirmation } from "../security/Confirmation.js"
import { ConfirmationRequired } from "../security/errors.js"
import { RateLimiter } from "../security/RateLimiter.js"
import { Redactor } from "../security/Redactor.js"
import { idsReturnedBy } from "../security/threat/ids.js"
import type { FailureKind, ReservationFacts } from "../security/threat/model.js"
import { ThreatMonitor } from "../security/ThreatMonitor.js"
import type { CallContextShape } from "./CallContext.js"
import { Connector } from "./Connector.js"
import { RecentReservations } from "./surface/RecentReservations.js"
import { ResourceChanges } from "./surface/ResourceChanges.js"
import { noteToolCall, pipelineStep } from "./callTelemetry.js"
import { invalidArguments } from "./InvalidArguments.js"
import type { CallFacts, Tool } from "./Tool.js"
import { confirmationTokenArgument, ToolError } from "./Tool.js"
import type { ToolCallOutcome } from "./ToolCallOutcome.js"
import { confirmationRequired, failed } from "./ToolCallOutcome.js"

/** The services every call goes through, in the order of ARCHITECTURE.md. */
export type PipelineServices =
  | AccessPolicy
  | RateLimiter
  | Confirmation
  | Redactor
  | AuditLog
  | ThreatMonitor
  | SecurityConfig
  | RecentReservations
  | ResourceChanges
  | Connector

// Refusals that count toward a client's lockout.
const lockoutReasons = {
  ToolNotAllowed: "policy_refusal",
  HotelNotAllowed: "policy_refusal",
  ReadOnlyMode: "policy_refusal",
  PeerNotAllowed: "policy_refusal",
  InvalidArguments: "invalid_arguments",
  ConfirmationInvalid: "confirmation_invalid",
  ThreatBlocked: "threat"
} as const

// The pipeline's own refusals that were our plumbing's fault, not the caller's.
const pipelineOutages: ReadonlySet<string> = new Set(["AuditUnavailable", "StateUnavailable", "ConfirmationUnavailable"])

// The guest profiles a result names, for the bulk-access detector (hashed there, never kept raw).
const profileIdsIn = (value: unknown, found: Set<string> = new Set(), depth = 0): Set<string> => {
  if (depth > 8 || found.size >= 200 || typeof value !== "object" || value === null) return found
  for (const [key, child] of Object.entries(value)) {
    if ((key === "profileId" || key === "guestId") && typeof child === "string") found.add(child)
    else profileIdsIn(child, found, depth + 1)
  }
  return found
}

// What the booking-pattern and rate detectors need from a booking call's arguments.
const reservationFactsOf = (input: unknown): ReservationFacts | undefined => {
  if (typeof input !== "object" || input === null) return undefined
  const record = input as Record<string, unknown>
  const text = (key: string) => (typeof record[key] === "string" ? record[key] as string : undefined)
  const arrival = text("arrivalDate")
  const departure = text("departureDate")
  if (arrival === undefined && departure === undefined) return undefined
  const guest = typeof record.guest === "object" && record.guest !== null ? record.guest as Record<string, unknown> : {}
  const name = [guest.givenName, guest.surname, guest.profileId].filter((part) => typeof part === "string").join(" ")
  return {
    ...(arrival !== undefined ? { arrival } : {}),
    ...(departure !== undefined ? { departure } : {}),
    ...(name !== "" ? { guestNameHash: name.toLowerCase() } : {}),
    ...(typeof record.rateAmount === "number" ? { rateAmount: record.rateAmount } : {})
  }
}

const withoutConfirmationToken = (args: unknown): unknown => {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return args
  const { [confirmationTokenArgument]: _token, ...rest } = args as Record<string, unknown>
  return rest
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : { result: value }

// Refusal messages and the audited arguments are kept to this many characters.
const maxMessageChars = 4000
const upTo = (limit: number, text: string) => text.length > limit ? `${text.slice(0, limit)}…` : text

const argumentDetails = (args: unknown): string =>
  upTo(maxMessageChars, JSON.stringify(withoutConfirmationToken(args)) ?? "")

/**
 * One tool call through the security pipeline: access policy, rate limit,
 * argument decoding, confirmation, audit (intent before a write, fail closed),
 * the handler, redaction, audit of the outcome. Every expected failure comes
 * back as an isError outcome with a message a person can act on.
 */
export const runToolCall = <R>(ctx: CallContextShape, tool: Tool<R>, args: unknown) =>
  Effect.gen(function*() {
    const access = yield* AccessPolicy
    const limiter = yield* RateLimiter
    const confirmation = yield* Confirmation
    const redactor = yield* Redactor
    const audit = yield* AuditLog
    const threats = yield* ThreatMonitor
    const security = yield* SecurityConfig
    const recent = yield* RecentReservations
    const changes = yield* ResourceChanges
    const { admissionPace, classifyFailure, surface } = yield* Connector
    const started = yield* Clock.currentTimeMillis
    const writes = !tool.annotations.readOnlyHint
    const correlationId = randomUUID()
    const upstream = yield* UpstreamRequests.make
    let facts: CallFacts = {}
    let risk: { readonly riskScore: number; readonly riskLevel: "low" | "medium" | "high" } | undefined
    let decoded: unknown = undefined
    let guestIds: ReadonlyArray<string> = []
    let returnedIds: ReadonlyArray<string> = []
    let strict = false
    let confirmedBy: ConfirmedBy | undefined

    const record = (event: Pick<AuditEventInput, "kind" | "outcome"> & Partial<AuditEventInput>) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const upstreamRequestIds = yield* upstream.ids
        return yield* audit.append({
          clientId: ctx.clientId,
          tool: tool.name,
          correlationId,
          ...(upstreamRequestIds.length > 0 ? { upstreamRequestIds } : {}),
          durationMs: now - started,
          ...(facts.hotelId !== undefined ? { hotelId: facts.hotelId } : {}),
          ...(facts.objectIds !== undefined ? { objectIds: facts.objectIds } : {}),
          ...(risk ?? {}),
          ...(confirmedBy !== undefined ? { confirmedBy } : {}),
          sensitive: {
            details: argumentDetails(args),
            ...(ctx.peer !== undefined ? { ipAddress: redactor.anonymize("ip", ctx.peer) } : {}),
            ...(ctx.userAgent !== undefined ? { userAgent: redactor.anonymize("userAgent", ctx.userAgent) } : {})
          },
          ...event
        })
      })

    let intentRecorded = false
    let outcomeRecorded = false
    // Set when the handler (the connector) fails, so its failure is audited as one, whatever its tag.
    let handlerFailed = false
    // Why the call failed, for the threat monitor (an outage counts toward no lockout or brute force).
    let failure: FailureKind | undefined
    const recordIntent = (refusal: (problem: string) => string) =>
      record({ kind: "tool_intent", outcome: "pending" }).pipe(
        Effect.mapError((problem) => new ToolError({ message: refusal(problem.message) })),
        Effect.tap(() => {
          intentRecorded = true
        })
      )

    const steps = Effect.gen(function*() {
      const auditState = yield* audit.status
      strict = auditState.strictMode
      if (auditState.strictMode && auditState.mode === "degraded") {
        // Strict mode and the log has been failing: the call runs only if its intent can be recorded now
        // (so the first call after the log recovers goes through).
        yield* recordIntent(() =>
          "Refused: the audit log is unavailable and strict mode is on; no call runs until it recovers."
        ).pipe(pipelineStep("audit_intent"))
      }
      // A prompt is allowed when every tool it leads to is; a tool, when it is.
      const gates = tool.requires ?? [tool]
      const checkGates = (hotelId: string | undefined) =>
        gates.length === 1
          ? access.check(ctx, gates[0]!, hotelId)
          : Effect.forEach(gates, (gate) => access.check(ctx, gate, hotelId), { discard: true })
      yield* checkGates(undefined).pipe(pipelineStep("access_policy"))
      // The server's own security tools (the health check) still answer while the shared state is away.
      // The threat monitor's attempt and the confirmation token's step (its consumption, or the new token kept)
      // ride in the same store step: one Redis round trip for the three.
      const planned = yield* confirmation.admissionStep(ctx, tool, args)
      const admitted = yield* limiter.take(
        ctx.clientId,
        tool.name,
        !writes,
        !writes && tool.domain === "security",
        yield* threats.attemptOf(ctx.clientId),
        planned?.step,
        // A read makes its OPERA request right after: its throttle slot rides in the admission too.
        writes ? undefined : Option.getOrUndefined(admissionPace)
      ).pipe(pipelineStep("rate_limit"))
      if (admitted.slot !== undefined) yield* upstream.offerSlot(admitted.slot)
      const input = yield* tool.decodeInput(withoutConfirmationToken(args)).pipe(
        Effect.mapError((error) => invalidArguments(tool.name, error)),
        pipelineStep("decode_arguments")
      )
      decoded = input
      facts = yield* tool.facts(input)
      yield* checkGates(facts.hotelId).pipe(pipelineStep("access_policy_hotel"))
      // The block was checked with the lockout in limiter.take above, and the attempt shared there.
      const assessment = yield* threats.screen(ctx, tool, input, admitted.attempt).pipe(pipelineStep("threat_screen"))
      risk = { riskScore: assessment.score, riskLevel: assessment.level }
      confirmedBy = yield* confirmation.gate(
        ctx,
        tool,
        args,
        // Shown to the model and to the person at the client: masked as any result is.
        // Worked out only if the gate shows it (a read never does).
        Effect.sync(() => redactor.redactText(facts.summary ?? `${tool.annotations.title} with the arguments given`)),
        planned === undefined
          ? undefined
          : { planned, at: admitted.at, ...(admitted.once === undefined ? {} : { found: admitted.once }) }
      ).pipe(pipelineStep("confirmation"))
      if (writes && !intentRecorded) {
        // Fail closed: no change reaches OPERA unless its intent is on the record first.
        yield* recordIntent((problem) =>
          `Refused: the audit log cannot record this change (${problem}). Nothing was sent to OPERA.`
        ).pipe(pipelineStep("audit_intent"))
      }
      const result = yield* tool.handler(input).pipe(
        Effect.tapError(() =>
          Effect.sync(() => {
            handlerFailed = true
          })
        ),
        Effect.provideService(UpstreamRequests, upstream),
        pipelineStep("handler")
      )
      guestIds = [...profileIdsIn(result)]
      returnedIds = idsReturnedBy(result)
      const structured = yield* Effect.sync(() => redactor.redactResult(tool, result)).pipe(pipelineStep("redact"))
      const mismatch = tool.outputMismatch(structured)
      if (mismatch.length > 0) {
        return yield* Effect.dieMessage(
          `${tool.name}: redacted result no longer fits the output schema at ${mismatch.slice(0, 5).join(", ")}`
        )
      }
      return { isError: false, text: tool.render(structured), structured: asRecord(structured) } satisfies ToolCallOutcome
    })

    // A call cut by the client (notifications/cancelled, a dropped connection) or by shutdown still
    // ends with an outcome row, written uninterruptibly. A write cut after its intent was recorded may
    // already have reached OPERA: its outcome is unknown, not cancelled.
    const cut = Effect.suspend(() => {
      if (outcomeRecorded) return Effect.void
      const lost = writes && intentRecorded
      return record({
        kind: writes ? "tool_outcome" : "tool_call",
        outcome: lost ? "unknown_outcome" : "cancelled",
        errorTag: lost ? "OutcomeLost" : "Cancelled"
      }).pipe(
        Effect.catchAll((error) => Effect.logWarning("audit: could not record a cut call", { tool: tool.name, reason: error.reason }))
      )
    })
    const completed = Effect.gen(function*() {
      const outcome = yield* steps.pipe(
        Effect.catchAll((error) =>
          Effect.gen(function*() {
            failure = handlerFailed
              ? (error instanceof ToolError ? "rejected" : classifyFailure(error))
              : pipelineOutages.has(error._tag)
              ? "outage"
              : "refused"
            const reason = (lockoutReasons as Record<string, typeof lockoutReasons[keyof typeof lockoutReasons]>)[error._tag]
            if (reason !== undefined) {
              const lock = yield* limiter.recordFailure(ctx.clientId, reason)
              if (lock.lockedOut && lock.newlyLockedOut) {
                yield* audit.append({
                  kind: "security",
                  clientId: ctx.clientId,
                  tool: tool.name,
                  outcome: "refused",
                  errorTag: "ClientLockedOut"
                }).pipe(Effect.ignore)
              }
            }
            // The connector's own explanations (OPERA's) are passed on, with any email, phone or card number in them masked.
            // Masked first (a cut could leave part of a card number unmasked), then kept to a readable length:
            // a refusal may quote the caller's own arguments, which can be huge.
            const text = upTo(maxMessageChars, redactor.redactText(error.message))
            // Not a failure: clients show isError as one. The call is still audited as refused (nothing ran).
            if (error instanceof ConfirmationRequired) return { ...confirmationRequired(error, text), errorTag: error._tag }
            return { ...failed(text), errorTag: error._tag }
          })
        )
      )

      const errorTag = "errorTag" in outcome ? outcome.errorTag : undefined
      if (errorTag === undefined && facts.hotelId !== undefined) {
        // This client's own recent reservations, for completions; a change announces what it touched.
        yield* recent.note(ctx.clientId, facts.hotelId, surface.recentIdsIn(outcome.structured))
        if (writes) yield* changes.announce(surface.changedResources(tool.domain, facts.hotelId, decoded, outcome.structured))
      }
      const finished = yield* Clock.currentTimeMillis
      const bookingFacts = reservationFactsOf(decoded)
      const unusedSlot = yield* upstream.takeSlot
      // The outcome goes to the client's shared behaviour first: `record` sends it to a shared store and does not
      // wait for the reply (the store applies it before this replica's next command), so this client's next call is
      // judged with this one in, and the answer waits for no round trip of it. `record` never fails (the store's
      // outage is counted locally).
      const threatRecorded = pipelineStep("threat_record")(threats.record(ctx, tool, {
        // A confirmation round waiting for the user is not a failed call (the client repeats it with the answer).
        success: errorTag === undefined || errorTag === "ConfirmationPending",
        ...(errorTag !== undefined ? { errorTag } : {}),
        ...(failure !== undefined ? { failure } : {}),
        guestIds,
        returnedIds,
        ...(decoded !== undefined ? { args: decoded } : {}),
        ...(bookingFacts !== undefined ? { reservationFacts: bookingFacts } : {}),
        durationMs: finished - started,
        ...(Option.isSome(unusedSlot) ? { unusedSlot: unusedSlot.value } : {})
      }))
      // A connector's failure (or the handler's own ToolError) is a failure; the pipeline's refusals are refusals.
      const auditOutcome = errorTag === undefined ? "success" : handlerFailed ? "failure" : "refused"
      yield* threatRecorded
      const written = yield* record({
        kind: writes ? "tool_outcome" : "tool_call",
        outcome: auditOutcome,
        ...(errorTag !== undefined ? { errorTag } : {})
      }).pipe(Effect.either, Effect.tap(() => {
        outcomeRecorded = true
      }), Effect.uninterruptible, pipelineStep("audit_outcome"))
      yield* noteToolCall(tool.name, auditOutcome, errorTag, finished - started)
      if (security.enableSecurityDebugLogs) {
        // Security debug detail: what the pipeline decided, never arguments, results or ids.
        yield* Effect.logInfo("tool call", {
          tool: tool.name,
          outcome: auditOutcome,
          errorTag: errorTag ?? "none",
          riskLevel: risk?.riskLevel ?? "unscored",
          durationMs: finished - started,
          audited: written._tag === "Right"
        })
      }
      if (written._tag === "Left") {
        // Reads go on while the audit log is degraded; the health check says so.
        yield* Effect.logWarning("audit: could not record a tool call", { tool: tool.name, reason: written.left.reason })
        if (strict && !writes && errorTag === undefined) {
          // Strict mode: no guest data leaves unless its read is on the record. (A write has already
          // changed OPERA, and its intent is on the record: its result is not hidden, which would invite a repeat.)
          return {
            isError: true,
            text: "Refused: the audit log could not record this read and strict mode is on; the result is withheld.",
            errorTag: "AuditUnavailable"
          } satisfies ToolCallOutcome
        }
      }
      return Option.match(Option.fromNullable(errorTag), {
        onNone: () => outcome,
        onSome: (tag) => ({ ...outcome, isError: tag !== "ConfirmationRequired", errorTag: tag }) satisfies ToolCallOutcome
      })
    })
    return yield* completed.pipe(Effect.onInterrupt(() => cut))
  }).pipe(traced("mcp.tool.call", {
    kind: "server",
    attributes: { "mcp.tool.name": tool.name, "mcp.transport": ctx.transport, "mcp.tool.writes": !tool.annotations.readOnlyHint }
  }))
