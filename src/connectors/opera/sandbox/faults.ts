import { Effect, Ref } from "effect"

/**
 * Faults a test can switch on per route: what a flaky OPERA, its API
 * gateway or the network between would do to a request.
 */
export type Fault =
  | { readonly _tag: "Latency"; readonly millis: number }
  | { readonly _tag: "Status"; readonly status: number }
  | { readonly _tag: "RateLimited"; readonly retryAfterSeconds: number }
  | { readonly _tag: "Unauthorized" }
  | { readonly _tag: "ConnectionReset" }
  | { readonly _tag: "MalformedJson" }

export const Fault = {
  /** Delay the answer (Effect.sleep, so TestClock drives it); the request is then served normally. */
  latency: (millis: number): Fault => ({ _tag: "Latency", millis }),
  /** Answer with this status (default 503) and an OHIP error body, without serving the request. */
  status: (status = 503): Fault => ({ _tag: "Status", status }),
  /** Answer 429 with a Retry-After header. */
  rateLimited: (retryAfterSeconds = 1): Fault => ({ _tag: "RateLimited", retryAfterSeconds }),
  /** Answer 401 as if the access token were bad. */
  unauthorized: { _tag: "Unauthorized" } as Fault,
  /** Destroy the socket without an answer. */
  connectionReset: { _tag: "ConnectionReset" } as Fault,
  /** Serve the request, then send a truncated JSON body. */
  malformedJson: { _tag: "MalformedJson" } as Fault
} as const

/** Which requests a rule hits: an OHIP operationId, or a method and/or path prefix. */
export type FaultTarget =
  | { readonly operationId: string }
  | { readonly method?: string; readonly pathPrefix: string }

export interface FaultRule {
  readonly target: FaultTarget
  readonly fault: Fault
  /** Hit only the next N matching requests; unlimited when absent. */
  readonly times?: number
}

export interface FaultDecision {
  readonly latencyMillis: number
  /** The first matching fault other than latency, if any. */
  readonly fault: Exclude<Fault, { readonly _tag: "Latency" }> | undefined
}

export interface FaultStore {
  readonly inject: (rule: FaultRule) => Effect.Effect<void>
  readonly clear: Effect.Effect<void>
  /** Decides the faults for one request and uses up one hit of every matching limited rule. */
  readonly take: (request: {
    readonly operationId: string | undefined
    readonly method: string
    readonly path: string
  }) => Effect.Effect<FaultDecision>
}

interface ArmedRule {
  readonly rule: FaultRule
  readonly remaining: number | undefined
}

const matches = (
  target: FaultTarget,
  request: { readonly operationId: string | undefined; readonly method: string; readonly path: string }
): boolean =>
  "operationId" in target
    ? target.operationId === request.operationId
    : request.path.startsWith(target.pathPrefix) &&
      (target.method === undefined || target.method.toUpperCase() === request.method.toUpperCase())

export const makeFaultStore: Effect.Effect<FaultStore> = Effect.gen(function*() {
  const rules = yield* Ref.make<ReadonlyArray<ArmedRule>>([])
  return {
    inject: (rule) => Ref.update(rules, (current) => [...current, { rule, remaining: rule.times }]),
    clear: Ref.set(rules, []),
    take: (request) =>
      Ref.modify(rules, (current) => {
        const hits = current.filter((armed) => matches(armed.rule.target, request))
        const latencyMillis = hits.reduce(
          (total, armed) => armed.rule.fault._tag === "Latency" ? total + armed.rule.fault.millis : total,
          0
        )
        const terminal = hits.map((armed) => armed.rule.fault).find(
          (fault): fault is Exclude<Fault, { readonly _tag: "Latency" }> => fault._tag !== "Latency"
        )
        const next = current
          .map((armed) =>
            hits.includes(armed) && armed.remaining !== undefined ? { ...armed, remaining: armed.remaining - 1 } : armed
          )
          .filter((armed) => armed.remaining === undefined || armed.remaining > 0)
        const decision: FaultDecision = {
          latencyMillis,
          fault: terminal
        }
        return [decision, next] as const
      })
  }
})
