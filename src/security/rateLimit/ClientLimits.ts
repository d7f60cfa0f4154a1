import { Exit } from "effect"
import { ClientLockedOut, RateLimited } from "../errors.js"
import { SlidingWindow } from "./SlidingWindow.js"

/** A decision: admitted (`Exit.void`), or the refusal the caller fails with. */
export type Decision = Exit.Exit<void, RateLimited | ClientLockedOut>

export interface ClientLimitSettings {
  readonly enableRateLimiting: boolean
  /** Calls admitted per (client, tool) in any window. */
  readonly limit: number
  readonly windowMs: number
  /** Shown in the refusal, as the operator configured it. */
  readonly windowMinutes: number
  readonly maxFailedAttempts: number
  readonly failureWindowMs: number
  readonly lockoutMs: number
}

/** What `recordFailure` concludes; `newlyLockedOut` is true once per lockout. */
export type FailureCount =
  | { readonly lockedOut: false; readonly failures: number }
  | { readonly lockedOut: true; readonly lockoutUntil: number; readonly newlyLockedOut: boolean }

interface ToolCalls {
  readonly window: SlidingWindow
  /** The last refusal, handed out again while the wait is the same (same millisecond). */
  refusal: Exit.Exit<never, RateLimited> | undefined
  refusalRetryAfterMs: number
}

interface ClientState {
  readonly tools: Map<string, ToolCalls>
  failures: SlidingWindow | undefined
  lockedUntil: number
  lockout: Exit.Exit<never, ClientLockedOut> | undefined
  lockoutFor: number
}

/**
 * The synchronous core of the RateLimiter: per client, its lockout, its recent
 * failures and one exact sliding window per tool (maps nested by client then
 * tool, so no key string is built per call). Every method takes `now` from
 * the caller's Clock and completes without yielding, so a decision is atomic.
 *
 * A decision is an `Exit`, so the Effect wrapper runs it as one step.
 * Refusals are immutable: the one for a tool window is rebuilt only when its
 * `retryAfterMs` changes, the one for a lockout once per lockout. Building an
 * Error (and its stack) per refused call was most of the cost of a refusal
 * under a flood.
 */
export class ClientLimits {
  private readonly clients = new Map<string, ClientState>()

  constructor(readonly settings: ClientLimitSettings) {}

  private stateOf(clientId: string): ClientState {
    let state = this.clients.get(clientId)
    if (state === undefined) {
      state = { tools: new Map(), failures: undefined, lockedUntil: 0, lockout: undefined, lockoutFor: 0 }
      this.clients.set(clientId, state)
    }
    return state
  }

  private lockoutOf(state: ClientState): Exit.Exit<never, ClientLockedOut> {
    if (state.lockout === undefined || state.lockoutFor !== state.lockedUntil) {
      state.lockout = Exit.fail(ClientLockedOut.until(state.lockedUntil))
      state.lockoutFor = state.lockedUntil
    }
    return state.lockout
  }

  /** Admit one call or say why not: the client is locked out, or the tool's window is full. */
  decide(clientId: string, toolName: string, now: number): Decision {
    const settings = this.settings
    const state = this.clients.get(clientId)
    if (state !== undefined && state.lockedUntil > now) return this.lockoutOf(state)
    if (!settings.enableRateLimiting) return Exit.void
    const client = state ?? this.stateOf(clientId)
    let calls = client.tools.get(toolName)
    if (calls === undefined) {
      calls = { window: new SlidingWindow(settings.windowMs, settings.limit), refusal: undefined, refusalRetryAfterMs: 0 }
      client.tools.set(toolName, calls)
    }
    const retryAfterMs = calls.window.admit(now, settings.limit)
    if (retryAfterMs === 0) return Exit.void
    if (calls.refusal === undefined || calls.refusalRetryAfterMs !== retryAfterMs) {
      calls.refusal = Exit.fail(RateLimited.forTool(toolName, settings.limit, settings.windowMinutes, retryAfterMs))
      calls.refusalRetryAfterMs = retryAfterMs
    }
    return calls.refusal
  }

  /**
   * Count a failure. `maxFailedAttempts` within the failure window lock the
   * client out for `lockoutMs`; the count starts afresh after a lockout.
   */
  recordFailure(clientId: string, now: number): FailureCount {
    const settings = this.settings
    const state = this.stateOf(clientId)
    if (state.lockedUntil > now) return { lockedOut: true, lockoutUntil: state.lockedUntil, newlyLockedOut: false }
    state.failures ??= new SlidingWindow(settings.failureWindowMs, settings.maxFailedAttempts)
    const failures = state.failures.record(now)
    if (failures < settings.maxFailedAttempts) return { lockedOut: false, failures }
    state.failures = undefined
    state.lockedUntil = now + settings.lockoutMs
    return { lockedOut: true, lockoutUntil: state.lockedUntil, newlyLockedOut: true }
  }

  /** Block a client until `until` (epoch ms). Never shortens an existing lockout. */
  lockOut(clientId: string, until: number): void {
    const state = this.stateOf(clientId)
    state.lockedUntil = Math.max(state.lockedUntil, until)
  }

  /** Clients locked out at `now`, by client id. */
  lockouts(now: number): ReadonlyArray<{ readonly clientId: string; readonly until: number }> {
    const locked: Array<{ readonly clientId: string; readonly until: number }> = []
    for (const [clientId, state] of this.clients) {
      if (state.lockedUntil > now) locked.push({ clientId, until: state.lockedUntil })
    }
    return locked.sort((a, b) => a.clientId.localeCompare(b.clientId))
  }

  /** Forget windows, failures and lockouts that no longer count, so idle clients cost nothing. */
  sweep(now: number): void {
    for (const [clientId, state] of this.clients) {
      for (const [toolName, calls] of state.tools) {
        if (calls.window.isIdle(now)) state.tools.delete(toolName)
      }
      if (state.failures !== undefined && state.failures.isIdle(now)) state.failures = undefined
      if (state.lockedUntil <= now) {
        state.lockedUntil = 0
        state.lockout = undefined
      }
      if (state.tools.size === 0 && state.failures === undefined && state.lockedUntil === 0) {
        this.clients.delete(clientId)
      }
    }
  }

  /** Clients with any state held, for tests of the sweep. */
  get size(): number {
    return this.clients.size
  }
}
