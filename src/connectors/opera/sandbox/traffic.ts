import { Effect, Ref } from "effect"
import type { Fault } from "./faults.js"

/**
 * Every request the sandbox received and what it answered, for tests and
 * the fidelity suite. It holds tokens and secrets as sent: read it in
 * assertions, never print it.
 */
export interface Exchange {
  readonly atMillis: number
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, ReadonlyArray<string>>>
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>
  /** Parsed request body (JSON value or form fields), or undefined. */
  readonly body: unknown
  /** The route it matched, if any. */
  readonly route:
    | { readonly module: string; readonly operationId: string; readonly template: string }
    | undefined
  /** 0 when the connection was reset. */
  readonly status: number
  readonly responseHeaders: Readonly<Record<string, string>>
  /** Parsed response body (what the handler produced, before a malformed-JSON fault). */
  readonly responseBody: unknown
  readonly fault: Fault["_tag"] | undefined
}

export interface TrafficLog {
  readonly record: (exchange: Exchange) => Effect.Effect<void>
  readonly all: Effect.Effect<ReadonlyArray<Exchange>>
  readonly clear: Effect.Effect<void>
}

/** A ring buffer: once `capacity` exchanges are held, the oldest is dropped. */
export const makeTrafficLog = (capacity: number): Effect.Effect<TrafficLog> =>
  Effect.map(Ref.make<ReadonlyArray<Exchange>>([]), (log) => ({
    record: (exchange) =>
      Ref.update(log, (current) => {
        const next = [...current, exchange]
        return next.length > capacity ? next.slice(next.length - capacity) : next
      }),
    all: Ref.get(log),
    clear: Ref.set(log, [])
  }))
