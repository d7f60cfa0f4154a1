import { Clock, Effect, Layer, Option } from "effect"
import { bindTool, Connector } from "../../tools/Connector.js"
import type { UpstreamHealth } from "../../tools/Connector.js"
import { OipaDatabase } from "./database/OipaDatabase.js"
import { oipaTools } from "./tools/index.js"

/**
 * The OIPA connector: six read-only tools over OIPA's policy and client
 * tables, bound to `OipaDatabase` (Oracle, or the seeded SQLite sandbox). It
 * has no resources, prompts or completions, no hotel and no circuit breaker;
 * its health probe is a trivial query.
 */
export const OipaConnector = Layer.effect(
  Connector,
  Effect.gen(function*() {
    const context = yield* Effect.context<OipaDatabase>()
    const database = yield* OipaDatabase

    const health = Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const answer = yield* database.ping()
      const latencyMs = (yield* Clock.currentTimeMillis) - started
      const common = { connector: "oipa", system: "OIPA database", target: "the policy administration schema" } as const
      return (answer.healthy
        ? { ...common, reachable: true, latencyMs }
        : { ...common, reachable: false, problem: answer.reason }) satisfies UpstreamHealth
    })

    return {
      name: "oipa",
      tools: oipaTools.map((tool) => bindTool(tool, context)),
      surface: {
        resources: [],
        prompts: [],
        completions: {},
        changedResources: () => [],
        recentIdsIn: () => []
      },
      defaultHotel: Option.none(),
      health,
      // A policy or client the caller named that does not exist is the caller's; anything else the database
      // or the connector's own setup did (unreachable, timed out, a missing grant or object, a changed schema).
      classifyFailure: (failure) =>
        failure._tag === "OipaNotFound" ? "not_found" : failure._tag === "ToolError" ? "rejected" : "outage",
      admissionPace: Option.none(),
      circuitBreaker: Effect.succeed(Option.none()),
      instructions: {
        about: "Oracle Insurance Policy Administration (OIPA), read-only, for policy service staff, behind an audited " +
          "security layer.",
        domains: {
          "policies": "policies: search, details with roles and segments, counts by status, policies expiring in a date range",
          "policy-clients": "clients: search by name, a client's policies and roles",
          "security": "the server's own security health check and report, describe_tools"
        },
        conventions: [
          "Every tool only reads. Dates are YYYY-MM-DD; lists take a limit of at most 100.",
          "Clients are people: tax ids are always masked, dates of birth and e-mails by the server's policy. " +
          "Request only what the task needs."
        ]
      }
    }
  })
)
